// The one bridge between the sandboxed UI and the app: a call into the engine's API by method
// name, job events and menu commands, and a folder picker. Nothing else of Electron or Node is
// exposed; the main process checks every call against the API contract's method names.
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('loupeBridge', {
  call: (method: string, body: unknown): Promise<unknown> => ipcRenderer.invoke('loupe:call', method, body),
  pickFolder: (): Promise<string | undefined> => ipcRenderer.invoke('loupe:pick-folder'),
  onEvent: (listener: (event: unknown) => void) => {
    const handler = (_e: unknown, event: unknown) => listener(event);
    ipcRenderer.on('loupe:event', handler);
    return () => ipcRenderer.off('loupe:event', handler);
  },
  onCommand: (listener: (command: string) => void) => {
    const handler = (_e: unknown, command: string) => listener(command);
    ipcRenderer.on('loupe:command', handler);
    return () => ipcRenderer.off('loupe:command', handler);
  },
});

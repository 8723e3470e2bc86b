// The one bridge between the sandboxed UI and the app: a call into the engine's API by method
// name, job events and menu commands, a folder picker, and the model servers' key file (save,
// load, forget; encrypted by the main process). Nothing else of Electron or Node is exposed; the
// main process checks every call against the API contract.
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('loupeBridge', {
  call: (method: string, body: unknown): Promise<unknown> => ipcRenderer.invoke('loupe:call', method, body),
  pickFolder: (): Promise<string | undefined> => ipcRenderer.invoke('loupe:pick-folder'),
  modelServerKeys: {
    save: (baseUrl: string, key: string): Promise<boolean> => ipcRenderer.invoke('loupe:key-save', baseUrl, key),
    load: (baseUrl: string): Promise<string | undefined> => ipcRenderer.invoke('loupe:key-load', baseUrl),
    forget: (baseUrl: string): Promise<void> => ipcRenderer.invoke('loupe:key-forget', baseUrl),
  },
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

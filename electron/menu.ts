// The application menu as data: commands the UI carries out are sent to it by name. Reloading and
// the developer tools are there only in a development run: in the shipped app a reload would drop
// unsaved edits, and the tools would run any code typed into them with the app's bridge.
import type { MenuItemConstructorOptions } from 'electron';

export type MenuCommand = 'open' | 'save-version' | 'regenerate' | 'export';

export function menuTemplate(send: (command: MenuCommand) => void, isMac: boolean, development: boolean): MenuItemConstructorOptions[] {
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Design…', accelerator: 'CmdOrCtrl+O', click: () => send('open') },
        { label: 'Save Version', accelerator: 'CmdOrCtrl+S', click: () => send('save-version') },
        // Force-reload is left out even in development, so its shortcut stays this one's.
        { label: 'Re-generate', accelerator: 'CmdOrCtrl+Shift+R', click: () => send('regenerate') },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => send('export') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(development ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
  ];
}

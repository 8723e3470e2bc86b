// The application menu as data: commands the UI carries out are sent to it by name.
import type { MenuItemConstructorOptions } from 'electron';

export type MenuCommand = 'open' | 'save-version' | 'regenerate' | 'export';

export function menuTemplate(send: (command: MenuCommand) => void, isMac: boolean): MenuItemConstructorOptions[] {
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Design…', accelerator: 'CmdOrCtrl+O', click: () => send('open') },
        { label: 'Save Version', accelerator: 'CmdOrCtrl+S', click: () => send('save-version') },
        // No reload role in this menu, so the shortcut browsers use for reloading is free.
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
        { role: 'toggleDevTools' },
      ],
    },
    { role: 'windowMenu' },
  ];
}

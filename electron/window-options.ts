// The main window locked down: the UI gets no Node, runs sandboxed and isolated from the preload,
// and reaches the engine only through the preload's one bridge. The developer tools open only in
// a development run (see menu.ts).
import type { BrowserWindowConstructorOptions } from 'electron';

export function windowOptions(preloadPath: string, development: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Loupe',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      devTools: development,
    },
  };
}

/** Only the app's own pages may load in the window; everything else is refused. */
export const isAppUrl = (url: string): boolean => url.startsWith('loupe://app/');

/**
 * Whether a link the app's page opens goes to the system browser: web addresses only. Other
 * schemes (file:, smb:, custom ones that start programs) never reach shell.openExternal.
 */
export const opensInSystemBrowser = (url: string): boolean => /^https?:\/\//.test(url);

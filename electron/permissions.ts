// The web permissions the desktop app grants. Electron grants every permission a page asks for
// unless the session says otherwise, so the session answers both questions Chromium asks (may
// this frame request it now; does it hold it) with this one rule: only the clipboard, which the
// code editor (Monaco) uses for its Copy, Cut and Paste commands, and only to the app's own top
// frame. Previews, which run generated or edited code, get nothing: no camera or microphone, no
// screen capture, no notifications, no geolocation, no devices, no fullscreen, no external links.
import { isAppFrame } from './app-frame.ts';

/** What the app's own page needs; the paste of a design (Ctrl/Cmd+V) reads the paste event, which needs no permission. */
export const APP_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-read', 'clipboard-sanitized-write']);

/** The frame asking, as Electron's handlers describe it; `requestingUrl` is missing when no document asks (a worker). */
export interface PermissionAsker {
  isMainFrame: boolean;
  requestingUrl?: string;
}

export function grantsPermission(permission: string, asker: PermissionAsker): boolean {
  return APP_PERMISSIONS.has(permission) && asker.requestingUrl !== undefined && isAppFrame({ url: asker.requestingUrl, isMainFrame: asker.isMainFrame });
}

// Content-Security-Policies of what the engine serves, the same in web mode and in the desktop app.

/** The app's own pages: scripts only from the app, no inline script, previews in frames. */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
  "worker-src 'self' blob:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** Generated code: its own opaque origin, inline code and data: resources only, nothing fetched. */
export const PREVIEW_CSP =
  "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; " +
  "font-src data:; media-src data: blob:";

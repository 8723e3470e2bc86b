// Response headers of what the engine serves to the app, the same in web mode (HTTP) and in the
// desktop app (loupe:// protocol): content types, and the Content-Security-Policies that keep
// the app strict and generated code sandboxed.
import { contentTypeOf } from '../codegen/media-types.ts';

/** The app's own pages: scripts only from the app, no inline script, previews in frames. */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
  "worker-src 'self' blob:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/**
 * Generated code: its own opaque origin, inline code and data: resources only, nothing fetched,
 * and shown only in a frame of the app's (a page of its own could navigate itself anywhere).
 */
export const PREVIEW_CSP =
  "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; " +
  "font-src data:; media-src data: blob:; frame-ancestors 'self'";

/** Headers for a file of the built UI, by its path. */
export function appFileHeaders(path: string): Record<string, string> {
  const type = contentTypeOf(path);
  return { 'content-type': type, ...(type.startsWith('text/html') ? { 'content-security-policy': APP_CSP } : {}) };
}

/** Headers for an artifact (design, render, diff, preview) of the given type. */
export function artifactHeaders(mime: string): Record<string, string> {
  return { 'content-type': mime, 'cache-control': 'no-store', ...(mime === 'text/html' ? { 'content-security-policy': PREVIEW_CSP } : {}) };
}

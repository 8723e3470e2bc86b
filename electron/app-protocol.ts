// What `loupe://app/…` serves in the desktop app: the built UI under the app's CSP, and the
// engine's artifacts (design, renders, previews) where previews get the sandbox CSP, the same
// as web mode serves them over HTTP.
import { normalize } from 'node:path';
import { appFileHeaders, artifactHeaders } from '../engine/transport/app-headers.ts';

export type AppRequest = { kind: 'file'; path: string } | { kind: 'artifact'; id: string } | { kind: 'refused' } | { kind: 'malformed' };

export function routeAppUrl(url: string): AppRequest {
  const parsed = URL.parse(url);
  if (parsed?.protocol !== 'loupe:' || parsed.host !== 'app') return { kind: 'refused' };
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    // A `%` not followed by two hex digits: a bad request, answered as one, never a thrown error.
    return { kind: 'malformed' };
  }
  if (path.startsWith('/artifacts/')) return { kind: 'artifact', id: path.slice('/artifacts/'.length) };
  const relative = normalize(path === '/' ? 'index.html' : path.slice(1));
  if (relative.startsWith('..') || relative.startsWith('/')) return { kind: 'refused' };
  return { kind: 'file', path: relative };
}

export function headersFor(request: AppRequest, mime?: string): Record<string, string> {
  if (request.kind === 'artifact') return artifactHeaders(mime ?? 'application/octet-stream');
  return request.kind === 'file' ? appFileHeaders(request.path) : {};
}

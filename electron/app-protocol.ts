// What `loupe://app/…` serves in the desktop app: the built UI under the app's CSP, and the
// engine's artifacts (design, renders, previews) where previews get the sandbox CSP, the same
// as web mode serves them over HTTP.
import { extname, normalize } from 'node:path';
import { APP_CSP, PREVIEW_CSP } from '../engine/server/csp.ts';

export type AppRequest = { kind: 'file'; path: string } | { kind: 'artifact'; id: string } | { kind: 'refused' };

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf', '.map': 'application/json',
};

export function routeAppUrl(url: string): AppRequest {
  const parsed = new URL(url);
  if (parsed.protocol !== 'loupe:' || parsed.host !== 'app') return { kind: 'refused' };
  const path = decodeURIComponent(parsed.pathname);
  if (path.startsWith('/artifacts/')) return { kind: 'artifact', id: path.slice('/artifacts/'.length) };
  const relative = normalize(path === '/' ? 'index.html' : path.slice(1));
  if (relative.startsWith('..') || relative.startsWith('/')) return { kind: 'refused' };
  return { kind: 'file', path: relative };
}

export function headersFor(request: AppRequest, mime?: string): Record<string, string> {
  if (request.kind === 'artifact') {
    return { 'content-type': mime ?? 'application/octet-stream', 'cache-control': 'no-store', ...(mime === 'text/html' ? { 'content-security-policy': PREVIEW_CSP } : {}) };
  }
  if (request.kind === 'file') {
    const type = MIME[extname(request.path)] ?? 'application/octet-stream';
    return { 'content-type': type, ...(type.startsWith('text/html') ? { 'content-security-policy': APP_CSP } : {}) };
  }
  return {};
}

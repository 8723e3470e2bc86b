// Web mode: the engine's API over HTTP on loopback, plus the renderer's files, so the app runs
// in any browser. Requests are JSON, checked against the contract; job events stream as
// Server-Sent Events. Generated previews are served under a sandbox CSP with no network.
// Everything it serves needs this launch's key (api-access.ts), which the printed address sets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MAX_UPLOAD_BYTES } from '../api/contract.ts';
import type { RenderPool } from '../render/pool.ts';
import type { JobQueue } from '../service/jobs.ts';
import { EngineService } from '../service/service.ts';
import { appFileHeaders, artifactHeaders } from './app-headers.ts';
import { ApiAccess } from './api-access.ts';
import { LOOPBACK, isLoopbackHost, readJsonBody, sendError, sendJson } from './http-io.ts';
import { startFigmaBridge, type FigmaBridge, type FigmaBridgeOptions } from './figma-bridge.ts';
import type { LocalModelSettings } from '../service/backend.ts';

// Base64 grows a file by a third; the JSON around it is small.
const UPLOAD_LIMIT = Math.ceil(MAX_UPLOAD_BYTES * 1.34) + 64 * 1024;

export interface EngineServer {
  url: string;
  /** The address to open in a browser: `url` with this launch's key, which it sets as a cookie. */
  openUrl: string;
  /** What the app's pages send with each call (the key's cookie, their origin), for clients that are not a browser. */
  appHeaders: Record<string, string>;
  jobs: JobQueue;
  /** Absent when its port was taken; the app shows why. */
  figmaBridge?: FigmaBridge;
  close(): Promise<void>;
}

export interface ServeOptions {
  pool: RenderPool;
  /** The built renderer (index.html and its bundles). */
  appDir: string;
  /** The history database file (SQLite). */
  historyPath: string;
  port?: number;
  /** The Figma plugin's bridge, on its own port (default FIGMA_BRIDGE_PORT). */
  figmaBridge?: FigmaBridgeOptions;
  /** How conversions the app asks of the local model run (the app names only the model's folder). */
  localModel?: LocalModelSettings;
  /** The folder exports go into: a page cannot open a folder dialog, so the API writes only inside this one. */
  exportsRoot: string;
}

export async function startServer(options: ServeOptions): Promise<EngineServer> {
  const service = new EngineService(options.pool, options.historyPath, options.localModel, options.exportsRoot);
  const host = LOOPBACK;
  let access: ApiAccess;
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => sendError(res, error));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host)) {
      return sendJson(res, 403, { code: 'FORBIDDEN', message: 'The engine answers only on loopback addresses.' });
    }
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = url.pathname;
    const key = url.searchParams.get('key');
    if (req.method === 'GET' && key !== null) {
      if (!access.isKey(key)) return sendJson(res, 401, { code: 'AUTH_MISSING', message: 'This key is not this launch\'s; open the address `loupe serve` printed last.' });
      // The key leaves the address bar at once; the cookie carries it from here on. Always to the
      // app's page: a path taken from the request could name another host (`//elsewhere`).
      res.writeHead(303, { location: '/', 'set-cookie': access.setCookie(), 'cache-control': 'no-store' });
      return void res.end();
    }
    const refused = access.refusal(req);
    if (refused) return sendJson(res, refused.status, { code: refused.code, message: refused.message });
    if (req.method === 'GET' && path === '/api/events') return streamEvents(req, res, service);
    if (req.method === 'POST' && path.startsWith('/api/')) {
      const method = service.method(path.slice('/api/'.length));
      if (method) return sendJson(res, 200, await method(await readJsonBody(req, UPLOAD_LIMIT, `The request is over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; designs must be smaller.`)));
    }
    if (req.method === 'GET' && path.startsWith('/artifacts/')) {
      const item = service.artifact(path.slice('/artifacts/'.length));
      if (!item) return sendJson(res, 404, { code: 'NOT_FOUND', message: 'This preview or picture has expired; convert again.' });
      // A preview opened as a page of its own (its address in a tab) could navigate itself
      // anywhere: the browser says what the request is for, and only a frame is served.
      const dest = req.headers['sec-fetch-dest'];
      if (item.mime === 'text/html' && dest !== undefined && dest !== 'iframe' && dest !== 'frame') {
        return sendJson(res, 403, { code: 'FORBIDDEN', message: 'A preview opens only inside Loupe\'s preview pane.' });
      }
      res.writeHead(200, artifactHeaders(item.mime));
      return void res.end(item.bytes);
    }
    if (req.method === 'GET') return serveApp(res, options.appDir, path);
    sendJson(res, 404, { code: 'NOT_FOUND', message: `${req.method} ${path} is not part of the API.` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  access = new ApiAccess(port);
  const url = `http://${host}:${port}/`;
  // The app works without the bridge; its pairing state says why it is missing.
  const figmaBridge = await startFigmaBridge(service, options.figmaBridge).catch(() => undefined);
  return {
    url,
    openUrl: `${url}?key=${access.key}`,
    appHeaders: { cookie: access.requestCookie(), origin: url.slice(0, -1) },
    jobs: service.jobs,
    figmaBridge,
    close: async () => {
      await figmaBridge?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await service.close();
    },
  };
}

function streamEvents(req: IncomingMessage, res: ServerResponse, service: EngineService): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write(': connected\n\n');
  const unsubscribe = service.subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
  req.on('close', unsubscribe);
}

async function serveApp(res: ServerResponse, appDir: string, path: string): Promise<void> {
  const relative = normalize(path === '/' ? 'index.html' : path.slice(1));
  if (relative.startsWith('..')) return sendJson(res, 404, { code: 'NOT_FOUND', message: 'No such file.' });
  let bytes: Buffer;
  try {
    bytes = await readFile(join(appDir, relative));
  } catch {
    return sendJson(res, 404, { code: 'NOT_FOUND', message: `No ${path} in the app.` });
  }
  res.writeHead(200, appFileHeaders(relative));
  res.end(bytes);
}

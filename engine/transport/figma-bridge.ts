// The Figma plugin's bridge: a small HTTP server on loopback that the plugin's iframe calls.
// Figma runs plugin UIs in an iframe with an opaque origin, so its requests carry
// `Origin: null`; only that origin gets CORS answers, and only on these routes. A plugin pairs
// once with the code the app shows, then sends each frame with its token; a frame is queued on
// the app's JobQueue, so it is saved in the history and the app sees it arrive. Any page's
// sandboxed frame has that origin too: nothing a caller does counts against another (pairing has
// no budget of wrong guesses, see figma-pairing.ts; each paired plugin has its own rate limit).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIGMA_BRIDGE_PORT, FigmaPairRequest, MAX_FIGMA_FRAME_BYTES, type FigmaFrameResult, type JobEvent } from '../api/contract.ts';
import { parseFigmaFrame } from '../service/figma-frame.ts';
import { LOOPBACK, isLoopbackHost, readJsonBody, sendError, sendJson } from './http-io.ts';
import { RateLimiter } from './rate-limit.ts';
import type { EngineService } from '../service/service.ts';
import { parseMessage } from '../service/validate.ts';

export interface FigmaBridgeOptions {
  /** Default FIGMA_BRIDGE_PORT, the port the plugin's manifest allows; 0 for any free port. */
  port?: number;
  maxBodyBytes?: number;
  /** Frames a paired plugin may send per window. */
  rate?: { limit: number; windowMs: number };
}

export interface FigmaBridge {
  url: string;
  close(): Promise<void>;
}

const ROUTES = new Set(['/figma/status', '/figma/pair', '/figma/frames']);
const ALLOW_NULL_ORIGIN = { 'access-control-allow-origin': 'null', vary: 'origin' };

/** Starts the bridge; where it listens, or why it could not, is kept in the service's pairing state for the app. */
export async function startFigmaBridge(service: EngineService, options: FigmaBridgeOptions = {}): Promise<FigmaBridge> {
  const port = options.port ?? FIGMA_BRIDGE_PORT;
  const maxBody = options.maxBodyBytes ?? MAX_FIGMA_FRAME_BYTES;
  const limiters = new Map<string, RateLimiter>();
  const limiterOf = (token: string) => limiters.get(token) ?? limiters.set(token, new RateLimiter(options.rate?.limit ?? 120, options.rate?.windowMs ?? 60_000)).get(token)!;
  const tooLarge = `The frame is over ${Math.round(maxBody / 1024 / 1024)} MB with its PNG. Send a smaller frame, or export the PNG at 1×.`;

  const server = createServer((req, res) => {
    // A refused body may still be arriving; the connection is closed rather than read to its end.
    handle(req, res).catch((error) => sendError(res, error, { ...corsFor(req), connection: 'close' }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (!isLoopbackHost(req.headers.host) || (origin !== undefined && origin !== 'null')) {
      return sendJson(res, 403, { code: 'FORBIDDEN', message: 'The Figma bridge answers only the Loupe plugin, on this machine.' });
    }
    const cors = corsFor(req);
    const path = new URL(req.url ?? '/', 'http://bridge').pathname;
    if (!ROUTES.has(path)) return sendJson(res, 404, { code: 'NOT_FOUND', message: `${path} is not part of the Figma bridge.` }, cors);
    if (req.method === 'OPTIONS') return preflight(req, res);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const paired = service.figma.isPaired(token);
    if (req.method === 'GET' && path === '/figma/status') return sendJson(res, 200, { paired }, cors);
    if (req.method !== 'POST') return sendJson(res, 405, { code: 'METHOD_NOT_ALLOWED', message: `${req.method} ${path}: use POST.` }, cors);
    if (path === '/figma/pair') {
      const { code } = parseMessage(FigmaPairRequest, await readJsonBody(req, 1024, 'A pairing request is a few bytes.'), 'pairing');
      const answer = service.figma.pair(code);
      return 'token' in answer ? sendJson(res, 200, answer, cors) : sendJson(res, 403, { code: 'NOT_PAIRED', message: answer.refused }, cors);
    }
    // Checked before the body is read: an unpaired caller never gets to send 20 MB.
    if (!paired) {
      return sendJson(res, 401, { code: 'NOT_PAIRED', message: 'This plugin is not paired with Loupe. Type the code from Loupe\'s Figma panel into the plugin.' }, { ...cors, connection: 'close' });
    }
    const limiter = limiterOf(token!);
    if (!limiter.take()) {
      return sendJson(res, 429, { code: 'RATE_LIMITED', message: 'Too many frames sent to Loupe; wait a moment and send again.' }, { ...cors, 'retry-after': String(limiter.retryAfter()), connection: 'close' });
    }
    const frame = await parseFigmaFrame(await readJsonBody(req, maxBody, tooLarge));
    const end = await convertAndWait(service, frame);
    if (end.type === 'failed') return sendJson(res, 422, { code: end.code, message: end.message }, cors);
    const result: FigmaFrameResult = { jobId: end.jobId, designId: end.result.designId, versionId: end.result.versionId, scores: end.result.scores, warnings: frame.warnings };
    sendJson(res, 200, result, cors);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, resolve);
  }).catch((error: NodeJS.ErrnoException) => {
    service.figma.setBridge({
      problem: error.code === 'EADDRINUSE'
        ? `Port ${port} is taken (another Loupe running?); the Figma plugin cannot reach this one.`
        : `The Figma bridge could not start: ${error.message}`,
    });
    throw error;
  });
  const url = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}/`;
  service.figma.setBridge({ url });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** CORS for the plugin's iframe (origin `null`) and nobody else. */
const corsFor = (req: IncomingMessage): Record<string, string> => (req.headers.origin === 'null' ? ALLOW_NULL_ORIGIN : {});

function preflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    ...corsFor(req),
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-max-age': '600',
    // Chromium asks before a page on the internet (figma.com's iframe) may reach a local address;
    // only the plugin's origin is let through (requests from other origins are refused before).
    ...(req.headers.origin === 'null' && req.headers['access-control-request-private-network'] === 'true' && { 'access-control-allow-private-network': 'true' }),
  });
  res.end();
}

/** Queues the frame like any conversion the app asked for, and waits for it to end. */
function convertAndWait(service: EngineService, frame: Awaited<ReturnType<typeof parseFigmaFrame>>): Promise<Extract<JobEvent, { type: 'done' | 'failed' }>> {
  return new Promise((resolve) => {
    let jobId = '';
    const unsubscribe = service.subscribe((event) => {
      if (event.jobId !== jobId || (event.type !== 'done' && event.type !== 'failed')) return;
      unsubscribe();
      resolve(event);
    });
    jobId = service.submitConversion(frame);
  });
}

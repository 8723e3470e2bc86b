// The local engine as an OpenAI-compatible server (`loupe serve --openai`): GET /v1/models and
// POST /v1/chat/completions, streamed as server-sent events or answered whole, so the app's
// `openai` backend and any third-party client reach the local model the way they reach vLLM.
// Loopback only, no CORS: a web page the user visits cannot drive the engine (its JSON posts need
// a preflight this server never grants). One engine generates one answer at a time; a few
// requests wait their turn, more are refused with 429. A client that goes away cancels its
// generation, or gives up its place in the queue.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoupeError, isLoupeError, type UserErrorCode } from '../errors.ts';
import type { EngineClient } from '../moe/runtime/engine-client.ts';
import type { GenerateResult } from '../moe/runtime/engine.ts';
import { parseMessage } from '../service/validate.ts';
import { DEFAULT_QUEUE, GenerationQueue } from './generation-queue.ts';
import { LOOPBACK, isLoopbackHost, readJsonBody } from './http-io.ts';
import { decodeImages, planGeneration } from './openai-request.ts';
import { ChatCompletionRequest } from './openai-schema.ts';

/** A request with its images inline as base64: room for a few full-page screenshots. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** A guess at when a place frees up: the local engine's answers take seconds. */
const RETRY_AFTER_SECONDS = 5;

export interface OpenAiServerOptions {
  /** The opened engine; the server uses it and leaves closing it to the caller. */
  engine: Pick<EngineClient, 'generate'>;
  /** The one model's id, what requests must name. */
  modelId: string;
  /** Default 0: any free port. */
  port?: number;
  /** Requests that may wait while one generates (default 4). */
  queue?: number;
  maxBodyBytes?: number;
  /** Each generation as it ends (answered, stopped because its client went away, or failed): for a log. */
  onGeneration?: (record: GenerationRecord) => void;
}

export type GenerationRecord = { id: string; stream: boolean; ms: number } & (
  | { stoppedBy: GenerateResult['stoppedBy']; promptTokens: number; completionTokens: number }
  | { failed: string }
);

export interface OpenAiServer {
  /** The API's root, as clients take it: `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  port: number;
  modelId: string;
  /** Stops listening, cancels the generation under way and the queue, and waits for them to end. */
  close(): Promise<void>;
}

/** A refusal with its HTTP status and OpenAI's error type and code. */
class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Errors of the request rather than the engine: the user's files and arguments (INPUT_TOO_LARGE is 413). */
const REQUEST_ERRORS: ReadonlySet<UserErrorCode> = new Set(['INVALID_ARGUMENT', 'INPUT_EMPTY', 'INPUT_UNSUPPORTED', 'INPUT_CORRUPT', 'INPUT_TOO_LARGE', 'INPUT_ANIMATED', 'MODEL_UNSUPPORTED']);

function refusalOf(error: unknown): HttpRefusal {
  if (error instanceof HttpRefusal) return error;
  if (isLoupeError(error) && REQUEST_ERRORS.has(error.code)) {
    return new HttpRefusal(error.code === 'INPUT_TOO_LARGE' ? 413 : 400, 'invalid_request_error', error.code.toLowerCase(), error.message);
  }
  // The engine's own failures (a damaged package, onnxruntime): the request was fine.
  const message = isLoupeError(error) ? error.message : `The model engine failed: ${error instanceof Error ? error.message : String(error)}`;
  return new HttpRefusal(500, 'server_error', isLoupeError(error) ? error.code.toLowerCase() : 'engine_failed', message);
}

const errorBody = (r: HttpRefusal) => ({ error: { message: r.message, type: r.type, code: r.code, param: null } });

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Fires when the client goes away before its answer is complete. */
function clientGone(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  if (res.destroyed || res.socket?.destroyed) gone.abort();
  return gone.signal;
}

/** The SSE side of a streamed answer: `data: <json>` events, then `data: [DONE]`. */
function eventStream(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.flushHeaders();
  // Writes after the client left would only fail: there is nobody to tell.
  const write = (text: string) => void (res.destroyed || res.write(text));
  return {
    send: (event: unknown) => write(`data: ${JSON.stringify(event)}\n\n`),
    end: () => {
      write('data: [DONE]\n\n');
      res.end();
    },
  };
}

const FINISH_REASON: Record<Exclude<GenerateResult['stoppedBy'], 'cancelled'>, 'stop' | 'length'> = { 'stop-token': 'stop', 'stop-sequence': 'stop', 'max-tokens': 'length' };

export async function startOpenAiServer(options: OpenAiServerOptions): Promise<OpenAiServer> {
  const { engine, modelId } = options;
  const queue = new GenerationQueue(options.queue ?? DEFAULT_QUEUE);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const created = Math.floor(Date.now() / 1000);
  const model = { id: modelId, object: 'model', created, owned_by: 'loupe' };
  const handling = new Set<Promise<void>>();

  const server = createServer((req, res) => {
    const work = handle(req, res)
      .catch((error) => fail(res, refusalOf(error)))
      .finally(() => handling.delete(work));
    handling.add(work);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host)) throw new HttpRefusal(403, 'invalid_request_error', 'forbidden', 'This server answers only on loopback addresses (127.0.0.1, localhost).');
    const path = new URL(req.url ?? '/', 'http://server').pathname.replace(/\/+$/, '');
    if (path === '/v1/models' || path.startsWith('/v1/models/')) {
      if (req.method !== 'GET') throw methodNotAllowed(req, path, 'GET');
      if (path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [model] });
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (id !== modelId) throw unknownModel(id);
      return sendJson(res, 200, model);
    }
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') throw methodNotAllowed(req, path, 'POST');
      return chatCompletion(req, res);
    }
    throw new HttpRefusal(404, 'invalid_request_error', 'not_found', `${req.method} ${path} is not part of this server: it has GET /v1/models and POST /v1/chat/completions.`);
  }

  function unknownModel(id: string): HttpRefusal {
    return new HttpRefusal(404, 'invalid_request_error', 'model_not_found', `The model ${JSON.stringify(id)} does not exist here; this server has ${JSON.stringify(modelId)}.`);
  }

  async function chatCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gone = clientGone(res);
    const tooLarge = `The request is over ${Math.round(maxBody / 1024 / 1024)} MB; send smaller images.`;
    const body = parseMessage(ChatCompletionRequest, await readJsonBody(req, maxBody, tooLarge), 'chat completion');
    if (body.model !== modelId) throw unknownModel(body.model);
    const plan = planGeneration(body);
    const ticket = queue.enter();
    if (!ticket) {
      throw new HttpRefusal(429, 'rate_limit_error', 'queue_full', `The engine is busy: one answer is being written and ${queue.capacity} more are waiting. Try again shortly.`, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
    try {
      const images = await decodeImages(plan.images);
      const id = `chatcmpl-${randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      // A stream starts as soon as the request is accepted, so its client knows it is queued, not lost.
      const stream = body.stream ? eventStream(res) : undefined;
      await new Promise<void>((resolve) => {
        void ticket.ready.then(resolve);
        gone.addEventListener('abort', () => resolve(), { once: true });
      });
      // Gone while it waited: its place is given up below, and nothing is generated.
      if (gone.aborted) return;

      const chunk = (delta: object, finishReason: string | null = null) => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model: modelId,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(body.stream_options?.include_usage ? { usage: null } : {}),
      });
      stream?.send(chunk({ role: 'assistant', content: '' }));
      const t0 = performance.now();
      let result: GenerateResult;
      try {
        ({ result } = await engine.generate({ ...plan.request, images }, stream ? (text) => stream.send(chunk({ content: text })) : undefined, gone));
      } catch (error) {
        options.onGeneration?.({ id, stream: !!stream, ms: performance.now() - t0, failed: error instanceof Error ? error.message : String(error) });
        throw error;
      }
      options.onGeneration?.({ id, stream: !!stream, ms: performance.now() - t0, stoppedBy: result.stoppedBy, promptTokens: result.promptTokens, completionTokens: result.tokens.length });
      if (result.stoppedBy === 'cancelled') return;

      const finishReason = FINISH_REASON[result.stoppedBy];
      const usage = { prompt_tokens: result.promptTokens, completion_tokens: result.tokens.length, total_tokens: result.promptTokens + result.tokens.length };
      if (stream) {
        stream.send(chunk({}, finishReason));
        if (body.stream_options?.include_usage) stream.send({ id, object: 'chat.completion.chunk', created, model: modelId, choices: [], usage });
        return stream.end();
      }
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: modelId,
        choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, logprobs: null, finish_reason: finishReason }],
        usage,
      });
    } finally {
      ticket.release();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, resolve);
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new LoupeError('INVALID_ARGUMENT', `Port ${options.port} on ${LOOPBACK} is in use (another server running?); choose another port.`);
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${LOOPBACK}:${port}/v1`,
    port,
    modelId,
    close: async () => {
      // Closing the connections is what cancels: each request sees its client go.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([...handling]);
    },
  };
}

function methodNotAllowed(req: IncomingMessage, path: string, allowed: string): HttpRefusal {
  return new HttpRefusal(405, 'invalid_request_error', 'method_not_allowed', `${req.method} ${path}: use ${allowed}.`, { allow: allowed });
}

/** The refusal as OpenAI's error object; in a stream already under way, as its last event. */
function fail(res: ServerResponse, refusal: HttpRefusal): void {
  if (res.destroyed) return;
  if (!res.headersSent) return sendJson(res, refusal.status, errorBody(refusal), refusal.status === 413 ? { ...refusal.headers, connection: 'close' } : refusal.headers);
  if (String(res.getHeader('content-type')).startsWith('text/event-stream')) res.write(`data: ${JSON.stringify(errorBody(refusal))}\n\n`);
  res.end();
}

// A chat completions server on loopback that answers from a script: what a test needs to see a
// client stream, retry, time out and cancel against a real socket, without a model. It speaks
// just enough of the OpenAI API: POST /v1/chat/completions (streamed or not) and GET /v1/models.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedReply =
  | {
      kind: 'answer';
      content: string;
      reasoning?: string;
      latencyMs?: number;
      finishReason?: 'stop' | 'length';
      /** Pieces each of the reasoning and the content is streamed in (default 3). */
      chunks?: number;
      /** The delta field the reasoning travels in (default reasoning_content, as vLLM and SGLang; Ollama's is reasoning). */
      reasoningField?: 'reasoning_content' | 'reasoning';
    }
  | { kind: 'status'; status: number; retryAfterS?: number; latencyMs?: number; body?: string }
  /** Accepts and never answers (until the client gives up / disconnects). */
  | { kind: 'hang' }
  /** 200 with a body that is not a completion (broken JSON / broken SSE). */
  | { kind: 'garbage'; latencyMs?: number }
  /** Starts streaming, then destroys the socket. */
  | { kind: 'cut'; content: string; latencyMs?: number };

export interface ScriptedRequest {
  index: number;
  body: any;
  authorization?: string;
  /** The text parts of the messages, joined by newlines. */
  text: string;
  /** data URLs */
  images: string[];
}

export interface ScriptedServer {
  /** http://127.0.0.1:port/v1 */
  baseUrl: string;
  requests: ScriptedRequest[];
  /** Chat requests whose connection is still open. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

const pause = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tokens are counted as characters / 4, rounded up: usage is for tests to add up, not to match any tokenizer. */
const tokens = (text: string) => Math.ceil(text.length / 4);

/** `text` in `count` pieces of near-equal length (none when it is empty). */
function pieces(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, count)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

function scriptedRequest(index: number, body: any, authorization: string | undefined): ScriptedRequest {
  const texts: string[] = [];
  const images: string[] = [];
  for (const message of Array.isArray(body?.messages) ? body.messages : []) {
    if (typeof message.content === 'string') texts.push(message.content);
    else
      for (const part of Array.isArray(message.content) ? message.content : []) {
        if (part?.type === 'text') texts.push(part.text);
        if (part?.type === 'image_url') images.push(part.image_url?.url);
      }
  }
  return { index, body, authorization, text: texts.join('\n'), images };
}

export async function startScriptedServer(
  script: (request: ScriptedRequest) => ScriptedReply | Promise<ScriptedReply>,
  options: { models?: string[] } = {},
): Promise<ScriptedServer> {
  const models = options.models ?? ['scripted-model'];
  const requests: ScriptedRequest[] = [];
  const state = { inFlight: 0, maxInFlight: 0 };

  const sendJson = (response: ServerResponse, status: number, value: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(value));
  };

  const answer = async (request: ScriptedRequest, response: ServerResponse) => {
    const reply = await script(request);
    if (reply.kind === 'hang') return;
    await pause(reply.latencyMs);
    if (response.destroyed) return;
    const stream = request.body?.stream === true;
    const model = request.body?.model ?? models[0];
    const chunk = (delta: object, finishReason: string | null = null) => ({
      id: `scripted-${request.index}`,
      object: 'chat.completion.chunk',
      created: 0,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
    const event = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
    const startStream = () => response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });

    switch (reply.kind) {
      case 'status': {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (reply.retryAfterS !== undefined) headers['retry-after'] = String(reply.retryAfterS);
        response.writeHead(reply.status, headers);
        response.end(reply.body ?? JSON.stringify({ error: { message: `scripted status ${reply.status}`, type: 'scripted', code: reply.status } }));
        return;
      }
      case 'garbage':
        if (stream) {
          startStream();
          response.end(`${event(chunk({ role: 'assistant' }))}data: {"choices": [{"delta": {"content": "trunc\n\n`);
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"id": "scripted", "choices": [');
        }
        return;
      case 'cut': {
        startStream();
        const [first = ''] = pieces(reply.content, 2);
        response.write(event(chunk({ role: 'assistant', content: first })));
        // Let the part already written reach the client before the connection dies.
        await pause(10);
        response.socket?.destroy();
        return;
      }
      case 'answer': {
        const reasoning = reply.reasoning ?? '';
        const finishReason = reply.finishReason ?? 'stop';
        const field = reply.reasoningField ?? 'reasoning_content';
        const usage = {
          prompt_tokens: tokens(request.text),
          completion_tokens: tokens(reasoning + reply.content),
          total_tokens: tokens(request.text) + tokens(reasoning + reply.content),
        };
        if (!stream) {
          const message = { role: 'assistant', content: reply.content, ...(reasoning && { [field]: reasoning }) };
          sendJson(response, 200, { id: `scripted-${request.index}`, object: 'chat.completion', created: 0, model, choices: [{ index: 0, message, finish_reason: finishReason }], usage });
          return;
        }
        startStream();
        const count = reply.chunks ?? 3;
        response.write(event(chunk({ role: 'assistant', content: '' })));
        for (const piece of pieces(reasoning, count)) response.write(event(chunk({ [field]: piece })));
        for (const piece of pieces(reply.content, count)) response.write(event(chunk({ content: piece })));
        response.write(event(chunk({}, finishReason)));
        if (request.body?.stream_options?.include_usage) response.write(event({ ...chunk({}), choices: [], usage }));
        response.end('data: [DONE]\n\n');
        return;
      }
    }
  };

  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (req.method === 'GET' && path === '/v1/models') {
        sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })) });
        return;
      }
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        sendJson(res, 404, { error: { message: `no route ${req.method} ${path}` } });
        return;
      }
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      // 'close' comes once: when the answer is sent, or when the client goes away first.
      res.on('close', () => state.inFlight--);
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        sendJson(res, 400, { error: { message: 'the body is not JSON' } });
        return;
      }
      const request = scriptedRequest(requests.length, body, req.headers.authorization);
      requests.push(request);
      await answer(request, res);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `the script failed: ${String(error)}` } });
      else res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging requests and kept-alive connections would hold close() open for good.
        server.closeAllConnections();
      }),
  };
}

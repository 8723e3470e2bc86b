// One chat completion from an OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama, LM
// Studio, a cloud API, `loupe serve --openai`), streamed, with the model's thinking kept apart
// from its answer, retried the way a busy or flaky server needs, and failures said as LoupeErrors
// a person can act on. The openai package speaks the protocol; its own retries are off, because
// it cannot retry a stream cut halfway, does not know the caller's deadline, and its errors carry
// server bodies we would rather not show unfiltered.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { LoupeError, type UserErrorCode } from '../errors.ts';
import { DEFAULT_RETRY, backoffMs, retryAfterMs, sleep, type RetryPolicy } from './retry.ts';

export type { RetryPolicy } from './retry.ts';

export interface ChatServer {
  /** The API's root, as its users write it (`http://gpu-box:8000/v1`). */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; without one no Authorization header is sent. */
  apiKey?: string;
  /** Thinking or instant mode for models that have both; unset, the server's default. */
  thinking?: 'on' | 'off';
  /**
   * The longest the server may stay silent, ms: before it answers, and between two parts of a
   * streamed answer. Then the attempt counts as failed and is tried again. A long answer that
   * keeps arriving is never cut; the caller's deadline bounds the whole.
   */
  timeoutMs: number;
}

export interface ChatRequest {
  system?: string;
  text: string;
  /** PNG bytes, sent as image_url data URLs */
  images?: Buffer[];
  maxTokens?: number;
  temperature?: number;
}

export interface ChatAnswer {
  content: string;
  reasoning: string;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number };
}

export interface ChatStats {
  /** Chat completion requests sent, retries included (listModels is not counted). */
  requests: number;
  retries: number;
  /** As the server reported them, for the answers that arrived whole. */
  promptTokens: number;
  completionTokens: number;
}

export class ChatClient {
  readonly stats: ChatStats = { requests: 0, retries: 0, promptTokens: 0, completionTokens: 0 };
  private readonly server: ChatServer;
  private readonly retry: RetryPolicy;
  private readonly client: OpenAI;
  /** Error bodies as the server sent them: the openai package drops a message outside `error` (vLLM's, SGLang's). */
  private readonly errorBodies = new WeakMap<Headers, string>();

  constructor(server: ChatServer, options: { retry?: Partial<RetryPolicy> } = {}) {
    this.server = server;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.client = new OpenAI({
      baseURL: server.baseUrl,
      // The package insists on a key and would otherwise take OPENAI_API_KEY from the environment
      // and send it to whatever server this is; without a key of ours the header is removed below.
      apiKey: server.apiKey || 'none',
      adminAPIKey: null,
      organization: null,
      project: null,
      ...(!server.apiKey && { defaultHeaders: { Authorization: null } }),
      maxRetries: 0,
      timeout: Math.max(1, Math.round(server.timeoutMs)),
      logLevel: 'off',
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!response.ok) this.errorBodies.set(response.headers, await response.clone().text().catch(() => ''));
        return response;
      },
    });
  }

  /** Streams one completion; onDelta gets the characters of content and reasoning received so far. Retries 429 (honouring Retry-After / retry-after-ms), 5xx, timeouts (server.timeoutMs per attempt) and connection errors with jittered exponential backoff until `deadline` (epoch ms) or maxAttempts; never retries 400/401/403/404 or a cancel. */
  async complete(
    request: ChatRequest,
    options: { signal?: AbortSignal; deadline?: number; onDelta?: (received: { content: number; reasoning: number }) => void } = {},
  ): Promise<ChatAnswer> {
    const { signal, deadline = Number.POSITIVE_INFINITY, onDelta } = options;
    const body = this.body(request);
    let failure: Retryable | undefined;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw this.cancelled();
      if (Date.now() >= deadline) {
        if (!failure) throw this.fail('SERVER_UNAVAILABLE', `The time for a request to the model server at ${this.server.baseUrl} ran out before it was sent.`);
        throw this.gaveUp(failure, attempt - 1, 'deadline');
      }
      this.stats.requests++;
      if (attempt > 1) this.stats.retries++;
      try {
        const answer = await this.attempt(body, deadline, signal, onDelta);
        this.stats.promptTokens += answer.usage.promptTokens;
        this.stats.completionTokens += answer.usage.completionTokens;
        return answer;
      } catch (error) {
        if (!(error instanceof Retryable)) throw error;
        // Cut while still waiting, the attempt says nothing new of the server: what it answered before does.
        if (error.deadlineCut) throw this.gaveUp(error.deadlineCut === 'waiting' && failure ? failure : error, attempt, 'deadline');
        failure = error;
      }
      if (attempt >= this.retry.maxAttempts) throw this.gaveUp(failure, attempt, 'attempts');
      const wait = failure.waitMs ?? backoffMs(this.retry, attempt);
      if (Date.now() + wait >= deadline) throw this.gaveUp(failure, attempt, failure.waitMs === undefined ? 'deadline' : 'asked-past-deadline', wait);
      try {
        await sleep(wait, signal);
      } catch {
        throw this.cancelled();
      }
    }
  }

  /** GET /v1/models: the ids it serves. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    return this.guarded(Number.POSITIVE_INFINITY, signal, async (requestSignal) => {
      let page;
      try {
        page = await this.client.models.list({ signal: requestSignal });
      } catch (error) {
        throw await this.classify(error, 'models', signal);
      }
      const models: unknown = page.data;
      if (!Array.isArray(models)) throw new Retryable('SERVER_RESPONSE_INVALID', 'its model list is not a list');
      return models.map((m: { id?: unknown }) => m?.id).filter((id): id is string => typeof id === 'string');
    }).catch((error: unknown) => {
      if (error instanceof Retryable) throw this.gaveUp(error, 1, 'listing');
      throw error;
    });
  }

  private body(request: ChatRequest): OpenAI.ChatCompletionCreateParamsStreaming & Record<string, unknown> {
    const images: OpenAI.ChatCompletionContentPartImage[] = (request.images ?? []).map((png) => ({
      type: 'image_url',
      image_url: { url: `data:image/png;base64,${png.toString('base64')}` },
    }));
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
      { role: 'user', content: images.length ? [...images, { type: 'text', text: request.text }] : request.text },
    ];
    const { thinking } = this.server;
    return {
      model: this.server.model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      // max_tokens rather than max_completion_tokens: every self-hosted server reads it.
      ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      // Chat-template variables, which vLLM, SGLang and llama.cpp's server pass to the model's
      // template and which templates without them ignore: Kimi K2.5's reads `thinking` (false is
      // its instant mode), Qwen3's, GLM's and DeepSeek's hybrids read `enable_thinking`. Ollama's
      // /v1 reads neither (nor its native `think`): it switches with `reasoning_effort: "none"`,
      // which vLLM versions that accept only low/medium/high would refuse, so it is not sent.
      // Unset sends nothing, since strict cloud APIs refuse fields they do not know.
      ...(thinking && { chat_template_kwargs: { thinking: thinking === 'on', enable_thinking: thinking === 'on' } }),
    };
  }

  /** One request and its streamed answer; a failure the next attempt may cure is thrown as Retryable. */
  private attempt(
    body: OpenAI.ChatCompletionCreateParamsStreaming,
    deadline: number,
    signal: AbortSignal | undefined,
    onDelta: ((received: { content: number; reasoning: number }) => void) | undefined,
  ): Promise<ChatAnswer> {
    return this.guarded(deadline, signal, async (requestSignal, heard) => {
      let stream;
      try {
        stream = await this.client.chat.completions.create(body, { signal: requestSignal });
      } catch (error) {
        throw await this.classify(error, 'chat', signal);
      }
      heard();
      const answer = new AnswerReader();
      const chunks = stream[Symbol.asyncIterator]();
      for (;;) {
        let next;
        try {
          next = await chunks.next();
        } catch (error) {
          throw this.streamFailure(error);
        }
        if (next.done) break;
        heard();
        if (answer.add(next.value)) onDelta?.(answer.received());
      }
      return answer.finish();
    });
  }

  /**
   * Runs one request under its silence timer (re-armed by `heard`, never past the deadline) and
   * the caller's signal. The openai package ends a stream quietly when it is aborted, so whether
   * it was the caller, the server's silence or the deadline that stopped it is decided here, not
   * from what it threw.
   */
  private async guarded<T>(deadline: number, signal: AbortSignal | undefined, run: (signal: AbortSignal, heard: () => void) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const cancel = () => controller.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    let timeout: Retryable | undefined;
    let timer: NodeJS.Timeout | undefined;
    let answering = false;
    const arm = () => {
      clearTimeout(timer);
      const left = deadline - Date.now();
      const ms = Math.max(0, Math.min(this.server.timeoutMs, left));
      timer = setTimeout(() => {
        timeout =
          ms < this.server.timeoutMs
            ? new Retryable('SERVER_UNAVAILABLE', answering ? 'its answer was still arriving' : 'it had not answered yet', undefined, answering ? 'mid-answer' : 'waiting')
            : new Retryable('SERVER_UNAVAILABLE', `it sent nothing for ${seconds(ms)}`);
        controller.abort();
      }, ms);
    };
    const heard = () => {
      answering = true;
      arm();
    };
    const stopped = () => (signal?.aborted ? this.cancelled() : timeout);
    arm();
    try {
      const result = await run(controller.signal, heard);
      const stop = stopped();
      if (stop) throw stop;
      return result;
    } catch (error) {
      // A verdict on what the server said (a 404 found while the timer ran out) stands; only a cancel beats it.
      if (error instanceof LoupeError && !signal?.aborted) throw error;
      throw stopped() ?? error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
      // Frees the connection when the caller's onDelta threw mid-stream.
      controller.abort();
    }
  }

  /**
   * What a failed request (before any answer arrived) means: a LoupeError to give up with, or a
   * Retryable. Anything that is not the openai package's account of the server is passed on as it is.
   */
  private async classify(error: unknown, asked: 'chat' | 'models', signal: AbortSignal | undefined): Promise<unknown> {
    if (error instanceof APIConnectionTimeoutError) return new Retryable('SERVER_UNAVAILABLE', `it did not answer within ${seconds(this.server.timeoutMs)}`);
    if (error instanceof APIConnectionError) return new Retryable('SERVER_UNAVAILABLE', `it could not be reached (${connectionCause(error)})`);
    if (!(error instanceof APIError)) return error;
    const { status } = error;
    if (status === undefined) return new Retryable('SERVER_UNAVAILABLE', `it reported an error${this.serverSays(error)}`);
    const said = this.serverSays(error);
    const { baseUrl, model, apiKey } = this.server;
    if (status === 401 || status === 403) {
      return this.fail(
        'AUTH_REJECTED',
        apiKey
          ? `The model server at ${baseUrl} refused the key (${status}${said}): set the right key in LOUPE_API_KEY or in Settings.`
          : `The model server at ${baseUrl} asks for a key (${status}${said}) and none is set: set LOUPE_API_KEY or the key in Settings.`,
      );
    }
    if (status === 404 && asked === 'models')
      return this.fail('SERVER_RESPONSE_INVALID', `The server at ${baseUrl} has no model list (GET /models answered 404): check that the address is an OpenAI-compatible API's root, usually ending in /v1.`);
    if (status === 404) {
      const served = await this.listModels(signal).catch(() => undefined);
      if (served?.length && !served.includes(model))
        return this.fail('MODEL_NOT_FOUND', `The model server at ${baseUrl} does not serve "${model}"; it serves ${served.map((m) => `"${m}"`).join(', ')}: choose one of them in Settings.`);
      return this.fail('MODEL_NOT_FOUND', `The model server at ${baseUrl} answered 404 for the model "${model}"${said}: check the model's name, and that the address is the API's root (usually ending in /v1).`);
    }
    if (status === 408) return new Retryable('SERVER_UNAVAILABLE', `it timed out the request (408${said})`);
    if (status === 429) return new Retryable('RATE_LIMITED', `it answered 429${said}`, retryAfterMs(error.headers));
    if (status >= 500) return new Retryable('SERVER_UNAVAILABLE', `it answered ${status}${said}`, retryAfterMs(error.headers));
    const hint = this.server.thinking ? ' If it names chat_template_kwargs, this server does not take a thinking mode: leave thinking unset.' : '';
    return this.fail('INVALID_ARGUMENT', `The model server at ${baseUrl} refused the request (${status}${said}).${hint}`);
  }

  /** A failure while the answer streamed: an error event in the stream, text that is not JSON, or the connection cut. */
  private streamFailure(error: unknown): Retryable {
    if (error instanceof APIError) return new Retryable('SERVER_UNAVAILABLE', `it reported an error mid-answer${this.serverSays(error)}`);
    if (error instanceof SyntaxError) return new Retryable('SERVER_RESPONSE_INVALID', 'its stream held text that is not JSON');
    return new Retryable('SERVER_UNAVAILABLE', 'the connection broke mid-answer');
  }

  /** The server's own words on a failure, short, on one line, never holding the key. */
  private serverSays(error: APIError): string {
    const nested = (error.error as { message?: unknown } | undefined)?.message;
    let text = typeof nested === 'string' ? nested : '';
    const raw = error.headers && this.errorBodies.get(error.headers);
    if (!text && raw) {
      try {
        const parsed = JSON.parse(raw) as { message?: unknown; detail?: unknown; error?: unknown };
        const found = [parsed.message, parsed.detail, parsed.error].find((v) => typeof v === 'string');
        text = typeof found === 'string' ? found : '';
      } catch {
        // A proxy's error page (nginx's 502) says what matters in its text, not its tags.
        text = raw.replace(/<[^>]*>/g, ' ');
      }
    }
    text = this.scrub(text).replace(/\s+/g, ' ').trim();
    if (!text) return '';
    return `: "${text.length > 300 ? `${text.slice(0, 300)}…` : text}"`;
  }

  private gaveUp(failure: Retryable, attempts: number, why: 'attempts' | 'deadline' | 'asked-past-deadline' | 'listing', waitMs = 0): LoupeError {
    const { baseUrl } = this.server;
    const tries = `${attempts} ${attempts === 1 ? 'try' : 'tries'}`;
    const when = {
      attempts: ` after ${tries} (the last: ${failure.reason})`,
      deadline: ` before the time for this request ran out, after ${tries} (the last: ${failure.reason})`,
      'asked-past-deadline': ` (${failure.reason}) and asks to wait ${seconds(waitMs)}, longer than the time left for this request`,
      listing: ` (${failure.reason})`,
    }[why];
    switch (failure.code) {
      case 'RATE_LIMITED':
        return this.fail('RATE_LIMITED', `The model server at ${baseUrl} refused requests as too many${when}: lower the concurrency in Settings, or try again later.`);
      case 'SERVER_RESPONSE_INVALID':
        return this.fail(
          'SERVER_RESPONSE_INVALID',
          `The model server at ${baseUrl} did not answer with a chat completion${when}: check that the address is an OpenAI-compatible API's root, usually ending in /v1.`,
        );
      default:
        return this.fail(
          'SERVER_UNAVAILABLE',
          `No answer from the model server at ${baseUrl}${when}: check that it is running, that this machine can reach that address and port, and that it is not overloaded.`,
        );
    }
  }

  private cancelled(): LoupeError {
    return this.fail('CANCELLED', `The request to the model server at ${this.server.baseUrl} was cancelled.`);
  }

  private fail(code: UserErrorCode, message: string): LoupeError {
    return new LoupeError(code, this.scrub(message));
  }

  /** Servers echo requests in errors, and addresses can carry credentials. */
  private scrub(text: string): string {
    const { apiKey } = this.server;
    return apiKey ? text.split(apiKey).join('[key]') : text;
  }
}

/** A failed attempt that the next one may cure; what it says ends up in the error if none does. */
class Retryable {
  constructor(
    readonly code: 'RATE_LIMITED' | 'SERVER_UNAVAILABLE' | 'SERVER_RESPONSE_INVALID',
    readonly reason: string,
    /** What the server asked for (Retry-After), instead of our own backoff. */
    readonly waitMs?: number,
    /** Set when it was the caller's deadline, not the server, that ended the attempt. */
    readonly deadlineCut?: 'waiting' | 'mid-answer',
  ) {}
}

/** The system's word for why a connection failed (ECONNREFUSED, ENOTFOUND…), buried in fetch's causes. */
function connectionCause(error: Error): string {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return 'connection failed';
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Gathers a streamed answer. Reasoning arrives in `reasoning_content` (vLLM, SGLang, DeepSeek),
 * in `reasoning` (Ollama, newer vLLM, which also fills `reasoning_content` with the same text),
 * or inline as a leading <think>…</think> in the content (llama.cpp, and templates no reasoning
 * parser knows), which moves here to the reasoning as it streams.
 */
class AnswerReader {
  private reasoningField = '';
  private readonly inline = new InlineThinking();
  private finishReason: string | null = null;
  private usage: ChatAnswer['usage'] | undefined;
  private chunks = 0;

  /** Takes one chunk; true when it brought text. */
  add(chunk: OpenAI.ChatCompletionChunk): boolean {
    if (chunk.usage) this.usage = { promptTokens: chunk.usage.prompt_tokens ?? 0, completionTokens: chunk.usage.completion_tokens ?? 0 };
    if (!Array.isArray(chunk.choices)) return false;
    this.chunks++;
    const choice = chunk.choices[0];
    if (!choice) return false;
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    const delta = (choice.delta ?? {}) as { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
    const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : typeof delta.reasoning === 'string' ? delta.reasoning : '';
    const content = typeof delta.content === 'string' ? delta.content : '';
    this.reasoningField += reasoning;
    this.inline.push(content);
    return reasoning.length + content.length > 0;
  }

  received(): { content: number; reasoning: number } {
    return { content: this.inline.content.length, reasoning: this.reasoningField.length + this.inline.reasoning.length };
  }

  /** The answer, or a Retryable when the stream ended before the server said it was done. */
  finish(): ChatAnswer {
    if (this.finishReason === null && !this.usage) {
      throw this.chunks === 0
        ? new Retryable('SERVER_RESPONSE_INVALID', 'its answer held no completion')
        : new Retryable('SERVER_UNAVAILABLE', 'the answer stopped before its end');
    }
    const { content, reasoning } = this.inline.end();
    return {
      content,
      reasoning: this.reasoningField + reasoning,
      finishReason: this.finishReason,
      usage: this.usage ?? { promptTokens: 0, completionTokens: 0 },
    };
  }
}

/** Splits a leading <think>…</think> off streamed content, holding back only what may be a tag cut between chunks. */
class InlineThinking {
  content = '';
  reasoning = '';
  private state: 'undecided' | 'thinking' | 'answering' = 'undecided';
  private pending = '';
  private opened = false;
  private afterThinking = false;

  push(text: string): void {
    this.pending += text;
    if (this.state === 'undecided') {
      const start = this.pending.trimStart();
      if (start.startsWith(OPEN)) {
        this.state = 'thinking';
        this.opened = true;
        this.pending = start.slice(OPEN.length);
      } else if (OPEN.startsWith(start)) {
        return;
      } else {
        this.state = 'answering';
      }
    }
    if (this.state === 'thinking') {
      const close = this.pending.indexOf(CLOSE);
      if (close < 0) {
        const keep = partialTagAtEnd(this.pending, CLOSE);
        this.reasoning += this.pending.slice(0, this.pending.length - keep);
        this.pending = this.pending.slice(this.pending.length - keep);
        return;
      }
      this.reasoning += this.pending.slice(0, close);
      this.pending = this.pending.slice(close + CLOSE.length);
      this.state = 'answering';
      this.afterThinking = true;
    }
    // The blank line a model writes after </think> belongs to neither part.
    if (this.afterThinking) {
      this.pending = this.pending.trimStart();
      if (!this.pending) return;
      this.afterThinking = false;
    }
    this.content += this.pending;
    this.pending = '';
  }

  /**
   * The parts once the stream is over. Templates that open the <think> in the prompt (DeepSeek
   * R1's, Qwen3's) leave only the closing tag in the content: what precedes it was reasoning.
   */
  end(): { content: string; reasoning: string } {
    if (this.state === 'thinking') return { content: '', reasoning: this.reasoning + this.pending };
    let content = this.content + this.pending;
    let reasoning = this.reasoning;
    const close = content.indexOf(CLOSE);
    if (this.state === 'answering' && !this.opened && close >= 0) {
      reasoning = content.slice(0, close);
      content = content.slice(close + CLOSE.length).trimStart();
    }
    return { content, reasoning };
  }
}

/** How many characters at the end of `text` could be the start of `tag`. */
function partialTagAtEnd(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) if (tag.startsWith(text.slice(-n))) return n;
  return 0;
}

// `loupe serve --openai` as a third-party client sees it: the official openai client against the
// server, over real HTTP, with a tiny random model package. Random weights write nonsense, so
// the tests check the answers' structure and token counts, never their words.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import sharp from 'sharp';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { promptIds, type ChatMessage } from '../moe/chat-template.ts';
import { KIMI_VL_IMAGE_PROCESSOR, mediaTokenCount, preprocessImage } from '../moe/image-processor.ts';
import { openPackage } from '../moe/package.ts';
import { EngineClient } from '../moe/runtime/engine-client.ts';
import { KIMI_PATTERN, loadTokenizer, type Tokenizer } from '../moe/tokenizer.ts';
import { startOpenAiServer, type GenerationRecord, type OpenAiServer } from './openai-server.ts';

const MODEL = 'tiny-vl';
// Greedy, the tiny model answers this with thousands of tokens before it ends its turn.
const CARD = 'Make a card.';
// …and this one not within 15 000: a generation that holds the engine until it is cancelled.
const ENDLESS = 'a';

const work = await mkdtemp(join(tmpdir(), 'loupe-openai-server-'));
const modelDir = join(work, MODEL);
let engine: EngineClient;
let server: OpenAiServer;
let client: OpenAI;
let tokenizer: Tokenizer;
const records: GenerationRecord[] = [];

test.before(async () => {
  await createTestModel(modelDir, { size: 'tiny' });
  engine = await EngineClient.open(modelDir);
  // One place in the queue, so that two requests fill it; 1 MiB of body, so that a big one is easy to send.
  server = await startOpenAiServer({ engine, modelId: MODEL, queue: 1, maxBodyBytes: 1024 * 1024, onGeneration: (r) => records.push(r) });
  client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'not-checked', maxRetries: 0 });
  const pkg = openPackage(modelDir);
  const t = pkg.manifest.tokenizer!;
  tokenizer = await loadTokenizer({ ranksFile: pkg.tokenizerPath(t.files.find((f) => f.endsWith('tiktoken.model'))!), pattern: KIMI_PATTERN, specialTokens: t.specialTokens! });
  pkg.close();
});

test.after(async () => {
  await server?.close();
  await engine?.close();
  tokenizer?.free();
  await rm(work, { recursive: true, force: true });
});

/** The prompt's length as the chat template makes it, each image its merged patches. */
function promptLength(messages: ChatMessage[], images: Array<{ rgba: Uint8Array; width: number; height: number }> = [], thinking = false): number {
  const pkg = openPackage(modelDir);
  const vision = pkg.config.vision_config!;
  pkg.close();
  const imageTokens = (i: number) => mediaTokenCount(preprocessImage(images[i]!.rgba, images[i]!.width, images[i]!.height, vision, KIMI_VL_IMAGE_PROCESSOR), vision.merge_kernel_size);
  return promptIds(tokenizer, messages, { template: 'kimi-k2.5', thinking, addGenerationPrompt: true, imageTokens }).ids.length;
}

const isApiError = (status: number, check: (e: APIError) => void = () => {}) => (e: unknown) => {
  assert.ok(e instanceof APIError, `expected an APIError, got ${String(e)}`);
  assert.equal(e.status, status, e.message);
  check(e);
  return true;
};

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

test('GET /v1/models lists the one model; any other model is 404', async () => {
  const list = await client.models.list();
  assert.deepEqual(
    list.data.map((m) => [m.id, m.object]),
    [[MODEL, 'model']],
  );
  assert.equal((await client.models.retrieve(MODEL)).id, MODEL);
  await assert.rejects(client.models.retrieve('gpt-4o'), isApiError(404, (e) => assert.equal(e.code, 'model_not_found')));
  await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: CARD }], max_tokens: 1 }), isApiError(404, (e) => assert.match(e.message, /tiny-vl/)));
});

test('a whole answer and a streamed one: the same text, usage that counts the tokens, finish_reason length at max_tokens', async () => {
  const messages = [{ role: 'user' as const, content: CARD }];
  const whole = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 8 });
  assert.equal(whole.object, 'chat.completion');
  assert.equal(whole.model, MODEL);
  assert.equal(whole.choices.length, 1);
  const [choice] = whole.choices;
  assert.equal(choice!.finish_reason, 'length');
  assert.equal(choice!.message.role, 'assistant');
  assert.ok(choice!.message.content, 'text arrived');
  assert.deepEqual(whole.usage && { ...whole.usage }, { prompt_tokens: promptLength(messages), completion_tokens: 8, total_tokens: promptLength(messages) + 8 });

  const chunks = await collect(await client.chat.completions.create({ model: MODEL, messages, max_tokens: 8, stream: true, stream_options: { include_usage: true } }));
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]!.id));
  assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
  const pieces = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).filter(Boolean);
  assert.ok(pieces.length > 1, 'the text came in pieces');
  assert.equal(pieces.join(''), choice!.message.content, 'greedy: the same text streamed');
  const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean);
  assert.deepEqual(finishes, ['length']);
  const last = chunks.at(-1)!;
  assert.deepEqual(last.choices, [], 'usage comes in a last chunk of its own');
  assert.deepEqual(last.usage && { ...last.usage }, { ...whole.usage! });

  const plain = await collect(await client.chat.completions.create({ model: MODEL, messages, max_tokens: 3, stream: true }));
  assert.ok(plain.every((c) => c.usage === undefined), 'no usage unless asked for');
});

test('an image part: the prompt grows by the image tokens', async () => {
  const width = 56;
  const height = 42;
  const rgba = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 251));
  const png = await sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
  const text = 'What is this?';
  const withImage = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }, { type: 'text', text }] }],
    max_tokens: 2,
  });
  const textOnly = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text }] }], max_tokens: 2 });
  const expected = promptLength([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text }] }], [{ rgba, width, height }]);
  assert.equal(withImage.usage!.prompt_tokens, expected);
  assert.equal(textOnly.usage!.prompt_tokens, promptLength([{ role: 'user', content: [{ type: 'text', text }] }]));
  assert.ok(withImage.usage!.prompt_tokens > textOnly.usage!.prompt_tokens);
});

test('stop, as a string or a list: the answer ends before the first stop sequence, finish_reason stop', async () => {
  const messages = [{ role: 'user' as const, content: CARD }];
  const full = (await client.chat.completions.create({ model: MODEL, messages, max_tokens: 24 })).choices[0]!.message.content!;
  const at = Math.floor(full.length / 2);
  const stop = full.slice(at, at + 3);
  for (const asked of [stop, ['never written by anyone', stop]]) {
    const cut = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 24, stop: asked });
    assert.equal(cut.choices[0]!.finish_reason, 'stop');
    assert.equal(cut.choices[0]!.message.content, full.slice(0, full.indexOf(stop)));
    assert.ok(cut.usage!.completion_tokens < 24);
  }
});

test('temperature samples with the seed; chat_template_kwargs thinking opens the answer with <think>', async () => {
  const messages = [{ role: 'user' as const, content: CARD }];
  const sampled = () => client.chat.completions.create({ model: MODEL, messages, max_tokens: 6, temperature: 0.9, top_p: 0.95, seed: 7 });
  assert.equal((await sampled()).choices[0]!.message.content, (await sampled()).choices[0]!.message.content);

  const base = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 1 });
  for (const kwargs of [{ thinking: true }, { enable_thinking: true }]) {
    // Not in the openai client's types: vLLM's and SGLang's extension, sent as it is.
    const params: ChatCompletionCreateParamsNonStreaming & { chat_template_kwargs: object } = { model: MODEL, messages, max_tokens: 1, chat_template_kwargs: kwargs };
    const thinking = await client.chat.completions.create(params);
    // The generation prompt ends `<think>` instead of `<think></think>`.
    assert.equal(thinking.usage!.prompt_tokens, base.usage!.prompt_tokens - 1);
    assert.equal(thinking.usage!.prompt_tokens, promptLength(messages, [], true));
  }
});

test('a client that goes away mid-stream cancels its generation; the next request is served', async () => {
  const from = records.length;
  const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: ENDLESS }], max_tokens: 100_000, stream: true });
  let pieces = 0;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.content && ++pieces === 3) stream.controller.abort();
  }
  const next = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: CARD }], max_tokens: 2 });
  assert.equal(next.choices[0]!.finish_reason, 'length');
  const ran = records.slice(from);
  assert.equal(ran.length, 2);
  const cancelled = ran[0]!;
  assert.ok('stoppedBy' in cancelled && cancelled.stoppedBy === 'cancelled' && cancelled.stream, JSON.stringify(cancelled));
  assert.ok(cancelled.completionTokens >= 3 && cancelled.completionTokens < 100_000);
});

test('with the engine busy and the queue full, the next request gets 429 and Retry-After; those that leave give up their places', async () => {
  const from = records.length;
  const ask = { model: MODEL, messages: [{ role: 'user' as const, content: ENDLESS }], max_tokens: 100_000, stream: true as const };
  const busy = await client.chat.completions.create(ask);
  const reading = busy[Symbol.asyncIterator]();
  // Text has come: this one is generating.
  while (!(await reading.next()).value?.choices[0]?.delta.content);
  // Its answer started: it holds the one place in the queue.
  const waiting = await client.chat.completions.create(ask);
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: CARD }], max_tokens: 1 }),
    isApiError(429, (e) => {
      assert.ok(Number(e.headers?.get('retry-after')) >= 1);
      assert.equal(e.type, 'rate_limit_error');
    }),
  );
  waiting.controller.abort();
  busy.controller.abort();
  // Served only if the waiting one left the queue: it would otherwise write 100 000 tokens first.
  const after = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: CARD }], max_tokens: 2 });
  assert.equal(after.choices[0]!.finish_reason, 'length');
  const ran = records.slice(from).filter((r) => !('stoppedBy' in r) || r.completionTokens > 0);
  assert.deepEqual(
    ran.map((r) => ('stoppedBy' in r ? r.stoppedBy : r.failed)),
    ['cancelled', 'max-tokens'],
  );
});

test('bad requests: an http image URL, a malformed or oversized body, a wrong method, all as OpenAI errors', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/design.png' } }] }] }),
    isApiError(400, (e) => {
      assert.match(e.message, /data: URL/);
      assert.equal(e.type, 'invalid_request_error');
    }),
  );
  const post = (body: string) => fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const malformed = await post(JSON.stringify({ model: MODEL, messages: 'hello', max_tokens: -1 }));
  assert.equal(malformed.status, 400);
  const { error } = (await malformed.json()) as { error: { message: string; type: string; code: string } };
  assert.equal(error.type, 'invalid_request_error');
  assert.match(error.message, /messages/);
  assert.match(error.message, /max_tokens/);
  assert.equal((await post('{"model": ')).status, 400);
  assert.equal((await post(JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] }))).status, 413);
  assert.equal((await post(JSON.stringify({ model: MODEL, messages: [{ role: 'tool', content: 'x' }] }))).status, 400);
  const wrongMethod = await fetch(`${server.baseUrl}/chat/completions`);
  assert.equal(wrongMethod.status, 405);
  assert.equal(((await wrongMethod.json()) as { error: { code: string } }).error.code, 'method_not_allowed');
});

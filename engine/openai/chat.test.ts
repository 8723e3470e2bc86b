import test from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { ChatClient, type ChatServer } from './chat.ts';
import { backoffMs, retryAfterMs, DEFAULT_RETRY } from './retry.ts';
import { LoupeError } from '../errors.ts';
import { startScriptedServer, type ScriptedReply, type ScriptedRequest, type ScriptedServer } from '../../testing/openai/scripted-server.ts';

/** Retries in milliseconds, so that a file of retry stories runs in seconds. */
const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 8 };

async function withServer(
  script: (request: ScriptedRequest) => ScriptedReply | Promise<ScriptedReply>,
  run: (server: ScriptedServer) => Promise<void>,
  options?: { models?: string[] },
): Promise<void> {
  const server = await startScriptedServer(script, options);
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

const chatServer = (server: ScriptedServer, more: Partial<ChatServer> = {}): ChatServer => ({ baseUrl: server.baseUrl, model: 'scripted-model', timeoutMs: 5000, ...more });

/** The replies in order, the last one repeated. */
const inOrder =
  (...replies: ScriptedReply[]) =>
  (request: ScriptedRequest): ScriptedReply =>
    replies[Math.min(request.index, replies.length - 1)]!;

async function failure(promise: Promise<unknown>): Promise<LoupeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LoupeError, `not a LoupeError: ${String(error)}`);
    return error;
  }
  assert.fail('it did not fail');
}

/** Waits for a condition the server reaches on its own time (a disconnect it notices); the limit only keeps a broken test from hanging. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), what);
}

test('a streamed answer keeps its reasoning (reasoning_content) apart from its content', async () => {
  await withServer(inOrder({ kind: 'answer', reasoning: 'The card has a title and a button.', content: '<div class="card">Hi</div>', chunks: 4 }), async (server) => {
    const seen: { content: number; reasoning: number }[] = [];
    const answer = await new ChatClient(chatServer(server)).complete({ system: 'Write HTML.', text: 'Convert this.' }, { onDelta: (received) => seen.push(received) });
    assert.equal(answer.content, '<div class="card">Hi</div>');
    assert.equal(answer.reasoning, 'The card has a title and a button.');
    assert.equal(answer.finishReason, 'stop');
    assert.ok(seen.length >= 8, `${seen.length} deltas`);
    assert.deepEqual(seen.at(-1), { content: answer.content.length, reasoning: answer.reasoning.length });
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.content >= seen[i - 1]!.content && seen[i]!.reasoning >= seen[i - 1]!.reasoning);
    const body = server.requests[0]!.body;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.deepEqual(body.messages[0], { role: 'system', content: 'Write HTML.' });
    assert.equal(server.requests[0]!.text, 'Write HTML.\nConvert this.');
  });
});

test("reasoning in Ollama's `reasoning` field is kept apart too", async () => {
  await withServer(inOrder({ kind: 'answer', reasoning: 'thinking it over', content: '<p>x</p>', reasoningField: 'reasoning' }), async (server) => {
    const answer = await new ChatClient(chatServer(server)).complete({ text: 'go' });
    assert.deepEqual([answer.reasoning, answer.content], ['thinking it over', '<p>x</p>']);
  });
});

test('a <think> block leading the content moves to the reasoning, even with its tags cut between chunks', async () => {
  const content = '<think>The layout is two columns.</think>\n\n<main>two columns</main>';
  for (const chunks of [1, 5, 13, content.length]) {
    await withServer(inOrder({ kind: 'answer', content, chunks }), async (server) => {
      const seen: { content: number; reasoning: number }[] = [];
      const answer = await new ChatClient(chatServer(server)).complete({ text: 'go' }, { onDelta: (received) => seen.push(received) });
      assert.deepEqual([answer.reasoning, answer.content], ['The layout is two columns.', '<main>two columns</main>'], `${chunks} chunks`);
      assert.deepEqual(seen.at(-1), { content: answer.content.length, reasoning: answer.reasoning.length });
    });
  }
});

test('content that only closes a </think> (the template opened it) has its reasoning moved out; plain content is left alone', async () => {
  await withServer(inOrder({ kind: 'answer', content: 'Plan: a header.</think>\n<header>h</header>' }, { kind: 'answer', content: '  <p>think about <b>this</b></p>' }), async (server) => {
    const client = new ChatClient(chatServer(server));
    const opened = await client.complete({ text: 'go' });
    assert.deepEqual([opened.reasoning, opened.content], ['Plan: a header.', '<header>h</header>']);
    const plain = await client.complete({ text: 'go' });
    assert.deepEqual([plain.reasoning, plain.content], ['', '  <p>think about <b>this</b></p>']);
  });
});

test('an image arrives as a PNG data URL, beside the text', async () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 255]);
  await withServer(inOrder({ kind: 'answer', content: 'ok' }), async (server) => {
    await new ChatClient(chatServer(server)).complete({ text: 'Convert this design.', images: [png] });
    const [request] = server.requests;
    assert.equal(request!.images.length, 1);
    const [prefix, data] = request!.images[0]!.split(',');
    assert.equal(prefix, 'data:image/png;base64');
    assert.deepEqual(Buffer.from(data!, 'base64'), png);
    assert.equal(request!.text, 'Convert this design.');
  });
});

test('429 with Retry-After waits at least that long, then succeeds', async () => {
  await withServer(inOrder({ kind: 'status', status: 429, retryAfterS: 1 }, { kind: 'answer', content: 'ok' }), async (server) => {
    const client = new ChatClient(chatServer(server), { retry: FAST });
    const started = performance.now();
    const answer = await client.complete({ text: 'go' });
    assert.ok(performance.now() - started >= 990, `waited ${performance.now() - started} ms`);
    assert.equal(answer.content, 'ok');
    assert.equal(server.requests.length, 2);
  });
});

test('5xx, a hang, a cut stream and garbage are each retried, and then the answer comes', async () => {
  const replies: ScriptedReply[] = [
    { kind: 'status', status: 503 },
    { kind: 'hang' },
    { kind: 'cut', content: 'half an answer that never ends' },
    { kind: 'garbage' },
    { kind: 'status', status: 500, body: 'not even JSON' },
    { kind: 'answer', content: 'whole', latencyMs: 20 },
  ];
  await withServer(inOrder(...replies), async (server) => {
    const client = new ChatClient(chatServer(server, { timeoutMs: 300 }), { retry: { ...FAST, maxAttempts: 20 } });
    const answer = await client.complete({ text: 'go' });
    assert.equal(answer.content, 'whole');
    // At least one try each; a busy machine may make a healthy answer miss the short timeout too.
    assert.ok(server.requests.length >= replies.length);
    assert.deepEqual({ requests: client.stats.requests, retries: client.stats.retries }, { requests: server.requests.length, retries: server.requests.length - 1 });
    await eventually(() => server.inFlight === 0, 'the hanging request was let go');
  });
});

/**
 * A server written by hand for answers that pause between their pieces, which the scripted
 * server's never do: `plan(n)` gives the gaps (ms) before each piece of the n-th answer, and
 * null where it stops sending altogether.
 */
async function withPausingServer(plan: (index: number) => (number | null)[], run: (baseUrl: string) => Promise<void>): Promise<void> {
  let requests = 0;
  const piece = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const server = createHttpServer(async (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const gaps = plan(requests++);
    for (const [i, gap] of gaps.entries()) {
      if (gap === null) return;
      await new Promise((resolve) => setTimeout(resolve, gap));
      res.write(piece({ content: `${i} ` }));
    }
    res.end(piece({}, 'stop') + 'data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as { port: number }).port}/v1`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('an answer that stops arriving mid-stream times out and is tried again', async () => {
  await withPausingServer(
    (n) => (n === 0 ? [0, null] : [0, 0]),
    async (baseUrl) => {
      const client = new ChatClient({ baseUrl, model: 'm', timeoutMs: 150 }, { retry: { ...FAST, maxAttempts: 20 } });
      const answer = await client.complete({ text: 'go' });
      // Nothing of the abandoned answer is kept.
      assert.equal(answer.content, '0 1 ');
      assert.ok(client.stats.retries >= 1);
    },
  );
});

test('an answer that keeps arriving is never cut, however long it takes in all', async () => {
  // Fifteen pieces 80 ms apart: longer in all than the timeout, never silent for a tenth of it.
  await withPausingServer(
    () => Array(15).fill(80),
    async (baseUrl) => {
      const client = new ChatClient({ baseUrl, model: 'm', timeoutMs: 1000 }, { retry: FAST });
      const started = performance.now();
      const answer = await client.complete({ text: 'go' });
      assert.ok(performance.now() - started >= 1000, 'the answer took longer than the timeout');
      assert.equal(answer.content, Array.from({ length: 15 }, (_, i) => `${i} `).join(''));
      assert.equal(client.stats.retries, 0);
    },
  );
});

test('the deadline ends the retries, with the code of what kept failing', async () => {
  await withServer(inOrder({ kind: 'status', status: 503 }), async (server) => {
    const client = new ChatClient(chatServer(server), { retry: { ...FAST, maxAttempts: 1000 } });
    const error = await failure(client.complete({ text: 'go' }, { deadline: Date.now() + 300 }));
    assert.equal(error.code, 'SERVER_UNAVAILABLE');
    assert.match(error.message, new RegExp(server.baseUrl.replace(/[.:/]/g, '\\$&')));
    assert.match(error.message, /503/);
    assert.ok(server.requests.length > 1);
  });
  await withServer(inOrder({ kind: 'status', status: 429 }), async (server) => {
    const client = new ChatClient(chatServer(server), { retry: { ...FAST, maxAttempts: 1000 } });
    const error = await failure(client.complete({ text: 'go' }, { deadline: Date.now() + 300 }));
    assert.equal(error.code, 'RATE_LIMITED');
  });
  await withServer(inOrder({ kind: 'hang' }), async (server) => {
    const client = new ChatClient(chatServer(server, { timeoutMs: 60_000 }), { retry: FAST });
    const error = await failure(client.complete({ text: 'go' }, { deadline: Date.now() + 200 }));
    assert.equal(error.code, 'SERVER_UNAVAILABLE');
    await eventually(() => server.inFlight === 0, 'the hanging request was let go at the deadline');
  });
});

test('a Retry-After past the deadline fails at once with RATE_LIMITED', async () => {
  await withServer(inOrder({ kind: 'status', status: 429, retryAfterS: 3600 }), async (server) => {
    const client = new ChatClient(chatServer(server), { retry: FAST });
    const error = await failure(client.complete({ text: 'go' }, { deadline: Date.now() + 60_000 }));
    assert.equal(error.code, 'RATE_LIMITED');
    assert.match(error.message, /3600 s/);
    assert.equal(server.requests.length, 1);
  });
});

test('maxAttempts ends the retries, and garbage until then is SERVER_RESPONSE_INVALID', async () => {
  await withServer(inOrder({ kind: 'garbage' }), async (server) => {
    const client = new ChatClient(chatServer(server), { retry: { ...FAST, maxAttempts: 3 } });
    const error = await failure(client.complete({ text: 'go' }));
    assert.equal(error.code, 'SERVER_RESPONSE_INVALID');
    assert.equal(server.requests.length, 3);
    assert.deepEqual(client.stats, { requests: 3, retries: 2, promptTokens: 0, completionTokens: 0 });
  });
});

test('401, 403, 400 and 404 are not retried', async () => {
  const cases: [number, string][] = [
    [401, 'AUTH_REJECTED'],
    [403, 'AUTH_REJECTED'],
    [400, 'INVALID_ARGUMENT'],
    [404, 'MODEL_NOT_FOUND'],
  ];
  for (const [status, code] of cases) {
    await withServer(inOrder({ kind: 'status', status }), async (server) => {
      const client = new ChatClient(chatServer(server, { apiKey: 'k' }), { retry: FAST });
      const error = await failure(client.complete({ text: 'go' }));
      assert.equal(error.code, code, `${status}`);
      assert.equal(server.requests.length, 1, `${status}`);
      assert.ok(error.message.includes(server.baseUrl), error.message);
    });
  }
});

test('401 tells to set the key; a model the server does not serve is named with those it serves', async () => {
  await withServer(inOrder({ kind: 'status', status: 401 }), async (server) => {
    const error = await failure(new ChatClient(chatServer(server)).complete({ text: 'go' }));
    assert.match(error.message, /LOUPE_API_KEY/);
  });
  await withServer(
    inOrder({ kind: 'status', status: 404, body: JSON.stringify({ object: 'error', message: 'The model `kimi` does not exist.', code: 404 }) }),
    async (server) => {
      const error = await failure(new ChatClient(chatServer(server, { model: 'kimi' })).complete({ text: 'go' }));
      assert.equal(error.code, 'MODEL_NOT_FOUND');
      assert.match(error.message, /"moonshotai\/Kimi-K2\.5", "qwen3"/);
    },
    { models: ['moonshotai/Kimi-K2.5', 'qwen3'] },
  );
});

test("a 400 says the server's own words, even in vLLM's error shape", async () => {
  const body = JSON.stringify({ object: 'error', message: "This model's maximum context length is 8192 tokens.", type: 'BadRequestError', code: 400 });
  await withServer(inOrder({ kind: 'status', status: 400, body }), async (server) => {
    const error = await failure(new ChatClient(chatServer(server, { thinking: 'off' })).complete({ text: 'go' }));
    assert.match(error.message, /maximum context length is 8192 tokens/);
    assert.match(error.message, /chat_template_kwargs/);
  });
});

test('cancelling during a request ends it with CANCELLED, and the server sees the disconnect', async () => {
  await withServer(inOrder({ kind: 'hang' }), async (server) => {
    const client = new ChatClient(chatServer(server, { timeoutMs: 60_000 }), { retry: FAST });
    const controller = new AbortController();
    const pending = client.complete({ text: 'go' }, { signal: controller.signal });
    await eventually(() => server.requests.length === 1, 'the request arrived');
    controller.abort();
    assert.equal((await failure(pending)).code, 'CANCELLED');
    await eventually(() => server.inFlight === 0, 'the server saw the client go');
    assert.equal(server.requests.length, 1);
  });
});

test('cancelling mid-stream ends it with CANCELLED', async () => {
  await withServer(inOrder({ kind: 'answer', content: 'x'.repeat(40), chunks: 40 }), async (server) => {
    const controller = new AbortController();
    const client = new ChatClient(chatServer(server), { retry: FAST });
    const error = await failure(client.complete({ text: 'go' }, { signal: controller.signal, onDelta: () => controller.abort() }));
    assert.equal(error.code, 'CANCELLED');
    assert.equal(server.requests.length, 1);
  });
});

test('cancelling during a backoff wait ends it with CANCELLED, without another request', async () => {
  await withServer(inOrder({ kind: 'status', status: 503 }), async (server) => {
    // An hour's backoff: only the cancel can end this wait.
    const client = new ChatClient(chatServer(server), { retry: { baseDelayMs: 3_600_000, maxDelayMs: 3_600_000, maxAttempts: 5, random: () => 0.999 } });
    const controller = new AbortController();
    const pending = client.complete({ text: 'go' }, { signal: controller.signal });
    await eventually(() => server.requests.length === 1 && server.inFlight === 0, 'the first request was answered');
    controller.abort();
    assert.equal((await failure(pending)).code, 'CANCELLED');
    assert.equal(server.requests.length, 1);
  });
});

test('an already cancelled signal sends nothing', async () => {
  await withServer(inOrder({ kind: 'answer', content: 'ok' }), async (server) => {
    const error = await failure(new ChatClient(chatServer(server)).complete({ text: 'go' }, { signal: AbortSignal.abort() }));
    assert.equal(error.code, 'CANCELLED');
    assert.equal(server.requests.length, 0);
  });
});

test('stats add up requests, retries and the tokens the server reported', async () => {
  await withServer(inOrder({ kind: 'status', status: 502 }, { kind: 'answer', content: 'a'.repeat(40), reasoning: 'r'.repeat(8) }), async (server) => {
    const client = new ChatClient(chatServer(server), { retry: FAST });
    const first = await client.complete({ text: 'x'.repeat(100) });
    const second = await client.complete({ text: 'y'.repeat(20) });
    // The scripted server counts a token per four characters.
    assert.deepEqual(first.usage, { promptTokens: 25, completionTokens: 12 });
    assert.deepEqual(second.usage, { promptTokens: 5, completionTokens: 12 });
    assert.deepEqual(client.stats, { requests: 3, retries: 1, promptTokens: 30, completionTokens: 24 });
  });
});

test('one client carries requests side by side, and the server counts them in flight', async () => {
  // Nobody is answered until all three have arrived, so they are surely in flight together.
  let arrived = 0;
  let all: () => void = () => {};
  const together = new Promise<void>((resolve) => (all = resolve));
  const script = async (request: ScriptedRequest): Promise<ScriptedReply> => {
    if (++arrived === 3) all();
    await together;
    return { kind: 'answer', content: `answer to ${request.text}` };
  };
  await withServer(script, async (server) => {
    const client = new ChatClient(chatServer(server));
    const answers = await Promise.all(['a', 'b', 'c'].map((text) => client.complete({ text })));
    assert.deepEqual(answers.map((a) => a.content), ['answer to a', 'answer to b', 'answer to c']);
    assert.equal(server.maxInFlight, 3);
    await eventually(() => server.inFlight === 0, 'all answered');
    assert.equal(client.stats.requests, 3);
  });
});

test('thinking on and off send chat_template_kwargs; unset sends none of it', async () => {
  await withServer(inOrder({ kind: 'answer', content: 'ok' }), async (server) => {
    await new ChatClient(chatServer(server, { thinking: 'on' })).complete({ text: 'go' });
    await new ChatClient(chatServer(server, { thinking: 'off' })).complete({ text: 'go' });
    await new ChatClient(chatServer(server)).complete({ text: 'go', maxTokens: 100, temperature: 0 });
    const [on, off, unset] = server.requests.map((r) => r.body);
    assert.deepEqual(on.chat_template_kwargs, { thinking: true, enable_thinking: true });
    assert.deepEqual(off.chat_template_kwargs, { thinking: false, enable_thinking: false });
    // A strict cloud API refuses any field it does not know.
    assert.deepEqual(Object.keys(unset).sort(), ['max_tokens', 'messages', 'model', 'stream', 'stream_options', 'temperature']);
    assert.deepEqual([unset.max_tokens, unset.temperature, unset.model], [100, 0, 'scripted-model']);
  });
});

test('the key is sent as a bearer token; without one no Authorization header goes, not even OPENAI_API_KEY', async () => {
  const saved = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = 'sk-from-the-environment';
  try {
    await withServer(inOrder({ kind: 'answer', content: 'ok' }), async (server) => {
      await new ChatClient(chatServer(server, { apiKey: 'sk-mine' })).complete({ text: 'go' });
      await new ChatClient(chatServer(server)).complete({ text: 'go' });
      assert.deepEqual(
        server.requests.map((r) => r.authorization),
        ['Bearer sk-mine', undefined],
      );
    });
  } finally {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  }
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('an unreachable server is SERVER_UNAVAILABLE, naming the address and why', async () => {
  const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  const client = new ChatClient({ baseUrl, model: 'm', timeoutMs: 1000 }, { retry: { ...FAST, maxAttempts: 2 } });
  const error = await failure(client.complete({ text: 'go' }));
  assert.equal(error.code, 'SERVER_UNAVAILABLE');
  assert.ok(error.message.includes(baseUrl), error.message);
  assert.match(error.message, /ECONNREFUSED/);
  assert.equal(client.stats.requests, 2);
  assert.equal((await failure(client.listModels())).code, 'SERVER_UNAVAILABLE');
});

test('listModels answers the ids the server serves', async () => {
  await withServer(inOrder({ kind: 'answer', content: 'ok' }), async (server) => {
    assert.deepEqual(await new ChatClient(chatServer(server)).listModels(), ['a', 'b/c']);
  }, { models: ['a', 'b/c'] });
});

test('no failure message, nor anything an error carries, holds the key', async () => {
  const key = 'sk-loupe-test-7f3a9c1e5b2d4f60';
  // Servers that echo what they were sent, the key included, in their errors.
  const echo = JSON.stringify({ error: { message: `bad request: Authorization: Bearer ${key}` } });
  const stories: { reply: ScriptedReply; options?: Parameters<ChatClient['complete']>[1]; timeoutMs?: number }[] = [
    { reply: { kind: 'status', status: 401, body: echo } },
    { reply: { kind: 'status', status: 403 } },
    { reply: { kind: 'status', status: 400, body: echo } },
    { reply: { kind: 'status', status: 404, body: echo } },
    { reply: { kind: 'status', status: 422, body: `key ${key} is not valid here` } },
    { reply: { kind: 'status', status: 429, body: echo } },
    { reply: { kind: 'status', status: 429, retryAfterS: 3600, body: echo }, options: { deadline: Date.now() + 60_000 } },
    { reply: { kind: 'status', status: 503, body: echo } },
    { reply: { kind: 'garbage' } },
    { reply: { kind: 'cut', content: `partial ${key}` } },
    { reply: { kind: 'hang' }, timeoutMs: 100 },
    { reply: { kind: 'hang' }, options: { signal: AbortSignal.timeout(100) } },
  ];
  const errors: unknown[] = [];
  for (const { reply, options, timeoutMs } of stories) {
    await withServer(inOrder(reply), async (server) => {
      const client = new ChatClient(chatServer(server, { apiKey: key, ...(timeoutMs && { timeoutMs }) }), { retry: { ...FAST, maxAttempts: 2 } });
      errors.push(await failure(client.complete({ text: 'go' }, options)));
      if (reply.kind === 'status') assert.equal(server.requests[0]!.authorization, `Bearer ${key}`);
    });
  }
  const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  const unreachable = new ChatClient({ baseUrl, model: 'm', apiKey: key, timeoutMs: 1000 }, { retry: { ...FAST, maxAttempts: 1 } });
  errors.push(await failure(unreachable.complete({ text: 'go' })), await failure(unreachable.listModels()));
  assert.equal(errors.length, stories.length + 2);
  for (const error of errors) {
    assert.ok(error instanceof LoupeError);
    for (const text of [error.message, String(error), error.stack ?? '', inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)])
      assert.ok(!text.includes(key), `the key is in: ${error.message}`);
  }
});

test('backoff is full jitter under an exponential ceiling, capped', () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffMs(policy, n)), [50, 100, 200, 400, 500, 500]);
  assert.equal(backoffMs({ ...policy, random: () => 0 }, 3), 0);
});

test('Retry-After is read as seconds, as a date, or as retry-after-ms', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '2' }), now), 2000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Tue, 01 Jan 2030 00:00:05 GMT' }), now), 5000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now), 250);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(retryAfterMs(new Headers(), now), undefined);
});

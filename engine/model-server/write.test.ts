// A model server's strategies against the scripted chat server (a real HTTP server on loopback
// answering from a script): assembly, fallback per segment, retries, concurrency, cancel, and
// refine's rule that a segment's model version is kept only when it scores no worse.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { LoupeError } from '../errors.ts';
import { RenderPool } from '../render/pool.ts';
import { generateCode, renderCode } from '../think/attempt.ts';
import { startScriptedServer, type ScriptedReply, type ScriptedRequest } from '../../testing/openai/scripted-server.ts';
import { answerFor, blankPng, blockOf, syntheticPage } from '../../testing/model-server/synthetic-page.ts';
import { clientFor, writeWithModelServer, type ModelServerRun } from './write.ts';
import type { Design } from '../ir/index.ts';
import type { ModelServerBackend, SegmentView } from '../api/contract.ts';

type Strategy = ModelServerBackend['strategy'];

const pool = new RenderPool(2);
after(() => pool.close());

type Script = (request: ScriptedRequest) => ScriptedReply | Promise<ScriptedReply>;

async function write(script: Script, design: Design, options: { strategy: Strategy; concurrency?: number; designPng?: Buffer; blocks?: Parameters<typeof writeWithModelServer>[0]['blocks']; signal?: AbortSignal }) {
  const server = await startScriptedServer(script);
  try {
    const run: ModelServerRun = { kind: 'openai', server: { kind: 'openai', baseUrl: server.baseUrl, model: 'scripted', strategy: options.strategy, concurrency: options.concurrency ?? 4, timeoutMs: 1000 } };
    const client = clientFor(run);
    const updates: SegmentView[][] = [];
    const { width, height } = design.viewport;
    const written = await writeWithModelServer({
      image: { name: 'synthetic.png', width, height, rgba: Buffer.alloc(0) },
      designPng: options.designPng ?? (await blankPng(design)),
      design,
      blocks: options.blocks ?? [],
      stack: 'html-css',
      pool,
      run,
      client,
      signal: options.signal,
      onSegments: (s) => updates.push(s),
    });
    const html = String(written.generated.code.files.find((f) => f.path === 'index.html')!.contents);
    return { ...written, html, updates, server, stats: client.stats };
  } finally {
    await server.close();
  }
}

test("swarm: each segment's answer takes its place in perception's page; a segment without a usable answer keeps perception's code and says why", async () => {
  const design = syntheticPage(0, 6);
  const seen = new Map<string, number>();
  const r = await write((request) => {
    const block = blockOf(request.text)!;
    const n = (seen.get(block) ?? 0) + 1;
    seen.set(block, n);
    if (block.startsWith('Block 1 ') && n === 1) return { kind: 'status', status: 429, retryAfterS: 0 };
    if (block.startsWith('Block 2 ')) return { kind: 'answer', content: 'I cannot see an image.' };
    if (block.startsWith('Block 3 ')) return { kind: 'status', status: 500 };
    if (block.startsWith('Block 4 ')) return { kind: 'answer', content: '<div onclick="x()">Block 4</div>' };
    return { kind: 'answer', content: answerFor(block), latencyMs: 20 };
  }, design, { strategy: 'swarm' });
  assert.deepEqual(r.segments.map((s) => s.state), ['model', 'model', 'perception', 'perception', 'perception', 'model']);
  assert.equal(r.segments[2]!.reason, 'it wrote no HTML');
  assert.match(r.segments[3]!.reason!, /500|server/i);
  assert.equal(r.segments[4]!.reason, 'it contains scripts');
  assert.equal(r.segments[1]!.attempts, 1, 'the 429 was retried inside one attempt of the segment');
  for (const i of [0, 1, 5]) assert.equal(r.html.split(`data-answer="Block ${i} of page 0"`).length, 2, `block ${i}'s markup is in the page once`);
  for (const i of [2, 3, 4]) assert.ok(r.html.includes(`Block ${i} of page 0`) && !r.html.includes(`data-answer="Block ${i} of page 0"`), `block ${i} is perception's`);
  // The segment's CSS is scoped to its element, so one segment's .card cannot restyle another's.
  assert.match(r.html, /\.block-0 \{\s*\.card \{/);
  assert.ok(r.stats.requests >= 7, `requests: ${r.stats.requests}`);
  const states = r.updates.map((u) => u[0]!.state);
  assert.deepEqual([states[0], states.at(-1)], ['waiting', 'model'], 'the board moved from waiting to model');
});

test('swarm: at most --concurrency requests are in flight, and that many are', async () => {
  const design = syntheticPage(1, 8);
  const r = await write((request) => ({ kind: 'answer', content: answerFor(blockOf(request.text)!), latencyMs: 150 }), design, { strategy: 'swarm', concurrency: 3 });
  assert.equal(r.server.maxInFlight, 3);
  assert.equal(r.segments.filter((s) => s.state === 'model').length, 8);
});

test('direct: the whole design in one request; an answer that is no page leaves perception\'s page and the reason', async () => {
  const design = syntheticPage(2, 3);
  const page = '<!doctype html><html><head><style>main{display:flex}</style></head><body><main data-answer="page"><h1>Hi</h1></main></body></html>';
  const good = await write((request) => {
    assert.equal(request.images.length, 1);
    assert.match(request.images[0]!, /^data:image\/png;base64,/);
    return { kind: 'answer', content: '```html\n' + page + '\n```', reasoning: 'The page has three blocks.' };
  }, design, { strategy: 'direct' });
  assert.equal(good.segments.length, 1);
  assert.equal(good.segments[0]!.state, 'model');
  assert.equal(good.segments[0]!.reasoning, 'The page has three blocks.');
  assert.ok(good.html.includes('data-answer="page"'));
  assert.ok(!good.html.includes('three blocks'), 'reasoning is not written into the code');
  const bad = await write(() => ({ kind: 'garbage' }), design, { strategy: 'direct' });
  assert.equal(bad.segments[0]!.state, 'perception');
  assert.ok(bad.html.includes('Block 0 of page 2'));
});

test('refine keeps a segment\'s model version only where the page renders no further from the design', async () => {
  const design = syntheticPage(3, 3);
  // The design is perception's own render, so perception's code scores as well as code can.
  const perception = await generateCode(design, 'html-css');
  const rendered = await renderCode(pool, perception.preview, design.viewport);
  const r = await write(
    (request) => {
      const block = blockOf(request.text)!;
      // Block 0: perception's code as it was given (it renders the same); block 1: a taller, red block (it does not).
      if (block.startsWith('Block 0 ')) return { kind: 'answer', content: '```html\n' + /```html\n([\s\S]*?)```/.exec(request.text)![1] + '```' };
      if (block.startsWith('Block 1 ')) return { kind: 'answer', content: `<section style="height:300px;background:#d00"><h2>${block}</h2></section>` };
      return { kind: 'status', status: 400 };
    },
    design,
    { strategy: 'refine', designPng: rendered.render.png, blocks: rendered.blocks },
  );
  assert.deepEqual(r.segments.map((s) => s.state), ['model', 'perception', 'perception']);
  assert.match(r.segments[1]!.reason!, /rendered further from the design/);
  assert.ok(!r.html.includes('#d00'), 'the worse version is not in the page');
});

test('a cancel stops every request and ends the conversion as cancelled', async () => {
  const design = syntheticPage(4, 6);
  const controller = new AbortController();
  let started = 0;
  await assert.rejects(
    write(() => {
      if (++started === 2) controller.abort();
      return { kind: 'hang' };
    }, design, { strategy: 'swarm', signal: controller.signal }),
    (e: unknown) => e instanceof LoupeError && e.code === 'CANCELLED',
  );
});

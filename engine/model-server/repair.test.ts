// Think mode with a model server, against the scripted chat server: the model sees the design, the
// difference map and the code, and its repair is kept only when the page's score rises.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../openai/chat.ts';
import { RenderPool } from '../render/pool.ts';
import { generateCode, makeAttempt, renderCode } from '../think/attempt.ts';
import { startScriptedServer, type ScriptedReply, type ScriptedRequest } from '../../testing/openai/scripted-server.ts';
import { syntheticPage } from '../../testing/model-server/synthetic-page.ts';
import { repairWithModel } from './repair.ts';

const pool = new RenderPool(1);
after(() => pool.close());

/** The design has three blocks; the first attempt's code has lost the third. */
async function repair(answer: (request: ScriptedRequest, target: string) => ScriptedReply) {
  const design = syntheticPage(7, 3);
  const target = await generateCode(design, 'html-css');
  const designRender = await renderCode(pool, target.preview, design.viewport);
  const reference = { designPng: designRender.render.png, size: design.viewport, blocks: designRender.blocks };
  const first = await makeAttempt(syntheticPage(7, 2), 'html-css', pool, reference.designPng, reference.size);
  const targetHtml = String(target.code.files.find((f) => f.path === target.code.entry)!.contents);
  const requests: ScriptedRequest[] = [];
  const server = await startScriptedServer((request) => {
    requests.push(request);
    return answer(request, targetHtml);
  });
  try {
    const client = new ChatClient({ baseUrl: server.baseUrl, model: 'scripted', timeoutMs: 5000 });
    const result = await repairWithModel(first, { client, pool, reference, deadline: Date.now() + 60_000 });
    const html = String(result.best.code.files.find((f) => f.path === result.best.code.entry)!.contents);
    return { ...result, first, html, requests, targetHtml };
  } finally {
    await server.close();
  }
}

test("a repair that renders closer to the design is kept; the next round's, no closer, is not", async () => {
  const r = await repair((_, targetHtml) => ({ kind: 'answer', content: '```html\n' + targetHtml + '\n```' }));
  assert.equal(r.requests.length, 2);
  const [ask] = r.requests;
  assert.equal(ask!.images.length, 2, 'the design and the difference map');
  assert.match(ask!.text, /Block 1 of page 7/, 'the code goes with it');
  assert.match(ask!.text, /- x \d+, y (\d+), \d+×\d+: \d+% of pixels differ/);
  // The missing block is where the design and the render differ most.
  const worstY = Number(/- x \d+, y (\d+),/.exec(ask!.text)![1]);
  assert.ok(worstY >= 200, `the worst region starts at y ${worstY}, above the missing third block`);
  assert.equal(r.report.best, 1);
  assert.equal(r.report.stoppedBy, 'no-gain');
  assert.ok(r.report.gain.score > 0 && r.report.rounds[1]!.scores.ssim > r.report.rounds[0]!.scores.ssim);
  assert.ok(r.html.includes('Block 2 of page 7'));
});

test('a repair that renders further from the design is dropped: the first attempt stays', async () => {
  const r = await repair(() => ({ kind: 'answer', content: '```html\n<!doctype html><html><body style="margin:0;background:#d00"><h1>Sorry</h1></body></html>\n```' }));
  assert.equal(r.requests.length, 1);
  assert.equal(r.report.best, 0);
  assert.equal(r.report.stoppedBy, 'no-gain');
  assert.ok(r.report.rounds[1]!.scores.score < r.report.rounds[0]!.scores.score);
  assert.equal(r.best, r.first);
});

test('an answer that is no page, or a server that fails, ends the rounds with the first attempt kept', async () => {
  const prose = await repair(() => ({ kind: 'answer', content: 'The page looks fine to me.' }));
  assert.equal(prose.best, prose.first);
  assert.equal(prose.report.rounds.length, 1);
  const failing = await repair(() => ({ kind: 'status', status: 400 }));
  assert.equal(failing.best, failing.first);
  assert.equal(failing.report.stoppedBy, 'budget');
});

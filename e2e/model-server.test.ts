// The app with a model server, in web mode, as a person uses it: the openai backend chosen in
// the toolbar against a scripted OpenAI-compatible server (no model), checked for its models,
// given a key; a design converted with the segments moving in the job list; a second one
// cancelled while the model writes; and the version's origin saying which segments came from the
// model and which fell back and why. Each step leaves a screenshot in e2e/artifacts/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { startScriptedServer, type ScriptedReply, type ScriptedServer } from '../testing/openai/scripted-server.ts';
import { landing, openApp, root, until, type AppSession } from './harness.ts';

const artifacts = `${root}e2e/artifacts`;
const KEY = 'sk-e2e-7c41b9-only-in-memory';
let app: AppSession;
let page: Page;
let server: ScriptedServer;
const shot = (name: string) => page.screenshot({ path: `${artifacts}/${name}.png` });
const job = (n: number) => page.locator('.job').nth(n);
const statusOf = async (n: number) => job(n).getAttribute('data-status').catch(() => null);

/** What the server answers: each segment slowly enough to be seen writing; the second request with a script, so its segment falls back. */
let answering: 'segments' | 'hang' = 'segments';
const segmentAnswer = (index: number): ScriptedReply =>
  index === 1
    ? { kind: 'answer', latencyMs: 600, content: '```html\n<section class="x"><p>Hi</p><script>alert(1)</script></section>\n```' }
    : {
        kind: 'answer',
        latencyMs: 600,
        reasoning: `Segment ${index}: a block of text on a light background, laid out in a column.`,
        content: '```html\n<section class="part"><p>Ship reports your team will read</p></section>\n<style>.part { display: flex; flex-direction: column; height: 100%; }</style>\n```',
      };

test.before(async () => {
  await mkdir(artifacts, { recursive: true });
  server = await startScriptedServer((request) => (answering === 'hang' ? { kind: 'hang' } : segmentAnswer(request.index)), { models: ['scripted-vl', 'scripted-text'] });
  app = await openApp();
  page = app.page;
});
test.after(async () => {
  await app?.close();
  await server?.close();
});

test('the openai backend is set up in the toolbar: the server checked for its models, a model chosen from them, a key given (never stored)', async () => {
  await page.getByTestId('backend').selectOption('openai');
  const settings = page.getByTestId('model-server');
  await settings.waitFor();
  assert.deepEqual(await page.getByTestId('stack').locator('option').allInnerTexts(), ['html-css']);
  await page.getByTestId('server-url').fill('gpu-box:8000');
  await until('the address refused', async () => /http:\/\/host:port\/v1/.test(await page.getByTestId('server-status').innerText()));
  assert.equal(await page.getByTestId('server-check').isDisabled(), true);

  await page.getByTestId('server-url').fill(`${server.baseUrl}/`);
  await page.getByTestId('server-check').click();
  await until('the models it serves', async () => (await page.getByTestId('server-status').innerText()) === 'Serves 2 models: scripted-vl, scripted-text.');
  await page.getByTestId('server-models').selectOption('scripted-vl');
  assert.equal(await page.getByTestId('server-model').inputValue(), 'scripted-vl');

  await page.getByTestId('server-key').fill(KEY);
  await page.getByTestId('server-key-set').click();
  await until('the key held', async () => /held until this page is closed or reloaded/.test(await page.getByTestId('server-key-place').innerText()));
  assert.equal(await page.getByTestId('server-key').inputValue(), '', 'the field is cleared once the key is handed over');
  await page.getByTestId('strategy').selectOption('swarm');
  await page.getByTestId('thinking').selectOption('off');
  await page.getByTestId('concurrency').fill('2');
  await shot('m1-model-server-settings');

  const stored = await page.evaluate(() => JSON.stringify({ ...(globalThis as unknown as { localStorage: Record<string, string> }).localStorage }));
  assert.match(stored, /scripted-vl/);
  assert.doesNotMatch(stored, new RegExp(KEY), 'the key is not among the settings kept');
  assert.deepEqual(app.errors, []);
});

test('a conversion shows its segments moving (waiting, writing, from model, fell back and why), and the model\'s reasoning in its details', async () => {
  await page.getByTestId('file-input').setInputFiles(landing);
  await until('segments being written', async () => (await job(0).locator('.segment[data-state=writing]').count()) > 0, 180_000);
  assert.ok((await job(0).locator('.segment[data-state=waiting]').count()) > 0, 'others wait their turn');
  assert.match(await job(0).locator('.segment[data-state=writing] .segment-status').first().innerText(), /^writing [\d,]+ chars/);
  assert.match(await job(0).getByTestId('segments-summary').innerText(), /^\d+ of \d+ segments done/);
  await shot('m2-segments-writing');

  await until('the conversion', async () => (await statusOf(0)) === 'done', 300_000);
  // The finished job's segments fold away; its details open on a click, the reasoning folded within.
  await job(0).getByTestId('segments-summary').click();
  const states = await job(0).locator('.segment').evaluateAll((li) => li.map((l) => (l as unknown as { dataset: { state: string } }).dataset.state));
  assert.ok(states.every((s) => s === 'model' || s === 'perception'), states.join());
  assert.ok(states.includes('model') && states.includes('perception'), states.join());
  assert.match(await job(0).locator('.segment[data-state=perception] .segment-status').first().innerText(), /^fell back: it contains scripts/);
  assert.match(await job(0).locator('.segment[data-state=model] .segment-status').first().innerText(), /^from model$/);
  assert.ok(server.requests.every((r) => r.authorization === `Bearer ${KEY}`), 'the key given in the page is the one sent');
  assert.equal(server.requests[0]!.body.model, 'scripted-vl');

  const reasoning = job(0).getByTestId('job-reasoning');
  assert.equal(await reasoning.evaluate((d) => (d as unknown as { open: boolean }).open), false);
  await reasoning.locator('summary').click();
  assert.match(await reasoning.innerText(), /a block of text on a light background/);
  await shot('m3-segments-done');
});

test('a conversion can be cancelled while the model writes', async () => {
  answering = 'hang';
  await page.getByTestId('file-input').setInputFiles(landing);
  await until('the second job writing', async () => (await job(1).locator('.segment[data-state=writing]').count()) > 0, 180_000);
  await job(1).getByRole('button', { name: 'Cancel' }).click();
  await until('the cancelled job', async () => (await statusOf(1)) === 'cancelled', 60_000);
  assert.match(await job(1).locator('.error').innerText(), /cancelled/);
  await until('its requests closed', async () => server.inFlight === 0, 30_000);
  // The segments that were still to be asked wind down without bringing the job back.
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await statusOf(1), 'cancelled');
  await shot('m4-cancelled');
  answering = 'segments';
});

test("the version says which segments came from the model and which fell back and why, with the requests and tokens", async () => {
  const designs = page.locator('.history-design');
  assert.equal(await designs.count(), 1, 'the cancelled conversion left nothing in the history');
  const origin = designs.first().getByTestId('version-origin');
  assert.match(await origin.locator('summary').innerText(), /^model server · scripted-vl · \d+ of \d+ segments from the model · \d+ warnings?$/);
  await origin.locator('summary').click();
  const segments = await origin.getByTestId('origin-segments').locator('li').allInnerTexts();
  assert.ok(segments.some((s) => /: from the model$/.test(s)), segments.join('\n'));
  assert.ok(segments.some((s) => /: fell back to perception: it contains scripts$/.test(s)), segments.join('\n'));
  assert.match(await origin.getByTestId('origin-usage').innerText(), /^\d+ requests · [\d,]+ prompt \+ [\d,]+ completion tokens$/);
  await shot('m5-version-origin');
  assert.deepEqual(app.errors, []);
});

test('a reload asks for the key again; the server and model are kept', async () => {
  await page.reload();
  await page.getByTestId('model-server').waitFor();
  assert.equal(await page.getByTestId('server-model').inputValue(), 'scripted-vl');
  await until('the key asked for again', async () => /^No key/.test(await page.getByTestId('server-key-place').innerText()));
  assert.equal(await page.getByTestId('server-key-forget').count(), 0);
  await shot('m6-reloaded');
});

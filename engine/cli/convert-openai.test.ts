// `loupe convert --backend openai` as a user runs it: a real process against a real server on
// loopback, either `loupe serve --openai`'s server with a tiny random model (whose answer is not
// code, so the fallback is reported) or the scripted chat server (whose answers are).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderPool } from '../render/pool.ts';
import { EngineClient } from '../moe/runtime/engine-client.ts';
import { startOpenAiServer, type OpenAiServer } from '../transport/openai-server.ts';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { startScriptedServer } from '../../testing/openai/scripted-server.ts';
import { loupe } from '../../testing/run-loupe.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-openai-'));
const design = join(dir, 'design.png');
let engine: EngineClient;
let local: OpenAiServer;

before(async () => {
  const pool = new RenderPool(1);
  const html = `<html><body style="margin:0;background:#fff;font-family:'DejaVu Sans'">
    <header style="padding:16px 32px;background:#123;color:#fff;font-size:20px">Harbour Café</header>
    <section style="padding:24px 32px"><h2 style="margin:0 0 8px;font-size:26px;color:#111">Fresh bread every morning</h2>
    <p style="margin:0;font-size:15px;color:#555">Open from seven, on the quay.</p></section></body></html>`;
  await writeFile(design, (await pool.screenshot(html, { width: 640, height: 200 }, { fullPage: false })).png);
  await pool.close();
  const model = join(dir, 'model');
  await createTestModel(model, { size: 'tiny' });
  engine = await EngineClient.open(model);
  local = await startOpenAiServer({ engine, modelId: 'tiny' });
});

after(async () => {
  await local?.close();
  await engine?.close();
});

test("--backend openai against `loupe serve --openai`'s server (random weights): the answer is not code, so perception's code is used and the CLI says why", async () => {
  const out = join(dir, 'local');
  const { code, stdout, stderr } = await loupe('convert', design, '--out', out, '--backend', 'openai', '--base-url', local.baseUrl, '--model', 'tiny', '--strategy', 'direct', '--json');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.modelServer.model, 'tiny');
  assert.equal(result.modelServer.requests, 1);
  assert.ok(result.modelServer.completionTokens > 0, 'the engine wrote tokens');
  assert.deepEqual(result.modelServer.segments.map((s: { from: string }) => s.from), ['perception']);
  assert.match(stderr, /warning: page: perception's code is used/);
  assert.match(await readFile(join(out, 'index.html'), 'utf8'), /Harbour/);
});

test('--backend openai --strategy swarm with a key: segments from the model in the page, and the key in no file, output or error', async () => {
  const key = 'sk-loupe-test-7f3a9c1e5b';
  const server = await startScriptedServer((request) =>
    /Harbour/.test(request.text) ? { kind: 'answer', content: '```html\n<style>.bar{padding:16px 32px;background:#123;color:#fff}</style>\n<nav class="bar" data-answer="header">Harbour Café</nav>\n```' } : { kind: 'status', status: 503 },
  );
  process.env.LOUPE_API_KEY = key;
  try {
    const out = join(dir, 'swarm');
    const run = await loupe('convert', design, '--out', out, '--backend', 'openai', '--base-url', server.baseUrl, '--model', 'scripted', '--strategy', 'swarm', '--timeout', '1', '--json');
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    const from = result.modelServer.segments.map((s: { from: string }) => s.from);
    assert.ok(from.includes('model') && from.includes('perception'), JSON.stringify(result.modelServer.segments));
    assert.ok(server.requests.every((r) => r.authorization === `Bearer ${key}`), 'the key went to the server');
    const html = await readFile(join(out, 'index.html'), 'utf8');
    assert.match(html, /data-answer="header"/);
    const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
    assert.ok(files.length > 5);
    for (const f of files) assert.ok(!(await readFile(join(f.parentPath, f.name))).includes(key), `${f.name} holds no key`);
    assert.ok(!run.stdout.includes(key) && !run.stderr.includes(key));
    // A server that refuses the key: the error says so, without the key.
    const refusing = await startScriptedServer(() => ({ kind: 'status', status: 401, body: JSON.stringify({ error: { message: `bad key ${key}` } }) }));
    const refused = await loupe('convert', design, '--out', join(dir, 'refused'), '--backend', 'openai', '--base-url', refusing.baseUrl, '--model', 'scripted', '--strategy', 'direct');
    await refusing.close();
    assert.equal(refused.code, 0, 'a refused request falls back; the conversion still ends');
    assert.match(refused.stderr, /refused the key|LOUPE_API_KEY/);
    assert.ok(!refused.stderr.includes(key) && !refused.stdout.includes(key));
  } finally {
    delete process.env.LOUPE_API_KEY;
    await server.close();
  }
});

test('--backend openai refuses what it cannot do before any request', async () => {
  const refuse = async (...args: string[]) => (await loupe('convert', design, '--out', join(dir, 'x'), ...args)).stderr;
  assert.match(await refuse('--backend', 'openai', '--model', 'm'), /--base-url/);
  assert.match(await refuse('--backend', 'openai', '--base-url', 'http://127.0.0.1:9/v1'), /--model/);
  assert.match(await refuse('--backend', 'openai', '--base-url', 'ftp://x', '--model', 'm'), /http:\/\/host:port\/v1/);
  assert.match(await refuse('--backend', 'openai', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--stack', 'react-tailwind'), /html-css only \(not react-tailwind\)\. Use --stack html-css with --backend openai\./);
});

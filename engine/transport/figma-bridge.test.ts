// The Figma bridge as the plugin meets it: real HTTP on loopback, real pairing, real conversion.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import type { DesignSummary, FigmaBridgeState, FigmaFrameResult } from '../api/contract.ts';
import { RenderPool } from '../render/pool.ts';
import { startServer, type EngineServer } from './http.ts';
import { FIGMA_DATA } from '../../testing/data.ts';

const pool = new RenderPool(1);
let server: EngineServer;
let bridge: string;
const frameJson = JSON.parse(await readFile(join(FIGMA_DATA, 'grida-vector-frame.response.json'), 'utf8')) as { nodes: Record<string, { document: unknown }> };
const framePng = (await readFile(join(FIGMA_DATA, 'grida-vector-frame.png'))).toString('base64');
// What the plugin's exportAsync({ format: 'JSON_REST_V1' }) gives: the node response's entry.
const exported = Object.values(frameJson.nodes)[0]!;

test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-bridge-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Loupe</title>');
  server = await startServer({ pool, appDir: dir, historyPath: join(dir, 'history.sqlite'), exportsRoot: dir, figmaBridge: { port: 0, maxBodyBytes: 2 * 1024 * 1024 } });
  bridge = server.figmaBridge!.url;
});
test.after(async () => {
  await server.close();
  await pool.close();
});

const api = async <T>(method: string): Promise<T> =>
  (await (await fetch(new URL(`api/${method}`, server.url), { method: 'POST', headers: { ...server.appHeaders, 'content-type': 'application/json' }, body: '{}' })).json()) as T;

const send = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(path, bridge), { method: 'POST', headers: { 'content-type': 'application/json', origin: 'null', ...headers }, body: JSON.stringify(body) });

const corsHeaders = (r: Response) => [...r.headers.keys()].filter((k) => k.startsWith('access-control-')).sort();

async function pair(): Promise<string> {
  const { code } = await api<FigmaBridgeState>('figmaNewCode');
  const response = await send('figma/pair', { code });
  assert.equal(response.status, 200);
  return ((await response.json()) as { token: string }).token;
}

/** A code of the right form that is not `code`. */
const wrongFor = (code: string) => (code.startsWith('2') ? '3' : '2') + code.slice(1);

test('the app shows the bridge: its address and a 10-character code; a new code replaces the old', async () => {
  const state = await api<FigmaBridgeState>('figmaBridge');
  assert.equal(state.url, bridge);
  assert.match(state.code, /^[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}$/);
  assert.ok(state.expiresAt > Date.now());
  const next = await api<FigmaBridgeState>('figmaNewCode');
  assert.ok(next.code !== state.code || next.expiresAt >= state.expiresAt);
});

test('pairing with a wrong code is refused; the right one gives a token once', async () => {
  const { code } = await api<FigmaBridgeState>('figmaBridge');
  const refused = await send('figma/pair', { code: wrongFor(code) });
  assert.equal(refused.status, 403);
  assert.match(((await refused.json()) as { message: string }).message, /Wrong or expired pairing code/);
  assert.equal((await send('figma/pair', { code: 'abc' })).status, 400);
  // As pasted: case, spaces and dashes do not matter.
  const paired = await send('figma/pair', { code: ` ${code.toLowerCase().replace('-', ' ')} ` });
  assert.equal(paired.status, 200);
  assert.equal(paired.headers.get('access-control-allow-origin'), 'null');
  assert.equal((await send('figma/pair', { code })).status, 403, 'a code pairs once');
});

test('a page guessing codes in its sandboxed frame (origin null, as the plugin) cannot lock the real plugin out', async () => {
  const { code } = await api<FigmaBridgeState>('figmaNewCode');
  const guesses = await Promise.all(Array.from({ length: 300 }, () => send('figma/pair', { code: wrongFor(code) }).then((r) => r.status)));
  assert.deepEqual(new Set(guesses), new Set([403]));
  const local = await fetch(new URL('figma/pair', bridge), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: wrongFor(code) }) });
  assert.equal(local.status, 403, 'a local process without an Origin');
  const plugin = await send('figma/pair', { code });
  assert.equal(plugin.status, 200);
  assert.ok(((await plugin.json()) as { token: string }).token);
});

test('an unpaired frame is refused before its body is read', async () => {
  const none = await send('figma/frames', { name: 'x', document: exported, png: framePng });
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as { code: string }).code, 'NOT_PAIRED');
  const forged = await send('figma/frames', { name: 'x', document: exported, png: framePng }, { authorization: 'Bearer not-a-token' });
  assert.equal(forged.status, 401);
  const status = await fetch(new URL('figma/status', bridge), { headers: { origin: 'null', authorization: 'Bearer not-a-token' } });
  assert.deepEqual(await status.json(), { paired: false });
});

test('CORS: a preflight from origin null gets exactly the allowed headers; another origin gets none', async () => {
  const preflight = (origin: string, extra: Record<string, string> = {}) =>
    fetch(new URL('figma/frames', bridge), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type', ...extra },
    });
  const ok = await preflight('null');
  assert.equal(ok.status, 204);
  assert.deepEqual(corsHeaders(ok), ['access-control-allow-headers', 'access-control-allow-methods', 'access-control-allow-origin', 'access-control-max-age']);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'null');
  assert.equal(ok.headers.get('access-control-allow-methods'), 'GET, POST');
  assert.equal(ok.headers.get('access-control-allow-headers'), 'authorization, content-type');
  for (const origin of ['https://www.figma.com', 'http://127.0.0.1:4173']) {
    const other = await preflight(origin);
    assert.equal(other.status, 403);
    assert.deepEqual(corsHeaders(other), [], origin);
  }
  // Private-network access (a page on the internet reaching this machine): the plugin's origin only.
  const privateNetwork = { 'access-control-request-private-network': 'true' };
  assert.equal((await preflight('null', privateNetwork)).headers.get('access-control-allow-private-network'), 'true');
  for (const origin of ['https://evil.example', 'https://www.figma.com']) {
    const other = await preflight(origin, privateNetwork);
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('access-control-allow-private-network'), null, origin);
  }
  // The app's own API stays without CORS, even for the plugin's origin.
  const app = await fetch(new URL('api/history', server.url), { method: 'OPTIONS', headers: { origin: 'null' } });
  assert.deepEqual(corsHeaders(app), []);
});

test('a request under another Host is refused (DNS rebinding)', async () => {
  // fetch cannot set Host; node:http can.
  const status = await new Promise<number | undefined>((resolve, reject) =>
    httpRequest(new URL('figma/status', bridge), { headers: { host: 'evil.example' } }, (res) => resolve(res.resume().statusCode)).on('error', reject).end(),
  );
  assert.equal(status, 403);
});

test('an oversized frame is refused with 413', async () => {
  const token = await pair();
  const big = { name: 'big', document: exported, png: Buffer.alloc(3 * 1024 * 1024).toString('base64') };
  const response = await send('figma/frames', big, { authorization: `Bearer ${token}` });
  assert.equal(response.status, 413);
  assert.equal(((await response.json()) as { code: string }).code, 'INPUT_TOO_LARGE');
});

test('a malformed frame is refused with what is wrong', async () => {
  const token = await pair();
  const auth = { authorization: `Bearer ${token}` };
  const noPng = await send('figma/frames', { name: 'x', document: exported }, auth);
  assert.equal(noPng.status, 400);
  assert.match(((await noPng.json()) as { message: string }).message, /png/);
  const notFigma = await send('figma/frames', { name: 'x', document: { hello: 1 }, png: framePng }, auth);
  assert.equal(notFigma.status, 400);
  assert.match(((await notFigma.json()) as { message: string }).message, /not a Figma document/);
  let deep: unknown = { id: '0:1', name: 'Leaf', type: 'RECTANGLE' };
  for (let i = 0; i < 1_000; i++) deep = { id: `1:${i}`, name: 'Level', type: 'FRAME', children: [deep] };
  const tooDeep = await send('figma/frames', { name: 'deep', document: deep, png: framePng }, auth);
  assert.equal(tooDeep.status, 413);
  assert.match(((await tooDeep.json()) as { message: string }).message, /deep nests layers over 100 deep/);
});

test('a paired frame is converted, answered with its scores, and lands in the history', async () => {
  const token = await pair();
  const queued: string[] = [];
  const stop = server.jobs.subscribe((e) => e.type === 'queued' && queued.push(e.name));
  const response = await send('figma/frames', { name: 'Vector frame', document: exported, png: framePng }, { authorization: `Bearer ${token}` });
  stop();
  const body = (await response.json()) as FigmaFrameResult;
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.equal(response.headers.get('access-control-allow-origin'), 'null');
  assert.deepEqual(queued, ['Vector frame'], 'queued on the app\'s job queue');
  assert.ok(body.scores.ssim > 0.8, `ssim ${body.scores.ssim}`);
  const history = await api<DesignSummary[]>('history');
  const design = history.find((d) => d.designId === body.designId);
  assert.ok(design, 'in the history');
  assert.equal(design.name, 'Vector frame');
  assert.equal(design.versions[0]!.versionId, body.versionId);
  const status = await fetch(new URL('figma/status', bridge), { headers: { origin: 'null', authorization: `Bearer ${token}` } });
  assert.deepEqual(await status.json(), { paired: true });
});

test('too many frames from one paired plugin get 429 with a Retry-After; another plugin is not held back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-bridge-rate-'));
  const limited = await startServer({ pool, appDir: dir, historyPath: join(dir, 'history.sqlite'), exportsRoot: dir, figmaBridge: { port: 0, rate: { limit: 3, windowMs: 60_000 } } });
  const limitedApi = async () => (await (await fetch(new URL('api/figmaNewCode', limited.url), { method: 'POST', headers: { ...limited.appHeaders, 'content-type': 'application/json' }, body: '{}' })).json()) as FigmaBridgeState;
  const pairThere = async () => {
    const response = await fetch(new URL('figma/pair', limited.figmaBridge!.url), { method: 'POST', headers: { 'content-type': 'application/json', origin: 'null' }, body: JSON.stringify({ code: (await limitedApi()).code }) });
    return ((await response.json()) as { token: string }).token;
  };
  // A frame that is refused at once (malformed) still counts: the limit is on what a plugin sends.
  const frame = (token: string) => fetch(new URL('figma/frames', limited.figmaBridge!.url), { method: 'POST', headers: { 'content-type': 'application/json', origin: 'null', authorization: `Bearer ${token}` }, body: '{}' });
  try {
    const runaway = await pairThere();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await frame(runaway)).status);
    assert.deepEqual(statuses, [400, 400, 400, 429, 429]);
    const last = await frame(runaway);
    assert.ok(Number(last.headers.get('retry-after')) >= 1);
    assert.equal(last.headers.get('access-control-allow-origin'), 'null', 'the plugin can read why');
    assert.equal((await frame(await pairThere())).status, 400, 'another paired plugin still gets through');
    assert.equal((await fetch(new URL('figma/status', limited.figmaBridge!.url), { headers: { origin: 'null' } })).status, 200);
  } finally {
    await limited.close();
  }
});

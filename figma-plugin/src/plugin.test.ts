// The plugin's testable half against the real bridge on loopback; the Figma API itself (code.ts)
// runs only inside Figma and is not exercised here.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FigmaBridgeState } from '../../engine/api/contract.ts';
import { RenderPool } from '../../engine/render/pool.ts';
import { startServer, type EngineServer } from '../../engine/transport/http.ts';
import { BridgeClient, BridgeError, toBase64 } from './bridge-client.ts';
import { boundVariableIds, isMainToUi } from './messages.ts';
import { FIGMA_DATA } from '../../testing/data.ts';

const pool = new RenderPool(1);
let server: EngineServer;
const response = JSON.parse(await readFile(join(FIGMA_DATA, 'grida-vector-frame.response.json'), 'utf8')) as { nodes: Record<string, { document: Record<string, unknown> }> };
const frame = { name: 'Vector frame', document: Object.values(response.nodes)[0]!, png: new Uint8Array(await readFile(join(FIGMA_DATA, 'grida-vector-frame.png'))), variables: {} };
// The plugin's iframe has an opaque origin; its browser sends `Origin: null`.
const fromIframe: typeof fetch = (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), origin: 'null' } });

test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-plugin-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  server = await startServer({ pool, appDir: dir, historyPath: join(dir, 'history.sqlite'), exportsRoot: dir, figmaBridge: { port: 0 } });
});
test.after(async () => {
  await server.close();
  await pool.close();
});

const appState = async (method: 'figmaBridge' | 'figmaNewCode') =>
  (await (await fetch(new URL(`api/${method}`, server.url), { method: 'POST', headers: { ...server.appHeaders, 'content-type': 'application/json' }, body: '{}' })).json()) as FigmaBridgeState;

test('the plugin builds to code.js and a ui.html with its script inlined', async () => {
  const build = spawnSync(process.execPath, ['scripts/build-plugin.mjs'], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const html = await readFile('figma-plugin/dist/ui.html', 'utf8');
  assert.doesNotMatch(html, /<script[^>]+src=/, 'no external script: Figma loads one file');
  assert.match(html, /figma\/frames/);
  assert.match(await readFile('figma-plugin/dist/code.js', 'utf8'), /exportAsync/);
  const manifest = JSON.parse(await readFile('figma-plugin/manifest.json', 'utf8')) as { main: string; ui: string; networkAccess: { devAllowedDomains: string[] } };
  assert.deepEqual([manifest.main, manifest.ui], ['dist/code.js', 'dist/ui.html']);
  assert.deepEqual(manifest.networkAccess.devAllowedDomains, ['http://localhost:4174']);
});

test('the UI accepts only well-formed messages from the main code', () => {
  assert.ok(isMainToUi({ type: 'selection', names: ['A'] }));
  assert.ok(isMainToUi({ type: 'frame', frame }));
  assert.ok(!isMainToUi({ type: 'frame', frame: { ...frame, png: 'x' } }));
  assert.ok(!isMainToUi({ type: 'selection', names: [1] }));
  assert.ok(!isMainToUi({ type: 'eval', code: '1' }));
  assert.ok(!isMainToUi(null));
});

test('the variables a frame is bound to are found wherever the export names them', () => {
  const alias = (id: string) => ({ type: 'VARIABLE_ALIAS', id });
  const doc = { fills: [{ type: 'SOLID', boundVariables: { color: alias('V:1') } }], children: [{ boundVariables: { itemSpacing: alias('V:2'), fills: [alias('V:1')] } }] };
  assert.deepEqual(boundVariableIds(doc), ['V:1', 'V:2']);
  assert.deepEqual(boundVariableIds(frame.document), []);
  assert.ok(!isMainToUi({ type: 'frame', frame: { ...frame, variables: undefined } }));
});

test('base64 of a large PNG matches Node\'s', () => {
  const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 256);
  assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
});

test('no Loupe running: status says unreachable and sending says what to do', async () => {
  const client = new BridgeClient('http://127.0.0.1:9/', 'token', fromIframe);
  assert.deepEqual(await client.status(), { reachable: false, paired: false });
  await assert.rejects(client.send(frame), (e: BridgeError) => e.code === 'UNREACHABLE' && /Open the Loupe app/.test(e.message));
});

test('the client pairs with the app\'s code and its frame is converted into the history', async () => {
  const client = new BridgeClient(server.figmaBridge!.url, undefined, fromIframe);
  assert.deepEqual(await client.status(), { reachable: true, paired: false });
  await assert.rejects(client.send(frame), (e: BridgeError) => e.code === 'NOT_PAIRED');
  await assert.rejects(client.pair('22222-22222' === (await appState('figmaBridge')).code ? '33333-33333' : '22222-22222'), (e: BridgeError) => e.code === 'NOT_PAIRED');
  await client.pair((await appState('figmaNewCode')).code);
  assert.deepEqual(await client.status(), { reachable: true, paired: true });
  const result = await client.send(frame);
  assert.ok(result.scores.ssim > 0.8);
  assert.equal((await appState('figmaBridge')).paired, 1);
  // A colour bound to a variable: its name, read in Figma, comes with the frame.
  const doc = structuredClone(frame.document) as { document: { fills: Array<Record<string, unknown>> } };
  doc.document.fills = [{ type: 'SOLID', blendMode: 'NORMAL', color: { r: 0.2, g: 0.3, b: 1, a: 1 }, boundVariables: { color: { type: 'VARIABLE_ALIAS', id: 'V:1' } } }];
  const unnamed = await client.send({ ...frame, document: doc });
  assert.match(unnamed.warnings.join('\n'), /bound to Figma variables whose names are not in the input/);
  const named = await client.send({ ...frame, document: doc, variables: { 'V:1': { id: 'V:1', name: 'Brand/Primary', resolvedType: 'COLOR' } } });
  assert.doesNotMatch(named.warnings.join('\n'), /bound to Figma variables/);
  const forgotten = new BridgeClient(server.figmaBridge!.url, 'stale-token', fromIframe);
  await assert.rejects(forgotten.send(frame), (e: BridgeError) => e.code === 'NOT_PAIRED');
  assert.equal(forgotten.paired, false, 'a refused token is dropped, so the UI asks to pair again');
});

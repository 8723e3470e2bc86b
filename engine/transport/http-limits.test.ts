// Web mode's API at its limits (real HTTP on loopback, real Chromium): edited code that never
// settles, or that navigates away from itself, gets a message saying what the code did, and the
// engine goes on answering, the next render included; a full job queue refuses the next job;
// uploads wait their turn on disk, not in memory.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DesignSummary } from '../api/contract.ts';
import { HistoryStore } from '../history/store.ts';
import { closePerception } from '../perceive/index.ts';
import { QUEUE_CAP } from '../service/jobs.ts';
import { uploadsDir } from '../service/upload-spool.ts';
import { RenderPool } from '../render/pool.ts';
import { startServer, type EngineServer } from './http.ts';
import { postApi } from '../../testing/service/api-calls.ts';

const RENDER_S = 2;
const pool = new RenderPool(1, { renderS: RENDER_S });
let server: EngineServer;
let versionId: string;
let png: Buffer;
let dataDir: string;

const looping = '<p>Hello</p><script>addEventListener("load", () => setTimeout(() => { for (;;) {} }, 0))</script>';
const navigating = '<p>Hello</p><script>location.href = "http://127.0.0.1:9/"</script>';
const plain = '<p style="margin:20px;font:20px sans-serif">Hello</p>';

test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-render-limits-'));
  dataDir = dir;
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Loupe</title>');
  const historyPath = join(dir, 'history.sqlite');
  png = await sharp({ create: { width: 200, height: 120, channels: 3, background: '#ffffff' } }).png().toBuffer();
  const history = new HistoryStore(historyPath);
  ({ versionId } = history.addDesign(
    { name: 'small.png', width: 200, height: 120, png, textBlocks: [] },
    {
      kind: 'generated', stack: 'html-css', mode: 'fast', entry: 'index.html', files: [{ path: 'index.html', contents: plain }],
      render: png, diff: png, scores: {}, checks: {}, timings: {}, origin: { backend: 'perception', fellBack: false, warnings: [] },
    },
  ));
  history.close();
  server = await startServer({ pool, appDir: dir, historyPath, exportsRoot: dir, figmaBridge: { port: 0 } });
});
test.after(async () => {
  await server.close();
  await pool.close();
  await closePerception();
});

const post = (method: string, body: unknown) => postApi(server, method, body);
const scoreEdit = (contents: string) => post('edit', { versionId, files: [{ path: 'index.html', contents }], score: true });

test('scoring code that loops for ever answers that it did not finish rendering, and the engine goes on', { timeout: 60_000 }, async () => {
  // Two at once on a one-page pool: the second waits for the first, and both end.
  const answers = await Promise.all([scoreEdit(looping), scoreEdit(looping)]);
  for (const { status, json } of answers) {
    assert.equal(status, 400, JSON.stringify(json));
    assert.equal(json.code, 'RENDER_TIMEOUT');
    assert.match(String(json.message), new RegExp(`did not finish rendering in ${RENDER_S} s`));
  }
  const next = await scoreEdit(plain);
  assert.equal(next.status, 200, JSON.stringify(next.json));
  assert.ok(next.json.scored);
});

test('scoring code that navigates away from itself says so', async () => {
  const { status, json } = await scoreEdit(navigating);
  assert.equal(status, 400, JSON.stringify(json));
  assert.equal(json.code, 'RENDER_NAVIGATED');
  assert.match(String(json.message), /navigated away from itself/);
});

test('saving such code is refused and adds no version', { timeout: 60_000 }, async () => {
  const saved = await post('save', { versionId, files: [{ path: 'index.html', contents: looping }] });
  assert.equal(saved.status, 400, JSON.stringify(saved.json));
  assert.equal(saved.json.code, 'RENDER_TIMEOUT');
  const history = (await post('history', {})).json as unknown as DesignSummary[];
  assert.equal(history[0]!.versions.length, 1);
});

test('a full job queue answers 429 with what to do; cancelled, every queued job ends', { timeout: 60_000 }, async () => {
  const convert = () => post('convert', { name: 'small.png', data: png.toString('base64'), stack: 'html-css' });
  // One running, QUEUE_CAP waiting (asked one at a time: the first must have started).
  const running = await convert();
  assert.equal(running.status, 200, JSON.stringify(running.json));
  const jobIds = [running.json.jobId as string];
  for (let i = 0; i < QUEUE_CAP; i++) jobIds.push((await convert()).json.jobId as string);
  assert.ok(jobIds.every((id) => typeof id === 'string'), 'every job up to the cap is queued');
  const refused = await convert();
  assert.equal(refused.status, 429, JSON.stringify(refused.json));
  assert.equal(refused.json.code, 'QUEUE_FULL');
  assert.match(String(refused.json.message), new RegExp(`${QUEUE_CAP} jobs are already waiting`));
  for (const jobId of jobIds) assert.equal((await post('cancel', { jobId })).status, 200);
  await server.jobs.idle();
});

/** Every upload this server has spooled and not yet removed, by its bytes (base64). */
async function spooled(): Promise<Set<string>> {
  const root = uploadsDir(dataDir);
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
  // An upload removed between the listing and its reading is gone, as the server meant.
  const read = (path: string) => readFile(path).then((bytes) => bytes.toString('base64'), (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  const contents = await Promise.all(files.map((f) => read(join(f.parentPath, f.name))));
  return new Set(contents.filter((c) => c !== undefined));
}

const until = async (holds: () => Promise<boolean>) => {
  while (!(await holds())) await new Promise((r) => setTimeout(r, 20));
};

test('uploads wait their turn on disk in the data folder, byte for byte, and are removed when cancelled or when their job ends', { timeout: 60_000 }, async () => {
  // Four designs told apart by their colour: the first runs, three wait behind it.
  const designs = await Promise.all(['#ffffff', '#ff0000', '#00ff00', '#0000ff'].map(async (background) => (await sharp({ create: { width: 200, height: 120, channels: 3, background } }).png().toBuffer()).toString('base64')));
  const jobIds: string[] = [];
  for (const data of designs) {
    const queued = await post('convert', { name: 'small.png', data, stack: 'html-css' });
    assert.equal(queued.status, 200, JSON.stringify(queued.json));
    jobIds.push(queued.json.jobId as string);
  }
  const waiting = designs.slice(1);
  const onDisk = await spooled();
  for (const data of waiting) assert.ok(onDisk.has(data), 'a waiting upload is on disk');

  // Cancelled before its turn: its bytes go at once, not when its turn would have come.
  assert.equal((await post('cancel', { jobId: jobIds[2] })).status, 200);
  await until(async () => !(await spooled()).has(designs[2]!));
  assert.ok((await spooled()).has(designs[3]!), 'the other waiting upload stays');

  await server.jobs.idle();
  assert.deepEqual([...(await spooled())], [], 'every job ended, every upload removed');
});

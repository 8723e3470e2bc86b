// Web mode's API as the app uses it: real HTTP on loopback, real conversions, real Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { request as httpRequest } from 'node:http';
import type { DesignSummary, EditResult, ExportResult, JobEvent, VersionView, VideoDetectionView } from '../api/contract.ts';
import sharp from 'sharp';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { RenderPool } from '../render/pool.ts';
import { launchBrowser } from '../render/browser.ts';
import { closePerception } from '../perceive/index.ts';
import { startServer, type EngineServer } from './http.ts';
import { writeWalkthrough } from '../../testing/service/app-walkthrough.ts';
import { jobEvents } from '../../testing/service/api-calls.ts';
import { readdir } from 'node:fs/promises';
import { FIGMA_DATA } from '../../testing/data.ts';
import { watchWorkers } from '../../testing/worker-watch.ts';

const pool = new RenderPool(1);
// From the start: the server keeps some workers (the video detector's) once started.
const workers = watchWorkers();
let server: EngineServer;
let appDir: string;
let historyPath: string;
let events: JobEvent[] = [];
let stopEvents: AbortController;
let modelDir: string;
// Few tokens: the tiny model's random weights never write usable code, however long it goes on.
const serve = () => startServer({ pool, appDir, historyPath, exportsRoot: tmpdir(), localModel: { maxTokens: 32 } });
const landing = (await readFile(new URL('../../examples/landing.png', import.meta.url))).toString('base64');
const figmaFrame = (await readFile(join(FIGMA_DATA, 'grida-vector-frame.response.json'))).toString('base64');

test.before(async () => {
  appDir = await mkdtemp(join(tmpdir(), 'loupe-app-'));
  historyPath = join(appDir, 'data', 'history.sqlite');
  await writeFile(join(appDir, 'index.html'), '<!doctype html><title>Loupe</title>');
  modelDir = join(appDir, 'model');
  await createTestModel(modelDir, { size: 'tiny' });
  server = await serve();
  stopEvents = new AbortController();
  const response = await fetch(new URL('api/events', server.url), { headers: server.appHeaders, signal: stopEvents.signal });
  void (async () => {
    try {
      for await (const event of jobEvents(response)) events.push(event);
    } catch {
      // aborted at the end of the tests
    }
  })();
});
test.after(async () => {
  workers.stop();
  stopEvents.abort();
  await server.close();
  await pool.close();
  await closePerception();
});

const post = async (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
  const response = await fetch(new URL(path, server.url), { method: 'POST', headers: { ...server.appHeaders, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};
/** A GET as the app's pages send it (with the launch's key). */
const get = (path: string) => fetch(new URL(path, server.url), { headers: server.appHeaders });

/** Waits until `reached()` holds for a job still running; a job that ends first fails the test with its end. */
async function jobReaches(jobId: string, reached: () => boolean): Promise<void> {
  while (!reached()) {
    const end = events.find((e) => e.jobId === jobId && e.type !== 'queued' && e.type !== 'progress');
    if (end) assert.fail(`the job ended first: ${JSON.stringify(end).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function ended(jobId: string): Promise<JobEvent> {
  await server.jobs.idle();
  // The last event may still be in flight on the stream.
  for (let i = 0; i < 100; i++) {
    const end = events.find((e) => e.jobId === jobId && e.type !== 'queued' && e.type !== 'progress');
    if (end) return end;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no end event for ${jobId}`);
}

let converted: VersionView;

test('a design posted to the API is converted; its progress and result arrive as events', async () => {
  const { status, json } = await post('api/convert', { name: 'landing.png', data: landing, stack: 'html-css' });
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(json), ['jobId'], 'no model folder, nothing said of one');
  const jobId = json.jobId as string;
  const end = await ended(jobId);
  assert.equal(end.type, 'done', JSON.stringify(end));
  converted = (end as Extract<JobEvent, { type: 'done' }>).result;
  const mine = events.filter((e) => e.jobId === jobId);
  assert.equal(mine[0]!.type, 'queued');
  const stages = new Set(mine.flatMap((e) => (e.type === 'progress' ? [e.stage] : [])));
  for (const s of ['perceive', 'generate', 'render', 'compare']) assert.ok(stages.has(s), `progress of ${s}`);
  assert.equal(converted.entry, 'index.html');
  assert.deepEqual(converted.origin, { backend: 'perception', fellBack: false, warnings: [] });
  assert.match(converted.files.find((f) => f.path === 'index.html')!.contents, /Ship reports/);
  assert.ok(converted.scores.text > 0.8);

  const preview = await get(converted.preview);
  assert.equal(preview.status, 200);
  // Generated code is served in its own sandbox with nothing to fetch.
  assert.match(preview.headers.get('content-security-policy')!, /sandbox allow-scripts; default-src 'none'.*; frame-ancestors 'self'$/);
  assert.match(await preview.text(), /Ship reports/);
  const design = await get(converted.design.url);
  assert.equal(design.headers.get('content-type'), 'image/png');
  assert.equal(converted.design.width, 1280);
});

test('in a browser a preview shows only in a frame of the app: opened as a page of its own it is refused', async () => {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.openUrl);
    await page.evaluate(`new Promise((loaded) => document.body.append(Object.assign(document.createElement('iframe'), { src: ${JSON.stringify(converted.preview)}, onload: loaded })))`);
    const frame = page.frames().find((f) => f.url().endsWith(converted.preview))!;
    assert.match(await frame.content(), /Ship reports/);
    const alone = await context.newPage();
    const answer = await alone.goto(new URL(converted.preview, server.url).href);
    assert.equal(answer!.status(), 403);
    assert.doesNotMatch(await alone.content(), /Ship reports/);
  } finally {
    await browser.close();
  }
});

test('an edit re-previews the code; scoring it shows what the edit did to the match', async () => {
  const html = converted.files.find((f) => f.path === 'index.html')!.contents;
  const edited = html.replace(/Ship reports your team will read/, 'Completely different words here');
  assert.notEqual(edited, html);
  const { status, json } = await post('api/edit', { versionId: converted.versionId, files: [{ path: 'index.html', contents: edited }], score: true });
  assert.equal(status, 200, JSON.stringify(json));
  const result = json as unknown as EditResult;
  assert.match(await (await get(result.preview)).text(), /Completely different words here/);
  // The heading no longer matches any text of the design: Block-Match counts it as unmatched.
  const before = converted.scores, after = result.scored!.scores;
  assert.ok(after.block < before.block, `block ${after.block} < ${before.block}`);

  const unknown = await post('api/edit', { versionId: converted.versionId, files: [{ path: '../../etc/passwd', contents: 'x' }] });
  assert.equal(unknown.status, 400);
  assert.match(String(unknown.json.message), /no file/);
});

test('malformed requests are refused with a message naming the fault', async () => {
  const notJson = await post('api/convert', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(notJson.status, 400);
  assert.match(String(notJson.json.message), /JSON/);
  const broken = await post('api/convert', '{"name": ', { 'content-type': 'application/json' });
  assert.equal(broken.status, 400);
  const missing = await post('api/convert', { name: 'x.png', stack: 'cobol' });
  assert.equal(missing.status, 400);
  assert.match(String(missing.json.message), /data/);
  assert.match(String(missing.json.message), /stack/);
  const noJob = await post('api/cancel', { jobId: 'nope' });
  assert.equal(noJob.status, 400);
  // Only the contract's methods are served, not the properties every object has.
  assert.equal((await post('api/toString', {})).status, 404);
  // A method that takes nothing reads nothing of the body.
  assert.equal((await post('api/history', null)).status, 200);
});

test('a corrupt design fails its job with a clear message; a cancelled one never runs', async () => {
  const corrupt = await post('api/convert', { name: 'broken.png', data: Buffer.from('not a png at all').toString('base64'), stack: 'html-css' });
  const first = await post('api/convert', { name: 'landing.png', data: landing, stack: 'html-tailwind' });
  const second = await post('api/convert', { name: 'again.png', data: landing, stack: 'html-css' });
  await post('api/cancel', { jobId: second.json.jobId });
  const [c, f, s] = await Promise.all([ended(String(corrupt.json.jobId)), ended(String(first.json.jobId)), ended(String(second.json.jobId))]);
  assert.equal(c.type, 'failed');
  assert.match((c as Extract<JobEvent, { type: 'failed' }>).message, /broken\.png/);
  assert.equal(f.type, 'done');
  assert.deepEqual([s.type, (s as Extract<JobEvent, { type: 'failed' }>).code], ['failed', 'CANCELLED']);
  assert.ok(!events.some((e) => e.jobId === second.json.jobId && e.type === 'progress'), 'the cancelled job did no work');
});

test('a Figma JSON file is converted from its exact values and kept in the history; converted again, from the same values', async () => {
  const { status, json } = await post('api/convert', { name: 'grida-vector-frame.json', data: figmaFrame, stack: 'html-css' });
  assert.equal(status, 200, JSON.stringify(json));
  const end = await ended(String(json.jobId));
  assert.equal(end.type, 'done', JSON.stringify(end));
  const result = (end as Extract<JobEvent, { type: 'done' }>).result;
  const mine = events.filter((e) => e.jobId === json.jobId);
  // Exact values: nothing is perceived.
  assert.ok(!mine.some((e) => e.type === 'progress' && e.stage === 'perceive'));
  assert.ok(result.files.some((f) => f.path === 'index.html'));
  // No Figma PNG: the design's picture is the IR's render, so the render matches it.
  assert.ok(result.scores.ssim > 0.99, `ssim ${result.scores.ssim}`);
  const history = (await post('api/history', {})).json as unknown as DesignSummary[];
  const design = history.find((d) => d.designId === result.designId)!;
  assert.equal(design.name, 'grida-vector-frame.json');
  assert.deepEqual([design.width, design.height], [result.design.width, result.design.height]);

  // The IR is kept with the design: converting it again starts from the exact values, not the picture.
  const again = await post('api/regenerate', { designId: result.designId, stack: 'html-tailwind' });
  const second = await ended(String(again.json.jobId));
  assert.equal(second.type, 'done', JSON.stringify(second));
  assert.ok(!events.some((e) => e.jobId === again.json.jobId && e.type === 'progress' && e.stage === 'perceive'), 'converted again without perceiving');
  const secondResult = (second as Extract<JobEvent, { type: 'done' }>).result;
  assert.equal(secondResult.designId, result.designId);
  assert.ok(secondResult.scores.ssim > 0.99, `ssim ${secondResult.scores.ssim}`);
  const thinking = await post('api/regenerate', { designId: result.designId, stack: 'html-css', mode: 'think' });
  assert.equal(thinking.status, 400);
  assert.match(String(thinking.json.message), /Choose fast mode/);
});

test('a broken or non-Figma JSON file, or one asked for in think mode, is refused at once with what to do', async () => {
  const asFile = (name: string, text: string, mode = 'fast') => post('api/convert', { name, data: Buffer.from(text).toString('base64'), stack: 'html-css', mode });
  for (const [answer, message] of [
    [await asFile('broken.json', '{"nodes": {"1:2": '), /broken\.json is not valid JSON/],
    [await asFile('other.json', '{"name": "not figma"}'), /other\.json is JSON but not a Figma document/],
    [await post('api/convert', { name: 'frame.json', data: figmaFrame, stack: 'html-css', mode: 'think' }), /Choose fast mode/],
  ] as const) {
    assert.equal(answer.status, 400, JSON.stringify(answer.json));
    assert.match(String(answer.json.message), message);
  }
});

// Half the landing page's width: a quarter of the image tokens for the model to read.
const smallLanding = async () => (await sharp(Buffer.from(landing, 'base64')).resize(640).png().toBuffer()).toString('base64');

test('the local backend runs the model on the design; its unusable answer falls back to perception, and the warning comes with the result and stays in the history', async () => {
  const { status, json } = await post('api/convert', { name: 'small.png', data: await smallLanding(), stack: 'html-css', backend: { kind: 'local', modelDir } });
  assert.equal(status, 200, JSON.stringify(json));
  const jobId = String(json.jobId);
  const inStage = (stage: string) => events.some((e) => e.jobId === jobId && e.type === 'progress' && e.stage === stage);
  await jobReaches(jobId, () => inStage('generate'));
  // The model writes in a thread of its own, so the server answers other calls meanwhile: the
  // history is answered before the job leaves the stage, and the model's thread goes on sending after.
  assert.ok(workers.running().some((entry) => entry.endsWith('/engine-worker.ts')), `workers running: ${workers.running().join(', ')}`);
  assert.equal((await post('api/history', {})).status, 200);
  assert.ok(!inStage('render'), 'the history was answered while the model was still writing');
  const sentByModel = workers.messages('/engine-worker.ts');
  const end = await ended(jobId);
  assert.equal(end.type, 'done', JSON.stringify(end));
  assert.ok(workers.messages('/engine-worker.ts') > sentByModel, "the model's thread was still at work after the history was answered");
  const done = end as Extract<JobEvent, { type: 'done' }>;
  assert.equal(done.warnings.length, 1);
  assert.match(done.warnings[0]!, /The local model's answer was not usable code \(it wrote no HTML document\), so the code was generated from perception instead/);
  assert.match(done.result.files.find((f) => f.path === 'index.html')!.contents, /<!doctype html>/);
  // The history keeps what made the version, and an edit of it says what it was edited from.
  const origin = { backend: 'local', modelDir, fellBack: true, warnings: done.warnings };
  assert.deepEqual(done.result.origin, origin);
  const history = (await post('api/history', {})).json as unknown as DesignSummary[];
  assert.deepEqual(history.find((d) => d.designId === done.result.designId)!.versions.map((v) => v.origin), [origin]);
  const html = done.result.files.find((f) => f.path === 'index.html')!.contents;
  const saved = (await post('api/save', { versionId: done.result.versionId, files: [{ path: 'index.html', contents: html.replace('<body', '<body data-edited') }] })).json as unknown as VersionView;
  assert.deepEqual(saved.origin, { ...origin, editOf: 1 });
  assert.deepEqual((await post('api/open', { versionId: saved.versionId })).json.origin, { ...origin, editOf: 1 });
  // The model's tokens move the generate stage along.
  const generating = events.filter((e) => e.jobId === json.jobId && e.type === 'progress' && e.stage === 'generate').map((e) => (e as Extract<JobEvent, { type: 'progress' }>).fraction);
  assert.ok(generating.some((f) => f > 0 && f < 1), `fractions ${generating.join(', ')}`);
  // A perceived design has no warnings.
  const perceived = events.find((e) => e.type === 'done' && e.result.versionId === converted.versionId) as Extract<JobEvent, { type: 'done' }>;
  assert.deepEqual(perceived.warnings, []);
});

test('a folder that is not a model package, or a stack, mode or design the local model cannot take, is refused before a job starts', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'loupe-no-model-'));
  const corrupt = await mkdtemp(join(tmpdir(), 'loupe-corrupt-model-'));
  await writeFile(join(corrupt, 'manifest.json'), '{"format": "loupe-moe", ');
  const notPackage = join(corrupt, 'nested');
  await mkdir(notPackage);
  await writeFile(join(notPackage, 'manifest.json'), '{"format": "gguf"}');
  const local = (dir: string, extra: Record<string, unknown> = {}) => post('api/convert', { name: 'landing.png', data: landing, stack: 'html-css', backend: { kind: 'local', modelDir: dir }, ...extra });
  const queuedBefore = events.filter((e) => e.type === 'queued').length;
  for (const [answer, code, message] of [
    [await local(empty), 'MODEL_NOT_FOUND', /no manifest\.json, so no complete model package/],
    [await local(join(empty, 'missing')), 'MODEL_NOT_FOUND', /no model package here/],
    [await local(corrupt), 'MODEL_CORRUPT', /manifest\.json: not valid JSON/],
    [await local(notPackage), 'MODEL_UNSUPPORTED', /is not a Loupe model package/],
    [await local('models/kimi'), 'INVALID_ARGUMENT', /not a full path/],
    [await local(' '), 'INVALID_ARGUMENT', /backend\.modelDir: name the model package folder/],
    [await local(modelDir, { stack: 'react-tailwind' }), 'INVALID_ARGUMENT', /html-css only \(not react-tailwind\)\. Choose html-css and fast mode in the toolbar/],
    [await local(modelDir, { mode: 'think' }), 'INVALID_ARGUMENT', /Think mode repairs the IR/],
    [await local(modelDir, { name: 'frame.json', data: figmaFrame }), 'INVALID_ARGUMENT', /frame\.json: a Figma frame is converted from its exact values; the local model reads design images/],
    [await post('api/regenerate', { designId: converted.designId, stack: 'react-tailwind', backend: { kind: 'local', modelDir } }), 'INVALID_ARGUMENT', /html-css only/],
  ] as const) {
    assert.equal(answer.status, 400, JSON.stringify(answer.json));
    assert.equal(answer.json.code, code, JSON.stringify(answer.json));
    assert.match(String(answer.json.message), message);
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(events.filter((e) => e.type === 'queued').length, queuedBefore, 'no job was queued');
});

test("the local model's folder, asked about when it is chosen, is said to hold a test package, or gets the refusal a conversion would; nothing is queued", async () => {
  const empty = await mkdtemp(join(tmpdir(), 'loupe-no-model-'));
  const queuedBefore = events.filter((e) => e.type === 'queued').length;
  const folder = (dir: string) => post('api/modelFolder', { modelDir: dir });
  const found = await folder(` ${modelDir} `);
  assert.equal(found.status, 200, JSON.stringify(found.json));
  assert.deepEqual([found.json.kind, found.json.testPackage, found.json.bits], ['package', true, 4]);
  for (const [answer, code, message] of [
    [await folder(empty), 'MODEL_NOT_FOUND', /no manifest\.json, so no complete model package/],
    [await folder(join(empty, 'missing')), 'MODEL_NOT_FOUND', /no model package here/],
    [await folder('models/kimi'), 'INVALID_ARGUMENT', /not a full path/],
  ] as const) {
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.deepEqual([answer.json.kind, answer.json.code], ['refused', code]);
    assert.match(String(answer.json.message), message);
  }
  const blank = await folder(' ');
  assert.deepEqual([blank.status, blank.json.code], [400, 'INVALID_ARGUMENT']);
  assert.match(String(blank.json.message), /modelDir: name the model package folder/);
  assert.equal(events.filter((e) => e.type === 'queued').length, queuedBefore, 'no job was queued');
});

test('a local conversion (here a design of the history converted again) cancelled while the model works ends as cancelled', async () => {
  const { json } = await post('api/regenerate', { designId: converted.designId, stack: 'html-css', backend: { kind: 'local', modelDir } });
  const jobId = String(json.jobId);
  await jobReaches(jobId, () => events.some((e) => e.jobId === jobId && e.type === 'progress' && e.stage === 'generate'));
  await post('api/cancel', { jobId });
  const end = await ended(jobId);
  assert.deepEqual([end.type, (end as Extract<JobEvent, { type: 'failed' }>).code], ['failed', 'CANCELLED'], JSON.stringify(end));
  assert.ok(!events.some((e) => e.jobId === jobId && e.type === 'progress' && e.stage === 'render'), 'stopped in the generate stage');
});

// Walkthrough videos: read for their screens, edited, then built into an app of linked screens.
const videoDir = await mkdtemp(join(tmpdir(), 'loupe-videos-'));
const walkthrough = join(videoDir, 'walkthrough.mp4');
const asUpload = async (path: string, name = basename(path)) => ({ name, data: (await readFile(path)).toString('base64') });
let detection: VideoDetectionView;

const detected = async (jobId: unknown): Promise<VideoDetectionView> => {
  const end = await ended(String(jobId));
  assert.equal(end.type, 'detected', JSON.stringify(end));
  return (end as Extract<JobEvent, { type: 'detected' }>).result;
};

test("a walkthrough video is read for its screens off the server's thread: each with a thumbnail, its times, size and scroll, and the clicks between them", async () => {
  await writeWalkthrough(pool, walkthrough);
  const { status, json } = await post('api/detectVideo', await asUpload(walkthrough));
  assert.equal(status, 200, JSON.stringify(json));
  detection = await detected(json.jobId);
  assert.equal(detection.name, 'walkthrough.mp4');
  assert.deepEqual(detection.screens.map((s) => [s.name, s.scrolled, s.width]), [['screen-1', true, 480], ['screen-2', false, 480], ['screen-3', false, 480]]);
  assert.ok(detection.screens[0]!.height > 320, 'the scrolled page is stitched taller than the video');
  assert.ok(detection.screens.every((s) => s.visits.length === 1 && s.visits[0]!.toS >= s.visits[0]!.fromS));
  assert.deepEqual(detection.transitions.map((t) => [t.from, t.to]), [[0, 1], [1, 2]]);
  assert.deepEqual(detection.warnings, []);
  const thumbnail = await get(detection.screens[0]!.thumbnail);
  assert.equal(thumbnail.headers.get('content-type'), 'image/png');
  const { width } = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
  assert.equal(width, 320);
  const frames = events.filter((e) => e.jobId === json.jobId && e.type === 'progress') as Array<Extract<JobEvent, { type: 'progress' }>>;
  assert.ok(frames.length > 1 && frames.every((e) => e.stage === 'frames'), 'progress as frames are read');

  // The detector's frame loop runs in a thread of its own (kept from the first detection), so the
  // server answers other calls while it reads: the history is answered before the job ends, and the
  // detector's thread goes on sending its frames' progress after.
  const again = String((await post('api/detectVideo', await asUpload(walkthrough))).json.jobId);
  await jobReaches(again, () => events.some((e) => e.jobId === again && e.type === 'progress' && e.stage === 'frames'));
  assert.ok(workers.running().some((entry) => entry.endsWith('/video-detect-worker.ts')), `workers running: ${workers.running().join(', ')}`);
  assert.equal((await post('api/history', {})).status, 200);
  assert.ok(!events.some((e) => e.jobId === again && (e.type === 'detected' || e.type === 'failed')), 'the history was answered while the video was still being read');
  const sentByDetector = workers.messages('/video-detect-worker.ts');
  assert.equal((await detected(again)).screens.length, 3);
  assert.ok(workers.messages('/video-detect-worker.ts') > sentByDetector, "the detector's thread was still at work after the history was answered");
});

test('generating a video with a screen merged into another builds an app of two linked screens, kept in the history as one design per screen; the app exports as a whole', async () => {
  const { status, json } = await post('api/generateVideo', { detectionId: detection.detectionId, merge: [[2, 1]], stack: 'html-css' });
  assert.equal(status, 200, JSON.stringify(json));
  const end = await ended(String(json.jobId));
  assert.equal(end.type, 'done', JSON.stringify(end));
  const first = (end as Extract<JobEvent, { type: 'done' }>).result;
  const app = first.app!;
  assert.equal(app.name, 'walkthrough.mp4');
  assert.deepEqual(app.screens.map((s) => [s.name, s.scrolled]), [['screen-1', true], ['screen-2', false]]);
  assert.equal(first.designId, app.screens[0]!.designId);
  assert.deepEqual(app.transitions.map((t) => [t.from, t.to]), [['screen-1', 'screen-2']]);
  assert.match(app.transitions[0]!.element ?? '', /Open Trees/, 'the click was mapped to the button it landed on');
  assert.match(first.files.find((f) => f.path === 'index.html')!.contents, /href="\.\.\/screen-2\/index\.html"/);
  // One bar over the whole build: the screens are perceived, then converted one after another.
  const progress = events.filter((e) => e.jobId === json.jobId && e.type === 'progress') as Array<Extract<JobEvent, { type: 'progress' }>>;
  assert.ok(progress.some((e) => e.stage === 'render 2/2'), progress.map((e) => e.stage).join(', '));
  assert.ok(progress.every((e, i) => i === 0 || e.overall >= progress[i - 1]!.overall), 'never goes back');

  // Each screen is a design like any other: opened, previewed, with its own picture and scores.
  const second = (await post('api/open', { versionId: app.screens[1]!.versionId })).json as unknown as VersionView;
  assert.equal(second.name, 'walkthrough.mp4 screen-2');
  assert.match(await (await get(second.preview)).text(), /Trees/);
  assert.deepEqual([second.design.width, second.design.height], [480, 320]);
  assert.ok(second.scores.text > 0.5, `text ${second.scores.text}`);
  assert.equal(second.app?.appId, app.appId);
  const history = (await post('api/history', {})).json as unknown as DesignSummary[];
  assert.deepEqual(history.filter((d) => d.name.startsWith('walkthrough.mp4')).map((d) => d.name).sort(), ['walkthrough.mp4 screen-1', 'walkthrough.mp4 screen-2']);

  const dir = await mkdtemp(join(tmpdir(), 'loupe-export-app-'));
  const exported = await post('api/export', { appId: app.appId, dir, format: 'project' });
  assert.equal(exported.status, 200, JSON.stringify(exported.json));
  const written = (exported.json as unknown as ExportResult).files;
  for (const f of ['index.html', 'screens.json', 'serve.mjs', 'screens/screen-1/index.html', 'screens/screen-2/index.html', 'screens/screen-2/design.png']) assert.ok(written.includes(f), f);
  assert.ok(!written.some((f) => f.startsWith('screens/screen-3/')), 'the merged screen is not in the app');
  const manifest = JSON.parse(await readFile(join(dir, 'screens.json'), 'utf8')) as { screens: { name: string }[] };
  assert.deepEqual(manifest.screens.map((s) => s.name), ['screen-1', 'screen-2']);
  assert.match(await readFile(join(dir, 'index.html'), 'utf8'), /url=screens\/screen-1\/index\.html/);
});

test("a dropped screen is left out of the app and of its screens.json; in React the app is one Vite app; a video screen is converted again from its IR, in fast mode only", async () => {
  const { json } = await post('api/generateVideo', { detectionId: detection.detectionId, drop: [1], stack: 'react-tailwind' });
  const end = await ended(String(json.jobId));
  assert.equal(end.type, 'done', JSON.stringify(end));
  const first = (end as Extract<JobEvent, { type: 'done' }>).result;
  const app = first.app!;
  // Dropping screen-2 drops the clicks to and from it: screen-1 and screen-3 are no longer linked.
  assert.deepEqual(app.screens.map((s) => s.name), ['screen-1', 'screen-3']);
  assert.deepEqual(app.transitions, []);
  assert.equal(first.entry, 'App.tsx');
  assert.match(await (await get(first.preview)).text(), /Field guide/);
  const dir = await mkdtemp(join(tmpdir(), 'loupe-export-app-'));
  assert.equal((await post('api/export', { appId: app.appId, dir, format: 'project' })).status, 200);
  const manifest = JSON.parse(await readFile(join(dir, 'screens.json'), 'utf8')) as { screens: { name: string }[]; transitions: unknown[] };
  assert.deepEqual([manifest.screens.map((s) => s.name), manifest.transitions], [['screen-1', 'screen-3'], []]);
  const shell = await readFile(join(dir, 'App.tsx'), 'utf8');
  assert.match(shell, /from '\.\/screens\/screen-3\/App\.tsx'/);
  assert.doesNotMatch(shell, /screen-2/);
  assert.ok((await readdir(dir)).includes('package.json'), 'one project for the whole app');

  const screen = app.screens[1]!;
  const thinking = await post('api/regenerate', { designId: screen.designId, stack: 'html-css', mode: 'think' });
  assert.equal(thinking.status, 400);
  assert.match(String(thinking.json.message), /walkthrough video's screens are converted in fast mode/);
  const again = await post('api/regenerate', { designId: screen.designId, stack: 'html-tailwind' });
  const next = await ended(String(again.json.jobId));
  assert.equal(next.type, 'done', JSON.stringify(next));
  assert.ok(!events.some((e) => e.jobId === again.json.jobId && e.type === 'progress' && e.stage === 'perceive'), 'converted again from its IR');
  const version = (next as Extract<JobEvent, { type: 'done' }>).result;
  assert.deepEqual([version.number, version.stack, version.app?.appId], [2, 'html-tailwind', app.appId]);
  // The app stays in its own stack: its screen-3 is still the React version.
  assert.equal(version.app!.screens[1]!.versionId, screen.versionId);
});

test('what a video cannot be generated with is refused before a job starts: the local model, think mode, edits that keep nothing or merge into a dropped screen, a detection the engine no longer has', async () => {
  const queuedBefore = events.filter((e) => e.type === 'queued').length;
  const generate = (extra: Record<string, unknown>) => post('api/generateVideo', { detectionId: detection.detectionId, stack: 'html-css', ...extra });
  for (const [answer, message] of [
    [await generate({ backend: { kind: 'local', modelDir } }), /walkthrough\.mp4: a walkthrough video's screens are converted by perception, not the local model/],
    [await generate({ mode: 'think' }), /converted in fast mode/],
    [await generate({ drop: [0, 1, 2] }), /Keep at least one screen/],
    [await generate({ drop: [1], merge: [[2, 1]] }), /screen-3 is merged into screen-2, which is dropped/],
    [await generate({ drop: [7] }), /no screen-8/],
    [await generate({ detectionId: 'nope' }), /no longer kept/],
    [await post('api/detectVideo', { name: 'walkthrough.png', data: 'AAAA' }), /name: a video named \.mp4/],
  ] as const) {
    assert.equal(answer.status, 400, JSON.stringify(answer.json));
    assert.match(String(answer.json.message), message);
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(events.filter((e) => e.type === 'queued').length, queuedBefore, 'no job was queued');
});

test('a corrupt video fails with what is wrong; one cut short is read with a warning; reading or generating can be cancelled', async () => {
  const corrupt = await post('api/detectVideo', { name: 'broken.mp4', data: Buffer.from('these bytes are not a video').toString('base64') });
  const failed = await ended(String(corrupt.json.jobId));
  assert.equal(failed.type, 'failed');
  assert.match((failed as Extract<JobEvent, { type: 'failed' }>).message, /broken\.mp4 is not a video Loupe can read/);

  // The index is at the front (as screen recorders write it): the frames stop where the file does.
  const whole = await readFile(walkthrough);
  const cut = await detected((await post('api/detectVideo', { name: 'cut.mp4', data: whole.subarray(0, Math.round(whole.length * 0.6)).toString('base64') })).json.jobId);
  assert.match(cut.warnings.join('\n'), /cut\.mp4: its frames stop at [\d.]+ s of its [\d.]+ s; the file looks cut short/);

  const long = join(videoDir, 'long.mp4');
  await writeWalkthrough(pool, long, { endS: 60 });
  const reading = String((await post('api/detectVideo', await asUpload(long))).json.jobId);
  await jobReaches(reading, () => events.some((e) => e.jobId === reading && e.type === 'progress'));
  await post('api/cancel', { jobId: reading });
  const stopped = await ended(reading);
  assert.deepEqual([stopped.type, (stopped as Extract<JobEvent, { type: 'failed' }>).code], ['failed', 'CANCELLED'], JSON.stringify(stopped));

  const designs = ((await post('api/history', {})).json as unknown as DesignSummary[]).length;
  const building = String((await post('api/generateVideo', { detectionId: detection.detectionId, stack: 'html-css' })).json.jobId);
  await jobReaches(building, () => events.some((e) => e.jobId === building && e.type === 'progress'));
  await post('api/cancel', { jobId: building });
  const built = await ended(building);
  assert.deepEqual([built.type, (built as Extract<JobEvent, { type: 'failed' }>).code], ['failed', 'CANCELLED'], JSON.stringify(built));
  assert.equal(((await post('api/history', {})).json as unknown as DesignSummary[]).length, designs, 'nothing was saved');
});

test('only loopback host names are answered', async () => {
  const { port } = new URL(server.url);
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 403);
  const app = await get('/');
  assert.equal(app.status, 200);
  assert.match(app.headers.get('content-security-policy')!, /script-src 'self'/);
});

test('saved edits become versions in the history, which survives a restart of the engine', async () => {
  const html = converted.files.find((f) => f.path === 'index.html')!.contents;
  const saved = await post('api/save', { versionId: converted.versionId, files: [{ path: 'index.html', contents: html.replace('Ship reports', 'Send reports') }] });
  assert.equal(saved.status, 200, JSON.stringify(saved.json));
  const v2 = saved.json as unknown as VersionView;
  assert.deepEqual([v2.number, v2.kind, v2.designId], [2, 'edited', converted.designId]);
  assert.deepEqual(v2.origin, { backend: 'perception', fellBack: false, warnings: [], editOf: 1 });
  assert.match(v2.files.find((f) => f.path === 'index.html')!.contents, /Send reports/);

  await server.close();
  server = await serve();
  const history = (await post('api/history', {})).json as unknown as DesignSummary[];
  const design = history.find((d) => d.designId === converted.designId)!;
  assert.deepEqual(design.versions.map((v) => [v.number, v.kind]), [[1, 'generated'], [2, 'edited']]);
  const reopened = (await post('api/open', { versionId: v2.versionId })).json as unknown as VersionView;
  assert.match(reopened.files.find((f) => f.path === 'index.html')!.contents, /Send reports/);
  assert.match(await (await get(reopened.preview)).text(), /Send reports/);
  // Edits of a version from before the restart still preview and score.
  const edit = await post('api/edit', { versionId: converted.versionId, files: [{ path: 'index.html', contents: html }], score: true });
  assert.equal(edit.status, 200, JSON.stringify(edit.json));

  assert.equal((await post('api/delete', { versionId: v2.versionId })).status, 200);
  const after = (await post('api/history', {})).json as unknown as DesignSummary[];
  assert.deepEqual(after.find((d) => d.designId === converted.designId)!.versions.map((v) => v.number), [1]);
  assert.equal((await post('api/open', { versionId: v2.versionId })).status, 400);
});

test('export writes the version into the chosen folder, and asks before writing into a full one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-export-'));
  const first = await post('api/export', { versionId: converted.versionId, dir, format: 'project' });
  assert.equal(first.status, 200, JSON.stringify(first.json));
  assert.ok((first.json as unknown as ExportResult).files.includes('index.html'));
  assert.ok((await readdir(dir)).includes('serve.mjs'));
  const again = await post('api/export', { versionId: converted.versionId, dir, format: 'files' });
  assert.equal(again.status, 409);
  assert.equal(again.json.code, 'OUTPUT_EXISTS');
  assert.equal((await post('api/export', { versionId: converted.versionId, dir, format: 'files', overwrite: true })).status, 200);
  // Only inside the exports folder (here the system's temporary folder), overwrite or not.
  const outside = await post('api/export', { versionId: converted.versionId, dir: join(dir, '../../loupe-export-outside'), format: 'files', overwrite: true });
  assert.equal(outside.status, 400);
  assert.equal(outside.json.code, 'OUTPUT_UNSAFE');
});

test('a design converted again in another stack is its next version; the old one stays', async () => {
  const { status, json } = await post('api/regenerate', { designId: converted.designId, stack: 'react-tailwind' });
  assert.equal(status, 200, JSON.stringify(json));
  assert.ok(json.jobId);
  // The event stream belongs to the engine from before the restart: the history tells the result.
  await server.jobs.idle();
  const history = (await post('api/history', {})).json as unknown as DesignSummary[];
  const design = history.find((d) => d.designId === converted.designId)!;
  assert.deepEqual(design.versions.map((v) => [v.kind, v.stack]), [['generated', 'html-css'], ['generated', 'react-tailwind']]);
  const again = (await post('api/open', { versionId: design.versions[1]!.versionId })).json as unknown as VersionView;
  assert.equal(again.entry, 'App.tsx');
  // The app's preview knows where its elements come from in the code.
  assert.match(await (await get(again.preview)).text(), /data-loupe-src":"App\.tsx:\d+-\d+"/);

  const unknown = await post('api/regenerate', { designId: 'nope', stack: 'html-css' });
  assert.equal(unknown.status, 400);
  assert.match(String(unknown.json.message), /No design/);
});


// `loupe figma` as a user runs it: a real process against a local Figma API serving a real
// recorded response, real files, real Chromium.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { FakeFigmaApi, jsonAnswer, recorded, withImageFills } from '../../testing/figma/fake-api.ts';
import { loupe, type LoupeRun } from '../../testing/run-loupe.ts';

const KEY = 'GridaVectorFile42';
const TOKEN = 'figd_cli-test-token-never-shown';
const ids = encodeURIComponent(recorded.node);
const nodesPath = `/v1/files/${KEY}/nodes?ids=${ids}&geometry=paths`;
const dir = await mkdtemp(join(tmpdir(), 'loupe-figma-api-'));
const api = await FakeFigmaApi.start();
after(() => api.close());

// The child process inherits these, as it would a user's shell.
process.env.FIGMA_TOKEN = TOKEN;
process.env.LOUPE_FIGMA_API = api.url;

function reset(): void {
  api.requests.length = 0;
  api.answers.clear();
  api.serveFrame(KEY, recorded);
}

function assertNoToken(run: LoupeRun): void {
  assert.ok(!run.stdout.includes(TOKEN) && !run.stderr.includes(TOKEN), 'the token was printed');
}

test('a key and --node: the fetched files are kept in <out>/figma and the conversion is scored against the PNG', async () => {
  reset();
  const out = join(dir, 'by-key');
  const run = await loupe('figma', KEY, '--node', '1038-24', '--out', out);
  assert.equal(run.code, 0, run.stderr);
  assertNoToken(run);
  assert.match(run.stdout, /Fetched node 1038:24 of GridaVectorFile42 into .*figma: 1038-24\.json, 1038-24\.png and 0 image fill\(s\)/);
  assert.match(run.stdout, /ssim \d\.\d{3}  \(measured against the design image\)/);
  assert.deepEqual(api.paths().sort(), [`/render/${ids}.png`, nodesPath, `/v1/images/${KEY}?ids=${ids}&format=png&scale=2`].sort());
  assert.ok(api.requests.filter((r) => r.path.startsWith('/v1/')).every((r) => r.token === TOKEN), 'X-Figma-Token sent to the API');
  assert.equal(await readFile(join(out, 'figma/1038-24.json'), 'utf8'), recorded.nodesJson);
  assert.deepEqual(await readFile(join(out, 'figma/1038-24.png')), recorded.png);
  for (const f of ['index.html', 'preview.html', 'render.png', 'diff.png', 'design.ir.json']) assert.ok((await stat(join(out, f))).size > 0, f);
  const scores = JSON.parse(await readFile(join(out, 'scores.json'), 'utf8'));
  assert.equal(scores.measuredAgainst, 'design image');
  assert.ok(scores.ssim > 0.99, `ssim ${scores.ssim}`);
});

test('a Figma link with --api, --stack and --json: image fills are fetched and used', async () => {
  reset();
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
  api.serveFrame(KEY, { ...recorded, nodesJson: withImageFills(recorded.nodesJson, recorded.node, ['photo']), fills: { photo: jpeg, other: jpeg } });
  const out = join(dir, 'by-link');
  const link = `https://www.figma.com/design/${KEY}/Vector-Frame?node-id=1038-24&t=abc`;
  delete process.env.LOUPE_FIGMA_API;
  const run = await loupe('figma', link, '--api', api.url, '--stack', 'html-tailwind', '--json', '--out', out).finally(() => {
    process.env.LOUPE_FIGMA_API = api.url;
  });
  assert.equal(run.code, 0, run.stderr);
  assertNoToken(run);
  const result = JSON.parse(run.stdout);
  assert.deepEqual(result.fetched, ['figma/1038-24.json', 'figma/1038-24.png', 'figma/images/photo.jpg']);
  assert.equal(result.stack, 'html-tailwind');
  assert.equal(result.measuredAgainst, 'design image');
  assert.deepEqual(result.warnings, [], 'the image fill has its bytes');
  assert.ok(!api.paths().includes('/fills/other'));
  assert.deepEqual(await readFile(join(out, 'figma/images/photo.jpg')), jpeg);
  const ir = JSON.parse(await readFile(join(out, 'design.ir.json'), 'utf8'));
  assert.equal(ir.assets.photo.mime, 'image/jpeg');
});

test('each failure exits 2 with what to do, and never shows the token', async () => {
  const closed = await FakeFigmaApi.start();
  await closed.close();
  const cases: Array<[string, (() => void) | undefined, string[], RegExp]> = [
    ['no token', () => delete process.env.FIGMA_TOKEN, [KEY, '--node', '1:2'], /FIGMA_TOKEN is not set.*personal access token.*export FIGMA_TOKEN=/],
    ['no node', undefined, [KEY], /Name the frame to fetch: --node <id>/],
    ['think mode', undefined, [KEY, '--node', '1:2', '--mode', 'think'], /Leave out --mode think/],
    ['403', () => api.answers.set(nodesPath, jsonAnswer({ status: 403, err: 'Invalid token' }, 403)), [KEY, '--node', '1038:24'], /refused the token \(HTTP 403: Invalid token\)/],
    ['404', () => api.answers.set(nodesPath, jsonAnswer({ status: 404, err: 'Not found' }, 404)), [KEY, '--node', '1038:24'], /Figma has no file GridaVectorFile42/],
    ['unknown node', () => api.answers.set(`/v1/files/${KEY}/nodes?ids=9%3A9&geometry=paths`, jsonAnswer({ name: 'dummy', nodes: { '9:9': null } })), [KEY, '--node', '9-9'], /has no node 9:9/],
    ['429', () => api.answers.set(nodesPath, { status: 429, headers: { 'retry-after': '600' } }), [KEY, '--node', '1038:24'], /rate limit.*Wait 10 min/],
    ['non-JSON', () => api.answers.set(nodesPath, { headers: { 'content-type': 'text/html' }, body: '<html></html>' }), [KEY, '--node', '1038:24'], /not JSON/],
    ['no render URL', () => api.answers.set(`/v1/images/${KEY}?ids=${ids}&format=png&scale=2`, jsonAnswer({ err: null, images: {} })), [KEY, '--node', '1038:24'], /no PNG render of node 1038:24/],
    ['unreachable', undefined, [KEY, '--node', '1038:24', '--api', closed.url], /Could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/],
    ['not a key', undefined, ['https://example.com/x', '--node', '1:2'], /neither a Figma file key nor a link/],
  ];
  for (const [name, arrange, args, message] of cases) {
    reset();
    arrange?.();
    const run = await loupe('figma', ...args, '--out', join(dir, 'err'));
    process.env.FIGMA_TOKEN = TOKEN;
    assert.equal(run.code, 2, `${name}: ${run.stderr}`);
    assert.match(run.stderr, message, name);
    assertNoToken(run);
    if (['no token', 'no node', 'think mode', 'not a key'].includes(name)) assert.deepEqual(api.paths(), [], `${name}: nothing is fetched`);
  }
});

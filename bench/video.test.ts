// The walkthrough feature's acceptance on the small generated set: the same scoring as
// `loupe bench video --set test`, and the CLI on one of its videos and on a broken one.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loupe } from '../testing/run-loupe.ts';
import { closePerception } from '../engine/perceive/index.ts';
import { RenderPool } from '../engine/render/pool.ts';
import { runVideoBench } from './video.ts';

const pool = new RenderPool(1);
let dir = '';
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loupe-video-bench-'));
});
test.after(async () => {
  await pool.close();
  // Perception keeps its text models loaded in a worker thread until told to let go.
  await closePerception();
  await rm(dir, { recursive: true, force: true });
});

test('on the generated test walkthroughs every screen count is exact, every stitched page is within SSIM 0.95 of its render, every click is mapped to its element', async () => {
  const result = await runVideoBench({ cacheDir: dir, set: 'test', stack: 'html-css', pool });
  const detail = JSON.stringify(result.rows, null, 1);
  assert.equal(result.walkthroughs, 4);
  assert.equal(result.screenCountExactShare, 1, detail);
  assert.ok(result.stitchedPages >= 2, 'the set scrolls some pages');
  assert.ok(result.stitchedSsimMin >= 0.95, detail);
  assert.equal(result.transitionsMappedShare, 1, detail);
});

test('loupe convert on a walkthrough writes the linked app and screens.json; a broken video is refused with exit 2, nothing written', async () => {
  const truth = JSON.parse(await readFile(join(dir, 'walkthroughs', 'docs-quick.json'), 'utf8')) as { video: string; screenCount: number };
  const out = join(dir, 'cli-app');
  const run = await loupe('convert', join(dir, 'walkthroughs', truth.video), '--out', out, '--json');
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { screens: Array<{ name: string }>; transitions: Array<{ element?: unknown }> };
  assert.equal(result.screens.length, truth.screenCount);
  const screens = JSON.parse(await readFile(join(out, 'screens.json'), 'utf8')) as { screens: unknown[]; transitions: unknown[] };
  assert.equal(screens.screens.length, truth.screenCount);
  assert.ok(result.transitions.every((t) => t.element), 'each click became a link');
  const first = await readFile(join(out, 'screens', 'screen-1', 'index.html'), 'utf8');
  assert.match(first, /href="\.\.\/screen-2\/index\.html"/);

  const broken = join(dir, 'broken.mp4');
  await writeFile(broken, Buffer.from('not a video at all, only some bytes'));
  const refused = await loupe('convert', broken, '--out', join(dir, 'broken-out'));
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /broken\.mp4/);
  await assert.rejects(readFile(join(dir, 'broken-out', 'screens.json')));
});

// The test set, made into a temporary folder, checked against itself: the videos decode to
// what the truth says, the full-page renders are what the frames show at the recorded scroll
// offsets, every click lands in its element, and the screens follow the definition.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { comparePixels } from '../../../engine/compare/index.ts';
import { findFfmpeg } from '../../../engine/ingest/ffmpeg.ts';
import { generateWalkthroughs, WALKTHROUGH_SETS, type Walkthrough, type WalkthroughTruth } from './index.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-walkthroughs-'));
after(() => rm(dir, { recursive: true, force: true }));
const walkthroughs = await generateWalkthroughs(dir, { set: 'test' });

const run = promisify(execFile);
const ffmpeg = findFfmpeg().path;

/** One decoded frame as PNG, by its index. */
async function frameAt(video: string, n: number): Promise<Buffer> {
  const args = ['-v', 'error', '-i', video, '-vf', `select=eq(n\\,${n})`, '-vsync', '0', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'];
  return (await run(ffmpeg, args, { encoding: 'buffer', maxBuffer: 64 << 20 })).stdout;
}

/** What the viewport showed of a screen scrolled to `y`, cut from its full-page render. */
async function viewAt(w: Walkthrough, screenId: string, y: number): Promise<Buffer> {
  const screen = w.truth.screens.find((s) => s.id === screenId)!;
  const { width, height } = w.truth.viewport;
  return sharp(await readFile(join(dir, screen.fullPage))).extract({ left: 0, top: y, width, height }).png().toBuffer();
}

// Measured on the test set: a frame and the render at its offset score 0.94–1.00 (lossy coding,
// the pointer, hover); the same render 40 px off scores under 0.8, another screen under 0.75.
const SAME_VIEW_SSIM = 0.9;

const inside = (p: { x: number; y: number }, b: { x: number; y: number; width: number; height: number }) => p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;

test('the test set is short, small, and in both codecs', () => {
  assert.deepEqual(
    walkthroughs.map((w) => w.name),
    WALKTHROUGH_SETS.test.map((s) => s.name),
  );
  assert.deepEqual(new Set(walkthroughs.map((w) => w.truth.codec)), new Set(['h264', 'vp9']));
  for (const { truth } of walkthroughs) {
    assert.ok(truth.durationS <= 6, `${truth.name} lasts ${truth.durationS} s`);
    assert.ok(truth.viewport.width * truth.viewport.height <= 640 * 400, `${truth.name} is ${truth.viewport.width}×${truth.viewport.height}`);
  }
});

for (const w of walkthroughs) {
  const { truth } = w;

  test(`${w.name}: ffmpeg decodes the video to the frames and duration the truth gives`, async () => {
    const { stderr } = await run(ffmpeg, ['-hide_banner', '-i', w.videoPath, '-map', '0:v:0', '-f', 'null', '-'], { maxBuffer: 16 << 20 });
    const decoded = Number([...stderr.matchAll(/frame=\s*(\d+)/g)].at(-1)?.[1]);
    assert.equal(decoded, truth.frames);
    const [, h, m, s] = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr)!.map(Number);
    assert.ok(Math.abs(h * 3600 + m * 60 + s - truth.durationS) <= 1 / truth.fps + 0.01, `container says ${h}:${m}:${s}, truth ${truth.durationS} s`);
    assert.match(stderr, new RegExp(`Video: ${truth.codec}.*${truth.viewport.width}x${truth.viewport.height}`));
  });

  test(`${w.name}: each full-page render is as tall as its page and is what the frames show`, async () => {
    for (const screen of truth.screens) {
      const meta = await sharp(join(dir, screen.fullPage)).metadata();
      assert.deepEqual([meta.width, meta.height], [truth.viewport.width, screen.pageHeight], screen.id);
      assert.ok(screen.maxScrollY <= screen.pageHeight - truth.viewport.height, `${screen.id} scrolled past its end`);
    }
    for (const visit of truth.visits) {
      for (const [frame, y] of [
        [visit.startFrame, visit.scrollY.start],
        [visit.endFrame - 1, visit.scrollY.end],
      ]) {
        const { ssim } = await comparePixels(await viewAt(w, visit.screen, y), await frameAt(w.videoPath, frame));
        assert.ok(ssim >= SAME_VIEW_SSIM, `frame ${frame} against ${visit.screen} at y=${y}: SSIM ${ssim.toFixed(3)}`);
      }
    }
  });

  test(`${w.name}: every click lands inside the element it names, at the scroll offset of its visit`, () => {
    for (const click of [...truth.transitions, ...truth.inPlaceClicks]) {
      const { point, element } = click;
      assert.ok(inside(point.viewport, element.viewportBox), `${element.selector}: ${JSON.stringify(point.viewport)} outside ${JSON.stringify(element.viewportBox)}`);
      assert.ok(inside(point.page, element.pageBox), `${element.selector}: ${JSON.stringify(point.page)} outside ${JSON.stringify(element.pageBox)}`);
      assert.ok(element.selector && element.tag && element.text, 'the element is named');
      // The press happened on the visit's screen, scrolled as the visit was at that frame.
      const visit = truth.visits.find((v) => v.startFrame <= click.pressFrame && click.pressFrame < v.endFrame)!;
      assert.equal(visit.screen, click.from);
      const scrollY = point.page.y - point.viewport.y;
      assert.equal(element.pageBox.y - element.viewportBox.y, scrollY);
      // A click that leaves the screen ends its visit, so the visit's last offset is the click's.
      if (click.from !== click.to) assert.equal(scrollY, visit.scrollY.end);
      else assert.ok(scrollY <= visit.scrollY.max, `scrolled to ${scrollY}, beyond the visit's ${visit.scrollY.max}`);
      assert.ok(click.pressFrame < click.frame && click.frame <= truth.frames);
    }
  });

  test(`${w.name}: screens follow the definition`, async () => {
    const { screens, visits, transitions, inPlaceClicks } = truth;
    assert.equal(truth.screenCount, screens.length);
    assert.deepEqual(
      screens.map((s) => s.id),
      screens.map((_, i) => `s${i + 1}`),
    );
    // Visits tile the video, change screen each time, and first show the screens in their order.
    assert.equal(visits[0].startFrame, 0);
    assert.equal(visits.at(-1)!.endFrame, truth.frames);
    for (const [i, v] of visits.entries()) {
      assert.ok(v.startFrame < v.endFrame, `visit ${i} is empty`);
      if (i > 0) {
        assert.equal(v.startFrame, visits[i - 1].endFrame);
        assert.notEqual(v.screen, visits[i - 1].screen);
      }
    }
    assert.deepEqual([...new Set(visits.map((v) => v.screen))], screens.map((s) => s.id), 'screens in order of first appearance, each seen');
    for (const s of screens) {
      const own = visits.filter((v) => v.screen === s.id);
      assert.equal(s.firstFrame, own[0].startFrame);
      assert.equal(s.maxScrollY, Math.max(...own.map((v) => v.scrollY.max)));
      assert.equal(s.scrolled, s.maxScrollY > 0);
    }
    // One transition between each pair of visits, at the boundary, visibly changing the screen.
    assert.equal(transitions.length, visits.length - 1);
    for (const [i, t] of transitions.entries()) {
      assert.deepEqual([t.from, t.to, t.frame], [visits[i].screen, visits[i + 1].screen, visits[i + 1].startFrame]);
      const { ssim } = await comparePixels(await frameAt(w.videoPath, t.pressFrame - 1), await frameAt(w.videoPath, t.frame));
      assert.ok(ssim < SAME_VIEW_SSIM, `${t.from} → ${t.to} looks the same (SSIM ${ssim.toFixed(3)})`);
    }
    for (const c of inPlaceClicks) {
      assert.equal(c.from, c.to);
      assert.ok(visits.some((v) => v.screen === c.from && v.startFrame < c.frame && c.frame < v.endFrame), 'an in-place click falls inside one visit');
    }
  });
}

test('the walkthroughs covered the kinds of screen change the definition names', () => {
  const all = walkthroughs.map((w) => w.truth);
  const views = (t: WalkthroughTruth) => t.screens.filter((s) => s.view !== null);
  assert.ok(all.some((t) => views(t).length >= 2), 'a page with views of its own, shown in two of them');
  assert.ok(all.some((t) => t.visits.length > t.screenCount), 'a screen visited twice');
  assert.ok(all.some((t) => t.inPlaceClicks.length > 0), 'a click that changes a screen in place');
  assert.ok(all.some((t) => t.screens.some((s) => s.scrolled)), 'a scrolled screen');
  assert.ok(all.some((t) => t.screens.some((s) => s.site === 'design2code')), 'a Design2Code dev page');
});

test('a second call finds the set made; a walkthrough whose stamp changed is made again', async () => {
  const changed = walkthroughs[1];
  const stale = { ...changed.truth, generator: 'from-an-older-generator' };
  await writeFile(changed.truthPath, JSON.stringify(stale));
  const before = await Promise.all(walkthroughs.map((w) => stat(w.videoPath)));
  const cached: string[] = [];
  const again = await generateWalkthroughs(dir, { set: 'test', onProgress: (p) => p.cached && cached.push(p.name) });
  assert.deepEqual(cached, walkthroughs.filter((w) => w !== changed).map((w) => w.name));
  const after = await Promise.all(again.map((w) => stat(w.videoPath)));
  assert.deepEqual(
    after.map((s, i) => s.mtimeMs === before[i].mtimeMs),
    walkthroughs.map((w) => w !== changed),
  );
  assert.deepEqual(again[1].truth, changed.truth, 'made again the same way');
});

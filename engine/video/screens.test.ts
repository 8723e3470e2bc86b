import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { RenderPool } from '../render/pool.ts';
import { readVideoFrames, type VideoFrame } from '../ingest/video.ts';
import { startVideoEncoder } from '../../testing/ingest/video-encode.ts';
import { ScreenDetector } from './screens.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

const VIEWPORT = { width: 800, height: 500 };

const section = (i: number) =>
  `<section style="padding:24px 32px;border-bottom:1px solid #ddd;background:${i % 2 ? '#f6f8fb' : '#fff'}">
    <h2 style="margin:0 0 8px;font:bold 22px 'Liberation Sans';color:#1d2a3a">Chapter ${i + 1}: ${['Setup', 'Layout', 'Colour', 'Type', 'Motion', 'Export'][i % 6]}</h2>
    <p style="margin:0;font:15px/1.5 'Liberation Sans';color:#445">${'Every chapter has its own words so that no two stretches of the page look alike. '.repeat(2 + (i % 3))}Item ${i * 7 + 3}.</p>
    <a style="display:inline-block;margin-top:10px;padding:6px 14px;background:#2f6fed;color:#fff;font:14px 'Liberation Sans';border-radius:4px">Read chapter ${i + 1}</a>
  </section>`;

// A fixed header over a long page, as in most documentation sites.
const LONG_PAGE = `<body style="margin:0">
  <header style="position:fixed;top:0;left:0;right:0;height:56px;background:#1d2a3a;color:#fff;font:bold 18px 'Liberation Sans';display:flex;align-items:center;padding:0 24px;z-index:1">Guide</header>
  <main style="padding-top:56px">${Array.from({ length: 9 }, (_, i) => section(i)).join('')}</main>
</body>`;

const OTHER_PAGE = `<body style="margin:0;background:#fffaf0;font-family:'Liberation Sans'">
  <div style="display:flex;gap:24px;padding:40px">
    ${Array.from({ length: 6 }, (_, i) => `<div style="width:200px;height:160px;background:hsl(${i * 60},60%,70%);border-radius:8px;padding:12px;font:16px 'Liberation Sans'">Card ${i + 1}</div>`).join('')}
  </div>
  <p style="padding:0 40px;font:18px/1.6 'Liberation Sans';color:#333">${'A second page with cards and a paragraph of its own. '.repeat(12)}</p>
</body>`;

interface Picture {
  rgba: Uint8Array;
  width: number;
  height: number;
}

async function decode(png: Buffer): Promise<Picture> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgba: new Uint8Array(data), width: info.width, height: info.height };
}

/** The page's viewport at each scroll offset, and its full-page screenshot; the mouse over `hover` when given. */
async function scrolled(html: string, offsets: readonly number[], hover?: { x: number; y: number }): Promise<{ views: Map<number, Picture>; full: Picture }> {
  return pool.withPage(html, VIEWPORT, async (page) => {
    const views = new Map<number, Picture>();
    for (const y of new Set(offsets)) {
      await page.evaluate(`window.scrollTo(0, ${y})`);
      if (hover) await page.mouse.move(hover.x, hover.y);
      views.set(y, await decode(await page.screenshot()));
    }
    await page.evaluate('window.scrollTo(0, 0)');
    return { views, full: await decode(await page.screenshot({ fullPage: true })) };
  });
}

/** An arrow cursor, black outline on white, its tip at (x, y), as screen recorders draw it. */
function withCursor(p: Picture, x: number, y: number): Uint8Array {
  const out = p.rgba.slice();
  for (let dy = 0; dy < 20; dy++) {
    const w = Math.floor(dy * 0.6);
    for (let dx = 0; dx <= w; dx++) {
      const X = x + dx;
      const Y = y + dy;
      if (X >= p.width || Y >= p.height) continue;
      const v = dx === 0 || dx === w || dy === 19 ? 0 : 255;
      out.set([v, v, v, 255], (Y * p.width + X) * 4);
    }
  }
  return out;
}

function meanAbsDifference(a: Picture, b: Picture, rows: number): number {
  let sum = 0;
  const n = a.width * rows * 4;
  for (let i = 0; i < n; i++) sum += Math.abs(a.rgba[i]! - b.rgba[i]!);
  return sum / n;
}

test('a scrolled page is stitched whole under its fixed header, a click to another page is found, and coming back is a revisit', async () => {
  const offsets = [0, 0, 0, 70, 160, 260, 380, 520, 680, 840, 840, 840];
  const long = await scrolled(LONG_PAGE, offsets);
  const other = await scrolled(OTHER_PAGE, [0]);
  const frames: VideoFrame[] = [];
  const add = (p: Picture, cursor: { x: number; y: number }) =>
    frames.push({ index: frames.length, timeS: frames.length / 10, width: p.width, height: p.height, rgba: withCursor(p, cursor.x, cursor.y) });

  // Scrolling with the cursor at rest in the middle, then moving it to a link and clicking.
  for (const y of offsets) add(long.views.get(y)!, { x: 400, y: 250 });
  const last = long.views.get(840)!;
  const target = { x: 120, y: 330 };
  for (let i = 1; i <= 5; i++) add(last, { x: Math.round(400 + ((target.x - 400) * i) / 5), y: Math.round(250 + ((target.y - 250) * i) / 5) });
  add(last, target);
  for (let i = 0; i < 6; i++) add(other.views.get(0)!, target);
  // Back to the first page, at its top.
  for (let i = 0; i < 5; i++) add(long.views.get(0)!, { x: 700, y: 60 });

  const detector = new ScreenDetector();
  for (const f of frames) detector.push(f);
  const { screens, transitions } = detector.finish();

  assert.equal(screens.length, 2, 'the long page and the other page');
  const stitched = screens[0]!.canvas.image();
  assert.equal(stitched.height, 840 + VIEWPORT.height, 'the stitched page reaches down to the furthest scroll');
  assert.equal(screens[0]!.bands.top, 56, 'the fixed header is found');
  // Pixel for pixel against the browser's own full-page screenshot, the cursor painted out.
  assert.ok(meanAbsDifference(stitched, long.full, stitched.height) < 0.5, `stitched page differs by ${meanAbsDifference(stitched, long.full, stitched.height)}`);
  assert.equal(screens[0]!.visits.length, 2, 'the long page was visited twice');

  assert.deepEqual(transitions.map((t) => [t.from, t.to]), [[0, 1], [1, 0]]);
  const click = transitions[0]!.point!;
  assert.ok(Math.abs(click.x - target.x) <= 8 && Math.abs(click.y - (target.y + 840)) <= 8, `the click at ${JSON.stringify(click)} is where the cursor rested (page y ${target.y + 840})`);
});

test('a highlight under the cursor is not a new screen; a panel that changes most of the page is', async () => {
  const base = `<body style="margin:0;font-family:'Liberation Sans'"><nav style="height:60px;background:#234;display:flex;gap:8px;padding:10px">
    <span id="a" style="padding:10px 16px;background:BG;color:#fff">Profile</span><span style="padding:10px 16px;color:#fff">Billing</span></nav>
    <div style="padding:30px;font:17px/1.6 'Liberation Sans'">CONTENT</div></body>`;
  const text = (word: string) => `${word} settings. `.repeat(60);
  const plain = await scrolled(base.replace('BG', '#234').replace('CONTENT', text('Profile')), [0]);
  const hover = await scrolled(base.replace('BG', '#4a6fa5').replace('CONTENT', text('Profile')), [0]);
  const tab = await scrolled(base.replace('BG', '#234').replace('CONTENT', `<table>${Array.from({ length: 12 }, (_, i) => `<tr><td>Invoice ${i}</td><td>${(i * 37.5).toFixed(2)} EUR</td></tr>`).join('')}</table>`), [0]);
  const frames = [plain, plain, hover, hover, hover, tab, tab, tab].map((p, i) => {
    const v = p.views.get(0)!;
    return { index: i, timeS: i / 10, width: v.width, height: v.height, rgba: withCursor(v, 40, 30 + Math.min(i, 2) * 2) };
  });
  const detector = new ScreenDetector();
  for (const f of frames) detector.push(f);
  const { screens, transitions } = detector.finish();
  assert.equal(screens.length, 2);
  assert.equal(transitions.length, 1);
  const lit = transitions[0]!.highlight;
  assert.ok(lit && lit.y < 60, `the tab's highlight is the transition's evidence: ${JSON.stringify(lit)}`);
});

test('a table of look-alike rows beside a fixed sidebar, flicked through in a compressed recording, is one page stitched whole', async () => {
  const names = ['Ava Thompson', 'Liam Chen', 'Isla Brown', 'Leo Dubois', 'Mia Rossi', 'Noah Schmidt', 'Zoe Martin'];
  const rows = Array.from({ length: 40 }, (_, i) =>
    `<tr style="height:36px;border-bottom:1px solid #eee"><td>#${10482 - i * 7}</td><td>${names[i % names.length]}</td><td>Jun ${28 - (i >> 1)}, 2026</td><td>${['Paid', 'Shipped', 'Pending'][i % 3]}</td><td style="text-align:right">$${(37 + i * 53) % 500}.00</td></tr>`).join('');
  const page = `<body style="margin:0;font:14px 'Liberation Sans';color:#223">
    <aside style="position:fixed;top:0;bottom:0;left:0;width:200px;background:#123;color:#cde;padding:20px;box-sizing:border-box">
      <div style="margin:12px 0">Overview</div><div style="margin:12px 0">Orders</div><div style="margin:12px 0">Customers</div>
      <div style="position:absolute;bottom:20px">Pro plan</div></aside>
    <style>tr:hover{background:#e3f7f3}</style>
    <main style="margin-left:200px;padding:24px"><table style="width:100%;border-collapse:collapse">${rows}</table></main></body>`;
  // An easing flick: the shift grows past a table row between frames, then eases out.
  const offsets = [0, 0, 0, 4, 14, 32, 60, 98, 140, 180, 214, 240, 258, 268, 272, 272, 272, 272];
  // The mouse rests over the table, so the row under it lights up as the rows pass.
  const { views, full } = await scrolled(page, offsets, { x: 500, y: 240 });
  // Through the codec, as a recording is: its noise is what makes look-alike rows hard to tell apart.
  const dir = await mkdtemp(join(tmpdir(), 'loupe-flick-'));
  try {
    const path = join(dir, 'flick.webm');
    const encoder = startVideoEncoder({ path, codec: 'vp9', width: VIEWPORT.width, height: VIEWPORT.height, fps: 30 });
    for (const y of offsets) await encoder.write(withCursor(views.get(y)!, 500, 240));
    await encoder.finish();
    const detector = new ScreenDetector();
    for await (const frame of await readVideoFrames(path, { fps: 30 })) detector.push(frame);
    const { screens, transitions } = detector.finish();
    assert.equal(screens.length, 1, 'one page');
    assert.equal(transitions.length, 0);
    const stitched = screens[0]!.canvas.image();
    assert.equal(stitched.height, 272 + VIEWPORT.height);
    // The table's columns against the page as the browser lays it out (the fixed sidebar's rows differ there).
    const table = (p: Picture) => ({ ...p, rgba: p.rgba.filter((_, i) => Math.floor(i / 4) % p.width >= 200), width: p.width - 200 });
    const diff = meanAbsDifference(table(stitched), table(full), stitched.height);
    assert.ok(diff < 3, `stitched table differs by ${diff}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

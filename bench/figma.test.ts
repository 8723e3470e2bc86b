import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderPool } from '../engine/render/pool.ts';
import { runFigmaBench } from './figma.ts';

const pool = new RenderPool(1);
let dir = '';
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loupe-figma-bench-'));
});
test.after(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

// A 2×2 PNG (red, green / blue, white), drawn large so a lost or misplaced picture shows in SSIM.
const QUAD = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=';

const PAGE = `<html><body style="margin:0;font-family:Arial,'Liberation Sans',sans-serif;background:#f7f7f2">
  <header style="background:#203040;color:#ffffff;padding:16px 24px;font-size:22px;box-shadow:0 2px 6px rgba(0,0,0,.3)">Harbour Books</header>
  <main style="padding:24px;display:flex;gap:24px">
    <img src="data:image/png;base64,${QUAD}" style="width:240px;height:160px;border-radius:6px">
    <section style="flex:1;border:1px solid #d0d0c8;border-radius:8px;padding:16px;background:#ffffff">
      <h2 style="margin:0 0 12px;font-size:28px;color:#203040">New arrivals this week</h2>
      <p style="margin:0;font-size:16px;line-height:24px;color:#333333">Twelve novels, <b>three cookbooks</b> and a field guide to the birds of the coast, with maps.</p>
      <button style="margin-top:16px;background:#c0392b;color:#fff;border:0;border-radius:4px;padding:8px 16px;font-size:15px">Visit the shop</button>
    </section>
  </main></body></html>`;

test('the Figma bench exports each page as a fixture, converts it and scores it against the page', async () => {
  const pages = join(dir, 'pages');
  const cache = join(dir, 'cache');
  await mkdir(pages);
  await writeFile(join(pages, '1.html'), PAGE);
  const { summary, results } = await runFigmaBench({ pagesDir: pages, stack: 'html-css', width: 900, pool, cacheDir: cache });

  assert.equal(summary.failed, 0, JSON.stringify(results));
  assert.deepEqual((await readdir(join(cache, 'figma', '1'))).sort(), ['frame.json', 'frame.png', 'images']);
  assert.equal((await readdir(join(cache, 'figma', '1', 'images'))).length, 1, 'the picture is written by its imageRef');
  // Measured 0.999 SSIM on this page; every text found in place and in its colour.
  const m = results[0]!.metrics!;
  assert.ok(m.ssim > 0.98, JSON.stringify(m));
  assert.ok(m.text > 0.95 && m.position > 0.95 && m.color > 0.95, JSON.stringify(m));
  assert.equal(results[0]!.checks!.absoluteShare, 0, 'no element placed absolutely');
});

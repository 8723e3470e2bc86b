import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderPool } from '../engine/render/pool.ts';
import { closePerception } from '../engine/perceive/index.ts';
import { runD2CBench } from './d2c.ts';

const pool = new RenderPool(1);
let dir = '';
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loupe-bench-'));
});
test.after(async () => {
  await pool.close();
  await closePerception();
  await rm(dir, { recursive: true, force: true });
});

const PAGE = `<html><body style="margin:0;font-family:Arial,'Liberation Sans',sans-serif;background:#f7f7f2">
  <header style="background:#203040;color:#ffffff;padding:16px 24px;font-size:22px">Harbour Books</header>
  <main style="padding:24px">
    <h2 style="margin:0 0 12px;font-size:28px;color:#203040">New arrivals this week</h2>
    <p style="margin:0;font-size:16px;line-height:24px;color:#333333">Twelve novels, three cookbooks and a field guide to the birds of the coast.</p>
  </main></body></html>`;

test('the Design2Code bench renders pages at the width asked, converts them and scores every page, there and at a reflow width', async () => {
  const pages = join(dir, 'pages');
  const cache = join(dir, 'cache');
  await mkdir(pages);
  await writeFile(join(pages, '1.html'), PAGE);
  await writeFile(join(pages, '2.html'), PAGE.replace('Harbour Books', 'Lantern Street Books'));
  const seen: string[] = [];
  const { summary, results } = await runD2CBench({ pagesDir: pages, stack: 'html-css', width: 390, reflow: [768], pool, cacheDir: cache, onPage: (r) => seen.push(r.page) });

  assert.deepEqual(seen, ['1.html', '2.html'], 'every page reported as it finishes');
  assert.equal(summary.pages, 2);
  assert.equal(summary.failed, 0, JSON.stringify(results));
  const metas = (await readdir(cache)).filter((f) => f.endsWith('.json'));
  assert.equal(metas.length, 4, 'one cached reference per page and width');
  const widths = await Promise.all(metas.map(async (m) => JSON.parse(await readFile(join(cache, m), 'utf8')).width as number));
  assert.deepEqual(widths.sort(), [390, 390, 768, 768], 'references rendered at the asked widths');
  // A simple page converts faithfully at a phone width too.
  assert.ok(summary.metrics.text > 0.9 && summary.metrics.block > 0.8 && summary.metrics.ssim > 0.8, JSON.stringify(summary.metrics));
  assert.deepEqual(summary.checks.failingPages, []);
  assert.ok(results.every((r) => r.strictBlock! > 0 && r.strictBlock! <= 1), JSON.stringify(results.map((r) => r.strictBlock)));
  // At 768 px the same text is found again, wherever the code puts it; neither side is wider than the viewport.
  assert.deepEqual(summary.reflow?.map((r) => r.width), [768]);
  assert.ok(summary.reflow![0].metrics.text > 0.9, JSON.stringify(summary.reflow));
  assert.deepEqual(summary.reflow![0].scrollsSideways, { pages: 0, names: [] });
  for (const r of results) assert.deepEqual(r.reflow?.map((f) => [f.width, f.scrollsSideways.original]), [[768, false]]);
  assert.ok(summary.timing.medianMs > 0 && summary.timing.rendersPerSecond > 0);
});

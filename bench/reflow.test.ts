import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderPool } from '../engine/render/pool.ts';
import { DESIGN2CODE_DATA } from '../testing/data.ts';
import { readReferenceHtml } from './reference-pages.ts';
import { renderPage } from './rendered-page.ts';
import { scoreReflow, strictBlockScore, summarizeReflow } from './reflow.ts';
import { scoreBlocks } from '../engine/compare/index.ts';

const pool = new RenderPool(1);
let cache = '';
test.before(async () => {
  cache = await mkdtemp(join(tmpdir(), 'loupe-reflow-'));
});
test.after(async () => {
  await pool.close();
  await rm(cache, { recursive: true, force: true });
});

// A Design2Code dev page (a blog post) whose layout reflows, and whose paragraphs wrap over several lines.
const PAGE = join(DESIGN2CODE_DATA, '1574.html');

test('code that keeps a fixed 1280 px width scrolls sideways at 768 px where the original does not, and is counted', async () => {
  const original = await readReferenceHtml(PAGE);
  const fixed = original.replace('</head>', '<style>body { width: 1280px; max-width: none }</style></head>');
  const [asFixed, asOriginal] = [await scoreReflow(PAGE, fixed, 768, pool, cache), await scoreReflow(PAGE, original, 768, pool, cache)];
  assert.deepEqual(asFixed.scrollsSideways, { code: true, original: false });
  assert.deepEqual(asOriginal.scrollsSideways, { code: false, original: false });
  assert.equal(asOriginal.metrics.ssim, 1, 'the original scored against itself');
  assert.ok(asFixed.metrics.ssim < 0.9, `the fixed-width code looks unlike the reflowed page: ${asFixed.metrics.ssim}`);

  const [summary] = summarizeReflow(
    [
      { page: 'fixed.html', ok: true, reflow: [asFixed] },
      { page: 'fluid.html', ok: true, reflow: [asOriginal] },
    ],
    [768],
  );
  assert.equal(summary.width, 768);
  assert.deepEqual(summary.scrollsSideways, { pages: 1, names: ['fixed.html'] });
});

test('the strict block score drops below the block score when each paragraph is cut into one element per line', async () => {
  const original = await readReferenceHtml(PAGE);
  let cut = 0;
  // Each long paragraph becomes one <p> per eight words, stacked as lines with no gap.
  const lines = original.replace(/<p>\s*([^<]{100,}?)\s*<\/p>/g, (_, text: string) => {
    cut++;
    const words = text.split(/\s+/);
    const chunks = Array.from({ length: Math.ceil(words.length / 8) }, (_, i) => words.slice(i * 8, i * 8 + 8).join(' '));
    return chunks.map((c) => `<p style="margin:0">${c}</p>`).join('');
  });
  assert.ok(cut >= 5, `paragraphs cut: ${cut}`);
  const [reference, asWritten, asLines] = await Promise.all([original, original, lines].map((html) => renderPage(html, 1280, pool)));
  assert.equal(strictBlockScore(reference.blocks, asWritten.blocks, reference, asWritten), 1, 'the page itself matches one to one');
  const strict = strictBlockScore(reference.blocks, asLines.blocks, reference, asLines);
  const merged = scoreBlocks(reference.blocks, asLines.blocks, reference, asLines).scores.block;
  assert.ok(strict < merged - 0.05, `strict ${strict} against block ${merged}`);
});

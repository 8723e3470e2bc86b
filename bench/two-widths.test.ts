// Two designs of one page: a real Design2Code page rendered at 1280 and at 390 px is converted
// into one codebase, which looks like each render at its width, in every stack alike.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderPool } from '../engine/render/pool.ts';
import { decodeDesignImage } from '../engine/ingest/image.ts';
import { buildPreview, generateTwoWidths } from '../engine/codegen/index.ts';
import { comparePixels } from '../engine/compare/index.ts';
import { convertTwoWidths } from '../engine/pipeline/convert-widths.ts';
import { closePerception } from '../engine/perceive/index.ts';
import { DESIGN2CODE_DATA } from '../testing/data.ts';
import { renderReference } from './reference-pages.ts';
import { renderPage } from './rendered-page.ts';

const pool = new RenderPool(2);
let cache = '';
test.before(async () => {
  cache = await mkdtemp(join(tmpdir(), 'loupe-two-widths-'));
});
test.after(async () => {
  await pool.close();
  await closePerception();
  await rm(cache, { recursive: true, force: true });
});

// A shop's product page: a header, breadcrumbs, a product with its picture, a grid of others.
const PAGE = join(DESIGN2CODE_DATA, '11.html');

test('a desktop and a phone render of one page become one codebase that looks like each at its width, in every stack', { timeout: 240_000 }, async () => {
  const [wide, narrow] = await Promise.all([renderReference(PAGE, 1280, pool, cache), renderReference(PAGE, 390, pool, cache)]);
  const designs = await Promise.all([decodeDesignImage(wide.png, 'wide.png'), decodeDesignImage(narrow.png, 'narrow.png')]);
  // Given phone first, the wider is still the base.
  await assert.rejects(convertTwoWidths(designs[1], designs[0], { stack: 'html-css', pool }), /narrower than the first/);
  const c = await convertTwoWidths(designs[0], designs[1], { stack: 'html-css', pool, referenceBlocks: wide.blocks, narrowReferenceBlocks: narrow.blocks });
  // Measured when written: SSIM 0.986 at 1280 px and 0.924 at 390 px (0.929 for the phone render converted alone).
  assert.ok(c.scores.ssim > 0.95, `at 1280 px: SSIM ${c.scores.ssim}`);
  assert.ok(c.narrow.scores.ssim > 0.88, `at 390 px: SSIM ${c.narrow.scores.ssim}`);
  assert.ok(c.scores.block > 0.9 && c.narrow.scores.block > 0.9, `Block ${c.scores.block} / ${c.narrow.scores.block}`);
  assert.equal(c.merge.breakpoint, 768);
  assert.ok(c.merge.shared >= 10, `elements written once for both: ${JSON.stringify(c.merge)}`);

  // The phone's layout holds below the breakpoint only: at 1280 px the phone-only elements are hidden.
  const htmlCss = c.preview;
  for (const stack of ['html-tailwind', 'react-tailwind'] as const) {
    const preview = await buildPreview(await generateTwoWidths(c.design, c.narrow.design, stack));
    for (const width of [1280, 390]) {
      const [a, b] = await Promise.all([renderPage(htmlCss, width, pool), renderPage(preview, width, pool)]);
      const { ssim } = await comparePixels(a.png, b.png);
      assert.ok(ssim > 0.99, `${stack} at ${width} px looks like html-css: SSIM ${ssim}`);
    }
  }
});

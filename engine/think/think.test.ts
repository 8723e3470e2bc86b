// Think mode on a real design: a page rendered in Chromium (a serif, a narrow sans, spaced
// capitals), perceived with the real OCR models, rendered and repaired with the real pool.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { TextBlock } from '../ir/text-block.ts';
import { extractTextBlocks, scoreBlocks } from '../compare/index.ts';
import { RenderPool } from '../render/pool.ts';
import { LoupeError } from '../errors.ts';
import { decodeDesignImage, encodePng } from '../ingest/image.ts';
import { closePerception, perceive } from '../perceive/index.ts';
import type { Design } from '../ir/index.ts';
import { hexToRgb, toHex, type Rgb } from '../ir/color.ts';
import { convertImage } from '../pipeline/convert.ts';
import { makeAttempt } from './attempt.ts';
import { think } from './think.ts';
import { textNodes } from './text-match.ts';

const pool = new RenderPool(2);
test.after(async () => {
  await pool.close();
  await closePerception();
});

const DESIGN = `<html><body style="margin:0;background:#ffffff;font-family:'DejaVu Serif'">
  <div style="padding:40px 48px">
    <h1 style="margin:0 0 20px;font-size:34px;color:#1f2937">Quarterly report for the board</h1>
    <p style="margin:0 0 14px;font-size:17px;color:#4b5563;font-family:'Liberation Sans Narrow'">Revenue grew in every region while costs stayed flat.</p>
    <p style="margin:0 0 28px;font-size:17px;color:#4b5563;font-family:'Liberation Sans Narrow'">The new plant opens in March, two weeks ahead of plan.</p>
    <div style="font-family:'Liberation Sans';font-size:13px;letter-spacing:3px;color:#6b7280;text-transform:uppercase">Prepared by the finance team</div>
  </div></body></html>`;

/** The design as a screenshot, and its true text blocks (what the benchmark would score against). */
async function design(): Promise<{ image: DecodedImage; truth: TextBlock[] }> {
  let truth: TextBlock[] = [];
  const shot = await pool.screenshot(DESIGN, { width: 900, height: 320 }, { fullPage: false, inspect: async (page) => void (truth = await extractTextBlocks(page)) });
  return { image: await decodeDesignImage(shot.png, 'report.png'), truth };
}

/** `hex` moved a share `t` of the way to white. */
const paler = (hex: string, t: number) => toHex(hexToRgb(hex).map((v) => v * (1 - t) + 255 * t) as Rgb);

test('think repairs a first pass that is off (text too small, too pale) and keeps the best round', async () => {
  const { image, truth } = await design();
  const designPng = await encodePng(image);
  const perception = await perceive(image);
  // A first pass off the way a wrong face or a washed-out colour estimate leaves it: known
  // errors the repairs must find from the pixels alone.
  const off = structuredClone(perception.design);
  for (const n of textNodes(off.root)) {
    n.style.fontSize = Math.round(n.style.fontSize * 0.85 * 10) / 10;
    n.style.color = paler(n.style.color, 0.45);
  }
  const attempt = (d: Design) => makeAttempt(d, 'html-css', pool, designPng, image);
  const first = await attempt(off);
  const { best, report } = await think(first, { image, perceived: perception.textBlocks, deadline: performance.now() + 60_000, firstRoundMs: 2000, attempt });

  assert.ok(report.rounds.length >= 2, 'at least one repair round ran');
  assert.ok(report.best > 0, `a repaired round was kept (stopped: ${report.stoppedBy})`);
  const scores = report.rounds.map((r) => r.scores.score);
  assert.equal(report.rounds[report.best].scores.score, Math.max(...scores), 'the kept round is the best one');
  assert.ok(report.gain.score > 0 && report.gain.color > 0, JSON.stringify(report.gain));

  // Closer to the true design, which think never saw…
  const before = scoreBlocks(truth, first.blocks, image, first.render).scores;
  const after = scoreBlocks(truth, best.blocks, image, best.render).scores;
  assert.ok(after.color > before.color, `color ${before.color} → ${after.color}`);
  assert.ok(after.position >= before.position - 0.002, `position ${before.position} → ${after.position}`);
  assert.ok(best.pixels.ssim > first.pixels.ssim, `ssim ${first.pixels.ssim} → ${best.pixels.ssim}`);
  // …its sizes moved back towards what perception measured…
  const sizes = (d: Design) => textNodes(d.root).map((n) => n.style.fontSize);
  const truthSizes = sizes(perception.design), offSizes = sizes(off), fixedSizes = sizes(best.design);
  const error = (xs: number[]) => xs.reduce((t, x, i) => t + Math.abs(x - truthSizes[i]!), 0);
  assert.ok(error(fixedSizes) < error(offSizes) / 2, `font sizes ${offSizes} → ${fixedSizes} (perceived ${truthSizes})`);
  // …and repairs never change the words.
  assert.deepEqual(textNodes(best.design.root).map((n) => n.text), textNodes(off.root).map((n) => n.text));
});

test('think stops at the budget: with no time left it keeps the first pass', async () => {
  const { image } = await design();
  const fast = await convertImage(image, { stack: 'html-css', pool });
  const thought = await convertImage(image, { stack: 'html-css', pool, mode: 'think', budgetMs: 1 });
  assert.equal(thought.think!.stoppedBy, 'budget');
  assert.equal(thought.think!.rounds.length, 1);
  assert.equal(thought.think!.best, 0);
  assert.equal(thought.preview, fast.preview);
});

test('think can be cancelled while it repairs', async () => {
  const { image } = await design();
  const abort = new AbortController();
  const stages: string[] = [];
  await assert.rejects(
    convertImage(image, {
      stack: 'html-css',
      pool,
      mode: 'think',
      budgetMs: 60_000,
      signal: abort.signal,
      onProgress: (p) => {
        stages.push(p.stage);
        if (p.stage === 'think') abort.abort();
      },
    }),
    (e) => e instanceof LoupeError && e.code === 'CANCELLED',
  );
  assert.ok(stages.includes('think'), 'the think stage reports progress');
});

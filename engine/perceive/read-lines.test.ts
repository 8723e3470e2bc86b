// Detecting and reading text lines with the real models, on pages rendered in Chromium whose
// text is known.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderPool } from '../render/pool.ts';
import { isLoupeError } from '../errors.ts';
import { closeOcr, detectText } from './ocr.ts';
import { measureLines, type TextLine } from './text-lines.ts';
import { readLines } from './read-lines.ts';
import { renderImage } from '../../testing/perceive/support.ts';

const pool = new RenderPool(1);
test.after(async () => {
  await pool.close();
  await closeOcr();
});

async function readPage(body: string, width = 800, height = 200): Promise<TextLine[]> {
  const html = `<html><body style="margin:0;background:#fff;font-family:Arial,'Liberation Sans',sans-serif">${body}</body></html>`;
  const img = await renderImage(pool, html, width, height);
  const measured = (await detectText(img.rgba, img.width, img.height))
    .flatMap((b) => measureLines(img, b))
    .sort((a, b) => a.ink.y0 - b.ink.y0 || a.ink.x0 - b.ink.x0);
  return readLines(img, measured);
}

const texts = (lines: TextLine[]) => lines.map((l) => l.text);

test('reads a line of several words with its spaces, and digits and punctuation', async () => {
  const lines = await readPage(`
    <p style="position:absolute;left:30px;top:20px;margin:0;font-size:18px;color:#222">Order before noon and we deliver the same day</p>
    <p style="position:absolute;left:30px;top:80px;margin:0;font-size:18px;color:#222">Call 555-0199, or pay $24.50 (tax 8%).</p>`);
  assert.deepEqual(texts(lines), ['Order before noon and we deliver the same day', 'Call 555-0199, or pay $24.50 (tax 8%).']);
  for (const l of lines) assert.ok(l.confidence > 0.8 && l.confidence <= 1, `${l.text}: confidence ${l.confidence}`);
  // Each word as read keeps the image columns it spans: in order, inside the line's ink.
  for (const l of lines) {
    assert.equal(l.words.map((w) => w.text).join(' '), l.text);
    for (const [k, w] of l.words.entries()) {
      assert.ok(w.x0 >= l.ink.x0 - 3 && w.x1 <= l.ink.x1 + 3 && w.x1 > w.x0, `${w.text}: columns ${w.x0}-${w.x1} outside ${l.ink.x0}-${l.ink.x1}`);
      if (k > 0) assert.ok(w.x0 >= l.words[k - 1].x1 - 1, `${w.text} overlaps the word before it`);
    }
  }
});

test('reads light text on dark and tinted backgrounds', async () => {
  const lines = await readPage(`
    <div style="position:absolute;left:0;top:0;width:800px;height:70px;background:#1d3557">
      <span style="position:absolute;left:30px;top:22px;font-size:20px;color:#fff">Northwind Traders</span>
    </div>
    <div style="position:absolute;left:30px;top:110px;width:220px;height:48px;background:#e63946;border-radius:6px">
      <span style="position:absolute;left:24px;top:14px;font-size:18px;color:#fff">Shop the menu</span>
    </div>`);
  assert.deepEqual(texts(lines), ['Northwind Traders', 'Shop the menu']);
});

test('reads small labels', async () => {
  const lines = await readPage(`
    <span style="position:absolute;left:30px;top:20px;font-size:11px;color:#555">Terms of service</span>
    <span style="position:absolute;left:300px;top:20px;font-size:11px;color:#555">Privacy</span>
    <span style="position:absolute;left:30px;top:60px;font-size:12px;color:#2a9d8f">Updated 12 May 2024</span>`);
  assert.deepEqual(texts(lines), ['Terms of service', 'Privacy', 'Updated 12 May 2024']);
});

test('a missing or corrupt detection model is a LoupeError that names the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-det-'));
  try {
    const white = Buffer.alloc(64 * 64 * 4, 255);
    const missing = join(dir, 'missing.onnx');
    await assert.rejects(detectText(white, 64, 64, { modelPath: missing }), (e) => isLoupeError(e) && e.code === 'INPUT_CORRUPT' && e.message.includes('missing.onnx'));
    const corrupt = join(dir, 'corrupt.onnx');
    await writeFile(corrupt, 'not a model');
    await assert.rejects(detectText(white, 64, 64, { modelPath: corrupt }), (e) => isLoupeError(e) && e.message.includes('corrupt.onnx'));
    // The real model still detects afterwards, in the same worker.
    assert.deepEqual(await detectText(white, 64, 64), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a capital I on its own, which Tesseract reads as a bar, is read as I; a separator bar, which reaches below the baseline, stays a bar', async () => {
  const lines = await readPage(`
    <p style="position:absolute;left:30px;top:20px;margin:0;font-size:16px;color:#222">So I roll with it and now I have to invent a name</p>
    <p style="position:absolute;left:30px;top:80px;margin:0;font-size:16px;color:#222">Home | Search | Subscribe | About</p>`);
  assert.deepEqual(texts(lines), ['So I roll with it and now I have to invent a name', 'Home | Search | Subscribe | About']);
});

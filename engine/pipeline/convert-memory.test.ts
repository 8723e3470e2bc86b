// After perceiving a design past RELEASE_OCR_PIXELS the text reader's workers are closed, so
// the memory they took does not stay through the render and the comparison; after an ordinary
// design they stay warm for the next conversion. Real OCR, real Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodeDesignImage } from '../ingest/image.ts';
import { RELEASE_OCR_PIXELS, closePerception } from '../perceive/index.ts';
import { RenderPool } from '../render/pool.ts';
import { watchWorkers } from '../../testing/worker-watch.ts';
import { convertImage } from './convert.ts';

const workers = watchWorkers();
const pool = new RenderPool(1);
test.after(async () => {
  workers.stop();
  await pool.close();
  await closePerception();
});

const ocrWorkers = () => workers.running().filter((entry) => /detect\.worker|tesseract/i.test(entry));

test('the text reader stays warm after an ordinary design and is closed after one past the limit', { timeout: 300_000 }, async () => {
  const landing = await decodeDesignImage(await readFile(new URL('../../examples/landing.png', import.meta.url)), 'landing.png');
  await convertImage(landing, { stack: 'html-css', pool });
  assert.ok(ocrWorkers().length > 0, 'warm after an ordinary design');

  const width = 4096;
  const height = Math.ceil(RELEASE_OCR_PIXELS / width) + 1;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f6f6f6"/><text x="200" y="300" font-family="Arimo" font-size="64">Large design</text></svg>`;
  const large = await decodeDesignImage(await sharp(Buffer.from(svg)).png().toBuffer(), 'large.png');
  const conversion = await convertImage(large, { stack: 'html-css', pool });
  assert.ok(conversion.textBlocks.some((b) => /Large/.test(b.text)), 'its text was read before the reader closed');
  assert.deepEqual(ocrWorkers(), [], 'closed after a design past the limit');
});

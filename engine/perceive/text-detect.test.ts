// The detector's tiles on a wide design: shorter, so each holds no more pixels than a 1280 px
// page's, and the text of the wide design is still found, a line in each tile and one across a
// tile boundary included. Real model, a design drawn with real text.
import test from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { detectionModel } from './ocr.ts';
import { DEFAULT_DETECT, TextDetector, tileHeightFor } from './text-detect.ts';

test('a wider design gets shorter tiles of the same area; a 1280 px page keeps tiles 2048 px tall', () => {
  assert.equal(tileHeightFor(1280, DEFAULT_DETECT), 2048);
  assert.equal(tileHeightFor(8192, DEFAULT_DETECT), 320);
  assert.ok(tileHeightFor(8192, DEFAULT_DETECT) * 8192 <= 1280 * 2048);
  // Never so short that the overlap is most of the tile.
  assert.equal(tileHeightFor(1_000_000, DEFAULT_DETECT), 3 * DEFAULT_DETECT.overlap);
});

test('the text of a 6000 px wide design is found in its short tiles, a line across a tile boundary included', async () => {
  const width = 6000;
  const height = 1400;
  const tile = tileHeightFor(width, DEFAULT_DETECT);
  const step = tile - DEFAULT_DETECT.overlap;
  // One line well inside the first tile, one straddling the boundary the second tile starts at, one far right.
  const lines = [
    { x: 200, y: 120, text: 'Plans and pricing' },
    { x: 1500, y: step + DEFAULT_DETECT.overlap / 2, text: 'Start your free trial today' },
    { x: 5200, y: 1200, text: 'Contact sales' },
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${lines.map((l) => `<text x="${l.x}" y="${l.y}" font-family="Arimo, sans-serif" font-size="40" dominant-baseline="middle" fill="#111">${l.text}</text>`).join('')}</svg>`;
  const rgba = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer();
  const detector = await TextDetector.create(detectionModel(), 1);
  const boxes = await detector.detect(rgba, width, height);
  for (const line of lines) {
    const found = boxes.filter((b) => Math.abs(b.y + b.height / 2 - line.y) < 30 && b.x < line.x + 40 && b.x + b.width > line.x + 200);
    assert.equal(found.length, 1, `"${line.text}" found once: ${JSON.stringify(boxes)}`);
  }
});

import test from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { comparePixels } from './pixels.ts';

/** A page-like PNG: white, with dark "text lines" and coloured panels; `shift` moves it all right. */
async function page(width: number, height: number, opts: { shift?: number; panel?: string; footer?: boolean } = {}): Promise<Buffer> {
  const shift = opts.shift ?? 0;
  const parts: string[] = [];
  for (let y = 40; y < Math.min(height, 4000); y += 36) {
    const w = 200 + ((y * 37) % 600);
    parts.push(`<rect x="${60 + shift}" y="${y}" width="${w}" height="14" fill="#333"/>`);
  }
  parts.push(`<rect x="${700 + shift}" y="100" width="400" height="300" fill="${opts.panel ?? '#2563eb'}"/>`);
  if (opts.footer) parts.push(`<rect x="0" y="${height - 200}" width="${width}" height="200" fill="#111827"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 1 }).toBuffer();
}

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * info.channels;
  return Array.from(data.subarray(o, o + 3));
}

test('identical images: SSIM 1, no mismatch, heat map at the reference size', async () => {
  const png = await page(800, 1200);
  const r = await comparePixels(png, Buffer.from(png));
  assert.equal(r.ssim, 1);
  assert.equal(r.mismatchRatio, 0);
  assert.deepEqual([r.width, r.height], [800, 1200]);
  const meta = await sharp(r.heatmap).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 800, 1200]);
});

test('a shifted page lowers SSIM and shows mismatches', async () => {
  const ref = await page(800, 1200);
  const r = await comparePixels(ref, await page(800, 1200, { shift: 12 }));
  assert.ok(r.ssim < 0.95, `ssim ${r.ssim}`);
  assert.ok(r.mismatchRatio > 0.01, `mismatch ${r.mismatchRatio}`);
});

test('a recoloured panel lowers SSIM; the mismatch is its area, drawn red on the heat map', async () => {
  const ref = await page(800, 1200);
  const r = await comparePixels(ref, await page(800, 1200, { panel: '#fbbf24' }));
  assert.ok(r.ssim < 1, `ssim ${r.ssim}`);
  // The panel spans x 700..1100, clipped at 800: 100 × 300 px.
  assert.ok(Math.abs(r.mismatchRatio - (100 * 300) / (800 * 1200)) < 1e-3, `mismatch ${r.mismatchRatio}`);
  assert.deepEqual(await pixel(r.heatmap, 750, 250), [255, 0, 0]);
  // Elsewhere the heat map is a faded copy of the reference: light, and grey.
  const [rr, gg, bb] = await pixel(r.heatmap, 10, 10);
  assert.ok(rr > 200 && rr === gg && gg === bb, `${rr},${gg},${bb}`);
});

test('different heights: measured on the reference, candidate cropped or padded with white', async () => {
  const ref = await page(800, 1200);
  // Taller candidate, same top 1200 px: the extra height is cropped away.
  const taller = await page(800, 1600);
  const t = await comparePixels(ref, taller);
  assert.deepEqual([t.width, t.height], [800, 1200]);
  assert.equal(t.mismatchRatio, 0);
  // Shorter candidate: the missing part is compared against white.
  const withFooter = await page(800, 1200, { footer: true });
  const short = await sharp(withFooter).extract({ left: 0, top: 0, width: 800, height: 1000 }).png().toBuffer();
  const s = await comparePixels(withFooter, short);
  assert.deepEqual([s.width, s.height], [800, 1200]);
  assert.ok(Math.abs(s.mismatchRatio - 200 / 1200) < 1e-9, `mismatch ${s.mismatchRatio}`);
  assert.ok(s.ssim < 1);
  // A narrower candidate is padded on the right too.
  const narrow = await sharp(ref).extract({ left: 0, top: 0, width: 700, height: 1200 }).png().toBuffer();
  const n = await comparePixels(ref, narrow);
  assert.deepEqual([n.width, n.height], [800, 1200]);
  assert.ok(n.mismatchRatio > 0);
});

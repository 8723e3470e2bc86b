import test from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { capturePage } from './capture.ts';
import { RenderPool } from './pool.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

const rgb = async (png: Buffer) => {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

test('a page over the capture limit is taken in bands and joined: the same pixels as one capture', async () => {
  // Stripes 37 px tall in a gradient, so a band joined one row off, or a missing band, changes pixels.
  const stripes = Array.from({ length: 27 }, (_, i) => `<div style="height:37px;background:rgb(${i * 9},${255 - i * 9},${(i * 53) % 256})"></div>`).join('');
  const html = `<html><body style="margin:0">${stripes}<p style="margin:0;font:16px sans-serif">end</p></body></html>`;
  const [whole, banded] = await pool.withPage(html, { width: 300, height: 200 }, async (_page, cdp) => [await capturePage(cdp, 300, 1017), await capturePage(cdp, 300, 1017, 300 * 100)]);
  const [a, b] = await Promise.all([rgb(whole), rgb(banded)]);
  assert.deepEqual([b.width, b.height], [300, 1017]);
  assert.deepEqual([a.width, a.height], [300, 1017]);
  assert.ok(a.data.equals(b.data), 'eleven bands of 100 rows joined give the picture of one capture');
});

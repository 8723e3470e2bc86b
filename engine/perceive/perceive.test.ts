import test from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { RenderPool } from '../render/pool.ts';
import { parseDesign } from '../ir/validate.ts';
import type { FrameNode, ImageNode, TextNode } from '../ir/schema.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { perceive, closePerception, type Perception } from './index.ts';
import { allNodes, hexDist, renderImage } from '../../testing/perceive/support.ts';

const pool = new RenderPool(1);
test.after(async () => {
  await pool.close();
  await closePerception();
});

/** A noisy gradient PNG: a stand-in for a photo. */
async function photo(width: number, height: number): Promise<string> {
  const data = Buffer.alloc(width * height * 3);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / width + rnd() * 40;
      data[i + 1] = (y * 255) / height + rnd() * 40;
      data[i + 2] = 128 + rnd() * 80;
    }
  const png = await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

const render = (html: string, width = 1280, height = 800) => renderImage(pool, html, width, height);

/** Similarity of two strings, 0..1 (longest-common-subsequence based). */
function ratio(a: string, b: string): number {
  const m = a.length, n = b.length;
  const dp = Array.from({ length: m + 1 }, () => new Int32Array(n + 1));
  for (let i = 1; i <= m; i++) for (let j = 1; j <= n; j++) dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
  return (2 * dp[m][n]) / Math.max(1, m + n);
}

let shared: { result: Perception; truth: Array<{ text: string; x: number; y: number; w: number; h: number }>; image: DecodedImage } | undefined;

async function syntheticPage() {
  if (shared) return shared;
  const img = await photo(240, 160);
  const html = `<html><body style="margin:0;background:#f4f1ea;font-family:Arial,'Liberation Sans',sans-serif">
    <div id="bar" style="position:absolute;left:0;top:0;width:1280px;height:64px;background:#1d3557">
      <span class="t" style="position:absolute;left:40px;top:20px;font-size:20px;color:#ffffff">Northwind Traders</span>
    </div>
    <h1 class="t" style="position:absolute;left:40px;top:110px;margin:0;font-size:36px;font-weight:700;color:#222222">Fresh coffee every morning</h1>
    <p class="t" style="position:absolute;left:40px;top:180px;margin:0;font-size:16px;color:#444444">Order before noon and we deliver the same day.</p>
    <img id="photo" src="${img}" style="position:absolute;left:700px;top:120px;width:240px;height:160px">
    <div id="button" style="position:absolute;left:40px;top:240px;width:180px;height:48px;background:#e63946;border-radius:6px">
      <span class="t" style="position:absolute;left:24px;top:14px;font-size:18px;color:#ffffff">Shop the menu</span>
    </div>
    <p class="t" style="position:absolute;left:40px;top:340px;margin:0;font-size:14px;color:#2a9d8f">Questions? Write to hello at northwind</p>
  </body></html>`;
  const image = await render(html);
  const truth = await pool.withPage(html, { width: 1280, height: 800 }, (page) =>
    // A string, so this Node-only file needs no DOM types.
    page.evaluate(`[...document.querySelectorAll('.t')].map((el) => {
      const r = document.createRange();
      r.selectNodeContents(el);
      const b = r.getBoundingClientRect();
      return { text: el.textContent, x: b.x, y: b.y, w: b.width, h: b.height };
    })`) as Promise<Array<{ text: string; x: number; y: number; w: number; h: number }>>,
  );
  const t = performance.now();
  const result = await perceive(image);
  console.log(`perceive() on a 1280x${image.height} synthetic page: ${(performance.now() - t).toFixed(0)} ms (cold)`);
  shared = { result, truth, image };
  return shared;
}

test('reads every text line, with its box and colour, dark-on-light and light-on-dark', async () => {
  const { result, truth } = await syntheticPage();
  const colours: Record<string, string> = {
    'Northwind Traders': '#ffffff',
    'Fresh coffee every morning': '#222222',
    'Order before noon and we deliver the same day.': '#444444',
    'Shop the menu': '#ffffff',
    'Questions? Write to hello at northwind': '#2a9d8f',
  };
  for (const t of truth) {
    const best = result.textBlocks.map((b) => ({ b, r: ratio(b.text, t.text) })).sort((a, b) => b.r - a.r)[0];
    assert.ok(best && best.r >= 0.9, `"${t.text}" not read (best: ${JSON.stringify(best?.b.text)})`);
    const b = best.b;
    assert.ok(Math.abs(b.box.x - t.x) <= 4, `${t.text}: x ${b.box.x} vs ${t.x}`);
    assert.ok(Math.abs(b.box.x + b.box.width - (t.x + t.w)) <= 6, `${t.text}: right ${b.box.x + b.box.width} vs ${t.x + t.w}`);
    const cy = b.box.y + b.box.height / 2, ty = t.y + t.h / 2;
    assert.ok(Math.abs(cy - ty) <= 4, `${t.text}: centre y ${cy} vs ${ty}`);
    assert.ok(hexDist(b.color, colours[t.text]) <= 30, `${t.text}: colour ${b.color} vs ${colours[t.text]}`);
  }
});

test('font sizes are estimated from the ink within 15%', async () => {
  const { result } = await syntheticPage();
  const sizes: Record<string, number> = { 'Northwind Traders': 20, 'Fresh coffee every morning': 36, 'Shop the menu': 18, 'Order before noon and we deliver the same day.': 16 };
  const texts = allNodes(result.design.root).filter((n): n is TextNode => n.type === 'text');
  for (const [s, size] of Object.entries(sizes)) {
    const node = texts.find((n) => ratio(n.text, s) >= 0.9);
    assert.ok(node, s);
    assert.ok(Math.abs(node.style.fontSize - size) / size <= 0.15, `${s}: ${node.style.fontSize} vs ${size}`);
  }
  const h1 = texts.find((n) => n.text.startsWith('Fresh'))!;
  assert.equal(h1.style.fontWeight, 700);
});

test('page background is exact; the bar and the button are frames with their fill at their box', async () => {
  const { result } = await syntheticPage();
  const root = result.design.root;
  assert.deepEqual(root.style.fills, [{ type: 'solid', color: '#f4f1ea' }]);
  assert.deepEqual(root.box, { x: 0, y: 0, width: 1280, height: 800 });
  const frames = allNodes(root).filter((n): n is FrameNode => n.type === 'frame' && n.style.fills.length > 0 && n !== root);
  const find = (color: string) => frames.find((f) => f.style.fills.some((p) => p.type === 'solid' && p.color === color));
  const bar = find('#1d3557');
  assert.ok(bar, 'bar frame');
  assert.deepEqual(bar.box, { x: 0, y: 0, width: 1280, height: 64 });
  const button = find('#e63946');
  assert.ok(button, 'button frame');
  for (const [k, v] of Object.entries({ x: 40, y: 240, width: 180, height: 48 }))
    assert.ok(Math.abs(button.box[k as 'x'] - v) <= 2, `button ${k}: ${button.box[k as 'x']} vs ${v}`);
  // The button's label lives inside the button frame.
  assert.ok(allNodes(button).some((n) => n.type === 'text' && n.text.includes('Shop')), 'label nested in the button');
});

test('a photo becomes an image node with a cropped asset; no image covers more than 30% of the page', async () => {
  const { result } = await syntheticPage();
  const images = allNodes(result.design.root).filter((n): n is ImageNode => n.type === 'image');
  const photoNode = images.find((i) => Math.abs(i.box.x - 700) <= 3 && Math.abs(i.box.y - 120) <= 3);
  assert.ok(photoNode, `photo not found among ${JSON.stringify(images.map((i) => i.box))}`);
  assert.ok(Math.abs(photoNode.box.width - 240) <= 3 && Math.abs(photoNode.box.height - 160) <= 3);
  const asset = result.design.assets[photoNode.assetId];
  assert.ok(asset);
  assert.equal(asset.width, photoNode.box.width);
  assert.equal(asset.height, photoNode.box.height);
  const meta = await sharp(Buffer.from(asset.data, 'base64')).metadata();
  assert.equal(meta.width, asset.width);
  for (const i of images) assert.ok(i.box.width * i.box.height <= 0.3 * 1280 * 800);
});

test('the design validates and is laid out as nested flows, not absolute positions', async () => {
  const { result } = await syntheticPage();
  parseDesign(result.design);
  const root = result.design.root;
  assert.equal(root.layout.mode, 'column');
  const nodes = allNodes(root);
  assert.ok(nodes.some((n) => n.type === 'frame' && n.layout.mode === 'row'), 'some row');
  const absolute = nodes.filter((n) => n.absolute).length;
  assert.ok(absolute <= 1, `${absolute} absolute nodes`);
  // Siblings of a column never overlap vertically, so margins reproduce their boxes.
  for (const f of nodes.filter((n): n is FrameNode => n.type === 'frame' && n.layout.mode === 'column')) {
    const kids = f.children.filter((c) => !c.absolute);
    for (let i = 1; i < kids.length; i++) assert.ok(kids[i].box.y >= kids[i - 1].box.y + kids[i - 1].box.height - 1);
  }
});

test('progress is reported and an aborted signal cancels', async () => {
  const image = await render('<body style="margin:0;background:#fff"><p style="font:20px Arial;margin:20px">Hello there</p></body>', 400, 120);
  const seen: number[] = [];
  const r = await perceive(image, { onProgress: (f) => seen.push(f) });
  assert.equal(seen.at(-1), 1);
  assert.ok(r.textBlocks.some((b) => ratio(b.text, 'Hello there') >= 0.9));
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(perceive(image, { signal: ac.signal }), (e: Error & { code?: string }) => e.code === 'CANCELLED');
});

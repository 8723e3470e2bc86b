import test from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { RenderPool } from '../render/pool.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Design, FrameNode, ImageNode } from '../ir/schema.ts';
import { findRegions, type Region } from './regions.ts';
import { regionNodes } from './region-nodes.ts';
import { hexToRgb, toHex, type Rgb } from '../ir/color.ts';
import { dist, type IntRect } from './pixels.ts';
import { colourAt, isFlat, rampPaint } from './ramp.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

const WHITE: Rgb = [255, 255, 255];

/** A flat two-colour icon (PNG) and a photo-like noise picture (PNG), as data URLs. */
async function pictures(): Promise<{ icon: string; photo: string }> {
  const icon = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#16a34a"/><rect x="12" y="12" width="16" height="16" fill="#fde047"/></svg>`;
  const photo = await sharp({ create: { width: 240, height: 160, channels: 3, background: { r: 120, g: 90, b: 60 }, noise: { type: 'gaussian', mean: 110, sigma: 40 } } }).png().toBuffer();
  return { icon: `data:image/svg+xml;base64,${Buffer.from(icon).toString('base64')}`, photo: `data:image/png;base64,${photo.toString('base64')}` };
}

let page: Promise<{ image: DecodedImage; regions: Region[] }> | undefined;

function perceivedPage() {
  page ??= (async () => {
    const { icon, photo } = await pictures();
    const at = (x: number, y: number, w: number, h: number) => `position:absolute;left:${x}px;top:${y}px;width:${w}px;height:${h}px;box-sizing:border-box`;
    const html = `<html><body style="margin:0;background:#ffffff">
      <div style="${at(0, 0, 1280, 100)};background:#f9fafb"></div>
      <div style="${at(60, 130, 1160, 1)};background:#e5e7eb"></div>
      <div style="${at(60, 160, 320, 200)};border:1px solid #e5e7eb;border-radius:12px"></div>
      <img src="${photo}" style="${at(440, 180, 240, 160)}">
      <img src="${icon}" style="${at(760, 200, 40, 40)}">
      <div style="${at(880, 160, 320, 200)};background:#ffffff;box-shadow:0 4px 12px rgba(0,0,0,0.15)"></div>
      <div style="${at(0, 400, 1280, 300)};background:#f3f4f6"></div>
      <div style="${at(60, 440, 320, 200)};background:#ffffff;border-radius:8px;box-shadow:0 4px 12px rgba(0,0,0,0.2)"></div>
      <div style="${at(700, 440, 400, 200)};background:linear-gradient(90deg,#f97316,#db2777)"></div>
      <div style="${at(0, 740, 1280, 200)};background:linear-gradient(180deg,#1e3a8a,#3b82f6)"></div>
    </body></html>`;
    const shot = await pool.screenshot(html, { width: 1280, height: 980 }, { fullPage: false });
    const { data, info } = await sharp(shot.png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const image: DecodedImage = { name: 'regions.png', width: info.width, height: info.height, rgba: data };
    return { image, regions: findRegions(image, WHITE, []) };
  })();
  return page;
}

const all = (rs: Region[]): Region[] => rs.flatMap((r) => [r, ...all(r.children)]);

/** The region whose rectangle is nearest `want` (sum of edge offsets), and that distance. */
function nearest(regions: Region[], want: IntRect): { region: Region; off: number } {
  const off = (r: IntRect) => Math.abs(r.x0 - want.x0) + Math.abs(r.y0 - want.y0) + Math.abs(r.x1 - want.x1) + Math.abs(r.y1 - want.y1);
  const region = all(regions).sort((a, b) => off(a.rect) - off(b.rect))[0];
  assert.ok(region, 'no region at all');
  return { region, off: off(region.rect) };
}

const rect = (x: number, y: number, w: number, h: number): IntRect => ({ x0: x, y0: y, x1: x + w, y1: y + h });

test('a light band and a light 1-px line are found: a frame of #f9fafb and a #e5e7eb divider', async () => {
  const { regions } = await perceivedPage();
  const band = nearest(regions, rect(0, 0, 1280, 100));
  assert.ok(band.off <= 2, `band at ${JSON.stringify(band.region.rect)}`);
  assert.equal(band.region.kind, 'solid');
  assert.equal(toHex(colourAt(band.region.fill!, 0, 0)), '#f9fafb');
  const line = nearest(regions, rect(60, 130, 1160, 1));
  assert.ok(line.off <= 2, `divider at ${JSON.stringify(line.region.rect)}`);
  assert.equal(line.region.kind, 'divider');
  assert.ok(dist(colourAt(line.region.fill!, 0, 0), hexToRgb('#e5e7eb')) <= 4);
});

test('a card outlined by a 1-px #e5e7eb border has its border and a 12-px radius', async () => {
  const { regions } = await perceivedPage();
  const { region: card, off } = nearest(regions, rect(60, 160, 320, 200));
  assert.ok(off <= 2, `card at ${JSON.stringify(card.rect)}`);
  assert.ok(card.border, 'border');
  assert.ok(dist(card.border.color, hexToRgb('#e5e7eb')) <= 6, `border ${toHex(card.border.color)}`);
  assert.deepEqual(card.border.width, [1, 1, 1, 1]);
  assert.ok(card.radius, 'radius');
  for (const r of card.radius) assert.ok(Math.abs(r - 12) <= 2, `radius ${card.radius}`);
});

test('a white card on a grey band keeps its box, an 8-px radius and a soft shadow below it', async () => {
  const { regions } = await perceivedPage();
  const grey = nearest(regions, rect(0, 400, 1280, 300)).region;
  assert.equal(toHex(colourAt(grey.fill!, 0, 0)), '#f3f4f6');
  const { region: card, off } = nearest(grey.children, rect(60, 440, 320, 200));
  assert.ok(off <= 2, `card at ${JSON.stringify(card.rect)}`);
  assert.equal(toHex(colourAt(card.fill!, 0, 0)), '#ffffff');
  assert.ok(card.radius && card.radius.every((r) => Math.abs(r - 8) <= 2), `radius ${card.radius}`);
  const s = card.shadow;
  assert.ok(s, 'shadow');
  assert.ok(s.y >= 2 && s.y <= 6 && Math.abs(s.x) <= 1, `offset ${s.x},${s.y}`);
  assert.ok(s.blur >= 6 && s.blur <= 20, `blur ${s.blur}`);
  assert.ok(s.alpha >= 0.1 && s.alpha <= 0.35, `alpha ${s.alpha}`);
});

test('a white card on the white page is found by its shadow alone', async () => {
  const { regions } = await perceivedPage();
  const { region: card, off } = nearest(regions, rect(880, 160, 320, 200));
  assert.ok(off <= 2, `card at ${JSON.stringify(card.rect)}`);
  assert.equal(toHex(colourAt(card.fill!, 0, 0)), '#ffffff');
  assert.ok(card.shadow && card.shadow.y >= 2 && card.shadow.blur >= 6 && card.shadow.alpha <= 0.3, `shadow ${JSON.stringify(card.shadow)}`);
});

test('vertical and horizontal gradients are fitted along their axis with their end colours', async () => {
  const { regions } = await perceivedPage();
  const cases = [
    { box: rect(0, 740, 1280, 200), axis: 'y', angle: 180, from: '#1e3a8a', to: '#3b82f6' },
    { box: rect(700, 440, 400, 200), axis: 'x', angle: 90, from: '#f97316', to: '#db2777' },
  ] as const;
  for (const c of cases) {
    const { region, off } = nearest(regions, c.box);
    assert.ok(off <= 2, `gradient at ${JSON.stringify(region.rect)}`);
    assert.ok(region.fill && !isFlat(region.fill), 'a gradient fill');
    assert.equal(region.fill.axis, c.axis);
    const paint = rampPaint(region.fill, c.axis === 'y' ? c.box.y0 : c.box.x0, c.axis === 'y' ? 200 : 400);
    assert.equal(paint.type, 'linear-gradient');
    if (paint.type !== 'linear-gradient') return;
    assert.equal(paint.angle, c.angle);
    assert.ok(dist(hexToRgb(paint.stops[0].color), hexToRgb(c.from)) <= 8, `first stop ${paint.stops[0].color}`);
    assert.ok(dist(hexToRgb(paint.stops.at(-1)!.color), hexToRgb(c.to)) <= 8, `last stop ${paint.stops.at(-1)!.color}`);
  }
});

test('a photo and an icon are pictures cut at their box: WebP for the photo, PNG for the flat icon', async () => {
  const { image, regions } = await perceivedPage();
  const assets: Design['assets'] = {};
  let n = 0;
  const nodes = await regionNodes(image, regions, (p) => `${p}${++n}`, assets);
  const images = nodes.filter((x): x is ImageNode => x.type === 'image');
  const find = (b: IntRect) => images.find((i) => Math.abs(i.box.x - b.x0) <= 2 && Math.abs(i.box.y - b.y0) <= 2 && Math.abs(i.box.x + i.box.width - b.x1) <= 2 && Math.abs(i.box.y + i.box.height - b.y1) <= 2);
  const photo = find(rect(440, 180, 240, 160)), icon = find(rect(762, 202, 36, 36));
  assert.ok(photo, `photo among ${JSON.stringify(images.map((i) => i.box))}`);
  assert.ok(icon, `icon among ${JSON.stringify(images.map((i) => i.box))}`);
  assert.equal(assets[photo.assetId].mime, 'image/webp');
  assert.equal(assets[icon.assetId].mime, 'image/png');
  for (const i of [photo, icon]) {
    const meta = await sharp(Buffer.from(assets[i.assetId].data, 'base64')).metadata();
    assert.deepEqual([meta.width, meta.height], [i.box.width, i.box.height]);
  }
  // The boxes become frames with their paints; the divider is marked as one.
  const frames = nodes.filter((x): x is FrameNode => x.type === 'frame');
  assert.ok(frames.some((f) => f.role === 'divider'));
  assert.ok(frames.some((f) => f.style.fills[0]?.type === 'linear-gradient'));
  assert.ok(frames.some((f) => f.style.shadows.length === 1 && Math.abs((f.style.radius?.[0] ?? 0) - 8) <= 2));
});

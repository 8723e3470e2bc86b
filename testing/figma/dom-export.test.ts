// The test-only DOM → Figma exporter on a page whose boxes, texts, colours and picture are known.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { FrameNode, ImagePaint, Node, RectangleNode, SolidPaint, TextNode } from '@figma/rest-api-spec';
import { RenderPool } from '../../engine/render/pool.ts';
import { exportPageToFigma, type DomExport } from './dom-export.ts';
import { figmaToDesign } from '../../engine/figma/index.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

// A 1×1 red PNG.
const RED = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

const PAGE = `<html><body style="margin:0;background:#f7f7f2;font-family:Arial,sans-serif">
  <div class="card" style="position:absolute;left:20px;top:30px;width:300px;height:200px;box-sizing:border-box;background:#203040;border:2px solid #ff0000;border-radius:8px;box-shadow:0 4px 10px rgba(0,0,0,0.5)">
    <h1 style="margin:0;padding:10px;font-size:28px;line-height:40px;font-weight:700;color:#ffffff;text-transform:uppercase">Harbour</h1>
  </div>
  <img alt="photo" src="data:image/png;base64,${RED}" style="position:absolute;left:400px;top:30px;width:100px;height:60px;object-fit:cover">
  <p style="position:absolute;left:20px;top:300px;width:600px;margin:0;font-size:16px;line-height:24px;color:#333333">Twelve novels and <b>three</b> cookbooks</p>
  <div style="display:none;background:#00ff00">hidden</div>
  <div style="position:absolute;left:20px;top:400px;width:50px;height:10px;background:linear-gradient(90deg, #000000, #ffffff)"></div>
</body></html>`;

const exportPage = () => pool.withPage(PAGE, { width: 800, height: 600 }, (page) => exportPageToFigma(page, 'page.html'));

function* walk(n: Node): Generator<Node> {
  yield n;
  if ('children' in n) for (const c of n.children as Node[]) yield* walk(c);
}
const nodes = (e: DomExport) => [...walk(e.response.nodes[e.frameId]!.document)];
const texts = (e: DomExport) => nodes(e).filter((n): n is TextNode => n.type === 'TEXT');
const hex = (p: SolidPaint) => '#' + [p.color.r, p.color.g, p.color.b].map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('');

test('the page is one frame the size of the viewport, in the body colour', async () => {
  const e = await exportPage();
  const frame = e.response.nodes[e.frameId]!.document as FrameNode;
  assert.equal(frame.type, 'FRAME');
  assert.deepEqual(frame.absoluteBoundingBox, { x: 0, y: 0, width: 800, height: 600 });
  assert.equal(hex(frame.fills[0] as SolidPaint), '#f7f7f2');
  assert.ok(!nodes(e).some((n) => n.name.includes('hidden') || ('characters' in n && n.characters === 'hidden')), 'display:none is left out');
});

test('a styled box is a frame with its fill, stroke, radius and shadow, holding its text', async () => {
  const e = await exportPage();
  const card = nodes(e).find((n): n is FrameNode => n.type === 'FRAME' && n.name === 'div.card')!;
  assert.ok(card, 'the card is exported');
  assert.deepEqual(card.absoluteBoundingBox, { x: 20, y: 30, width: 300, height: 200 });
  assert.equal(hex(card.fills[0] as SolidPaint), '#203040');
  assert.equal(hex(card.strokes![0] as SolidPaint), '#ff0000');
  assert.equal(card.strokeWeight, 2);
  assert.equal(card.strokeAlign, 'INSIDE');
  assert.equal(card.cornerRadius, 8);
  assert.deepEqual(card.effects.map((x) => x.type === 'DROP_SHADOW' && [x.offset.y, x.radius, x.color.a]), [[4, 10, 0.5]]);
  const title = card.children[0] as TextNode;
  assert.equal(title.type, 'TEXT');
  assert.equal(title.characters, 'Harbour');
  assert.equal(title.style.textCase, 'UPPER');
  assert.deepEqual([title.style.fontFamily, title.style.fontSize, title.style.fontWeight, title.style.lineHeightPx], ['Arial', 28, 700, 40]);
  assert.equal(hex(title.fills[0] as SolidPaint), '#ffffff');
  // A text layer is as tall as its line: the h1's content box (to the glyphs' rounding).
  assert.equal(title.absoluteBoundingBox!.height, 40);
  assert.ok(Math.abs(title.absoluteBoundingBox!.y - 42) <= 1, String(title.absoluteBoundingBox!.y));
});

test('an <img> is a rectangle with an image fill whose bytes come along by imageRef', async () => {
  const e = await exportPage();
  const img = nodes(e).find((n): n is RectangleNode => n.type === 'RECTANGLE' && n.name === 'img')!;
  assert.deepEqual(img.absoluteBoundingBox, { x: 400, y: 30, width: 100, height: 60 });
  const fill = img.fills[0] as ImagePaint;
  assert.equal(fill.type, 'IMAGE');
  assert.equal(fill.scaleMode, 'FILL');
  assert.deepEqual(e.images.get(fill.imageRef), Buffer.from(RED, 'base64'));
});

test('text runs and gradients come through, and the import reads it all back', async () => {
  const e = await exportPage();
  const line = texts(e).filter((t) => t.absoluteBoundingBox!.y > 290);
  assert.deepEqual(line.map((t) => t.characters), ['Twelve novels and', 'three', 'cookbooks']);
  assert.deepEqual(line.map((t) => t.style.fontWeight), [400, 700, 400]);
  assert.ok(line.every((t) => t.absoluteBoundingBox!.height === 24), 'each text layer is one line-height tall');
  const bar = nodes(e).find((n): n is RectangleNode => n.type === 'RECTANGLE' && n.fills[0]?.type === 'GRADIENT_LINEAR')!;
  assert.ok(bar, 'the gradient bar is exported');

  const images = Object.fromEntries([...e.images].map(([ref, bytes]) => [ref, { mime: 'image/png' as const, width: 1, height: 1, data: bytes.toString('base64') }]));
  const { design, warnings } = figmaToDesign(JSON.stringify(e.response), { name: 'page.json', images });
  assert.deepEqual(warnings, []);
  assert.deepEqual(design.viewport, { width: 800, height: 600 });
  assert.equal(Object.keys(design.assets).length, 1);
  const json = JSON.stringify(design);
  for (const word of ['Harbour', 'three', 'cookbooks']) assert.ok(json.includes(word), word);
  assert.ok(json.includes('"linear-gradient"') && json.includes('"angle":90'), 'the gradient keeps its direction');
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import type { FrameNode, TextNode } from '../ir/schema.ts';
import { perceive, closePerception } from './index.ts';
import { allNodes, hexDist, renderImage } from '../../testing/perceive/support.ts';

const pool = new RenderPool(1);
test.after(async () => {
  await pool.close();
  await closePerception();
});

const items = ['saved on: 2011-04-13', 'tags: compiler, generator, php', 'about: a static site generator'];
const list = (style: string, left: number, color = '#555555') =>
  `<ul style="position:absolute;left:${left}px;top:40px;margin:0;padding-left:28px;list-style:${style};color:${color};font-size:16px;line-height:24px">
    ${items.map((t) => `<li>${t}</li>`).join('')}</ul>`;

test('list markers become shapes beside clean text, and letters that only look small stay text', async () => {
  const html = `<html><body style="margin:0;background:#ffffff;font-family:Arial,'Liberation Sans',sans-serif">
    ${list('disc', 20)}${list('square', 420)}
    <div style="position:absolute;left:800px;top:20px;width:400px;height:140px;background:#2b3a5c"></div>${list('circle', 820, '#f0f0f0')}
    <p style="position:absolute;left:40px;top:180px;margin:0;font-size:16px;color:#222222">a quiet morning, o dear . . . * and - so on</p>
    <p style="position:absolute;left:40px;top:220px;margin:0;font-size:16px;color:#222222">o no</p>
  </body></html>`;
  const result = await perceive(await renderImage(pool, html, 1220, 280));
  const nodes = allNodes(result.design.root);
  const texts = nodes.filter((n): n is TextNode => n.type === 'text');
  const bullets = nodes.filter((n): n is FrameNode => n.type === 'frame' && n.name === 'bullet');

  assert.equal(bullets.length, 9, `one marker per list item, got ${bullets.length}`);
  for (const b of bullets) {
    assert.ok(b.box.width >= 3 && b.box.width <= 8 && Math.abs(b.box.width - b.box.height) <= 1, `a marker is a small square box: ${JSON.stringify(b.box)}`);
    const fill = b.style.fills[0];
    const paint = b.box.x > 800 ? b.style.border?.color : fill?.type === 'solid' ? fill.color : undefined;
    assert.ok(paint && hexDist(paint, b.box.x > 800 ? '#f0f0f0' : '#555555') < 60, `painted in the list colour: ${JSON.stringify(b.style)}`);
    const beside = texts.find((t) => Math.abs(t.box.y + t.box.height / 2 - (b.box.y + b.box.height / 2)) < 6 && t.box.x > b.box.x);
    assert.ok(beside && beside.box.x >= b.box.x + b.box.width, `its text starts right of it, not over it: ${JSON.stringify(b.box)} ${JSON.stringify(texts.map((t) => [t.text, t.box]))}`);
  }
  const discs = bullets.filter((b) => b.box.x < 400), squares = bullets.filter((b) => b.box.x > 400 && b.box.x < 800), circles = bullets.filter((b) => b.box.x > 800);
  assert.ok(discs.every((b) => b.style.radius && b.style.radius[0] > 0 && b.style.fills.length === 1), 'discs are round and filled');
  assert.ok(squares.every((b) => !b.style.radius), 'squares are square');
  assert.ok(circles.every((b) => b.style.radius && b.style.border && b.style.fills.length === 0), 'circles are round rings');

  const all = texts.map((t) => t.text).join('\n');
  for (const t of items) assert.equal(all.split(t).length - 1, 3, `"${t}" read cleanly in every list:\n${all}`);
  assert.match(all, /^a quiet morning/m, 'a leading "a" stays text');
  assert.match(all, /^o ?no/m, 'a leading "o" stays text');
});

// Rows of links set apart by separators, perceived from pages rendered in Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import type { TextNode } from '../ir/schema.ts';
import { textSimilarity } from '../compare/index.ts';
import { perceive, closePerception } from './index.ts';
import { separatedItems } from './separators.ts';
import { allNodes, renderImage } from '../../testing/perceive/support.ts';

const pool = new RenderPool(1);
test.after(async () => {
  await pool.close();
  await closePerception();
});

const CRUMBS = ['Home', '/', 'Women', '/', 'Running shoes'];
const FOOTER = ['About', '·', 'Terms of Service', '·', 'Sitemap', '·', 'Contact Us'];
const PROSE = 'Free delivery - on every order over fifty pounds';

const row = (top: number, items: string[]) =>
  `<p style="position:absolute;left:40px;top:${top}px;margin:0;font:16px Arial;color:#222222;white-space:nowrap">${items.join(' ')}</p>`;

test('a breadcrumb and a footer menu are one node per link and per separator, left to right; the links are links', async () => {
  const html = `<body style="margin:0;background:#ffffff">${row(30, CRUMBS)}${row(90, FOOTER)}${row(150, [PROSE])}</body>`;
  const { design } = await perceive(await renderImage(pool, html, 800, 200));
  const texts = allNodes(design.root).filter((n): n is TextNode => n.type === 'text');
  for (const [items, top] of [[CRUMBS, 30], [FOOTER, 90]] as const) {
    const nodes = texts.filter((t) => Math.abs(t.box.y - top) < 12).sort((a, b) => a.box.x - b.box.x);
    assert.equal(nodes.length, items.length, `${items.join(' ')}: read as ${JSON.stringify(nodes.map((n) => n.text))}`);
    for (const [k, item] of items.entries()) {
      const word = /\w/.test(item);
      if (word) assert.ok(textSimilarity(nodes[k].text, item) >= 0.85, `${item}: read ${JSON.stringify(nodes[k].text)}`);
      assert.equal(nodes[k].role === 'link', word, `${nodes[k].text}: role ${nodes[k].role}`);
      if (k > 0) assert.ok(nodes[k].box.x >= nodes[k - 1].box.x + nodes[k - 1].box.width - 2, `${nodes[k].text} overlaps the item before it`);
    }
  }
  // A dash between two clauses of a sentence is no separator.
  const prose = texts.filter((t) => Math.abs(t.box.y - 150) < 12);
  assert.equal(prose.length, 1, JSON.stringify(prose.map((t) => t.text)));
});

const words = (...texts: string[]) => texts.map((text, k) => ({ text, x0: 40 * k, x1: 40 * k + 30 }));

test('a row is cut at its separators only when every item is short, and prose punctuation needs three items', () => {
  assert.deepEqual(separatedItems(words('Home', '›', 'Shoes'))?.map((p) => p.map((w) => w.text).join(' ')), ['Home', '›', 'Shoes']);
  assert.equal(separatedItems(words('Free', 'delivery', '-', 'on', 'orders')), null);
  assert.equal(separatedItems(words('php', ',', 'tools')), null);
  assert.equal(separatedItems(words('php', ',', 'tools', ',', 'compiler'))?.length, 5);
  assert.equal(separatedItems(words('Read', 'all', 'of', 'our', 'terms', '/', 'rules')), null);
  assert.equal(separatedItems(words('Read', 'more', '›')), null);
  assert.equal(separatedItems(words('Soy', 'Sauce,', '|', 'prefer', 'reduced', 'sodium')), null, 'a capital I read as a bar');
  assert.equal(separatedItems(words('Size:', '3-4"', '|', 'Sun:', 'Y', '|', 'Shade:', 'N')), null, 'facts, not links');
  assert.equal(separatedItems(words('tags:', 'php', ',', 'tools', ',', 'compiler'))?.length, 5);
});

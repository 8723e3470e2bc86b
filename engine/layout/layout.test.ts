// Layout inference end to end: absolute boxes, as perception measures them, go through
// inferLayout and the three generators, and the rendered DOM must be the flow a developer
// would write (a nav list at the far end of its header row, a centred heading and button, a
// card grid as a list with the measured gaps) while every box stays where it was measured.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Design, DesignNode } from '../ir/schema.ts';
import { frame, noStyle, text } from '../ir/build.ts';
import { parseDesign } from '../ir/validate.ts';
import { RenderPool } from '../render/pool.ts';
import { checkCode } from '../compare/code-checks.ts';
import { buildPreview, generate, STACK_NAMES } from '../codegen/index.ts';
import { BLUE_PNG_BASE64 } from '../../testing/codegen/fixtures.ts';
import { inferLayout } from './index.ts';

const pool = new RenderPool(2);
test.after(() => pool.close());

const fill = (color: string) => ({ ...noStyle(), fills: [{ type: 'solid' as const, color }] });
const fixed = { width: 'fixed', height: 'fixed' } as const;
const LINKS: Array<[string, number]> = [['Home', 44], ['Docs', 40], ['Pricing', 56], ['Blog', 36]];
const CARD = { width: 232, height: 120, gap: 28, left: 24, top: 280 };
const cardBox = (i: number) => ({ x: CARD.left + (i % 3) * (CARD.width + CARD.gap), y: CARD.top + Math.floor(i / 3) * (CARD.height + CARD.gap), width: CARD.width, height: CARD.height });

/** A landing page as perception reports it: loose text lines, frames and pictures, all absolute. */
function measuredPage(): Design {
  let n = 0;
  const id = () => `n${++n}`;
  const items: DesignNode[] = [
    frame(id(), { x: 0, y: 0, width: 800, height: 64 }, [], { sizing: fixed, style: fill('#1a2b3c') }),
    text(id(), { x: 24, y: 20, width: 70, height: 24 }, 'Loupe', { fontSize: 20, lineHeight: 24, fontWeight: 700, color: '#ffffff' }, { sizing: { width: 'fixed', height: 'hug' } }),
  ];
  // Links right-aligned at x = 776, 24 px apart.
  let x = 776 - LINKS.reduce((s, [, w]) => s + w, 0) - 24 * (LINKS.length - 1);
  for (const [label, w] of LINKS) {
    items.push(text(id(), { x, y: 22, width: w, height: 20 }, label, { color: '#ffffff' }, { sizing: { width: 'fixed', height: 'hug' } }));
    x += w + 24;
  }
  items.push(
    text(id(), { x: 250, y: 104, width: 300, height: 40 }, 'Designs into code', { fontSize: 36, lineHeight: 40, fontWeight: 700 }, { sizing: { width: 'fixed', height: 'hug' } }),
    text(id(), { x: 290, y: 160, width: 220, height: 20 }, 'Render, compare, repeat.', {}, { sizing: { width: 'fixed', height: 'hug' } }),
    frame(id(), { x: 340, y: 204, width: 120, height: 40 }, [], { sizing: fixed, style: fill('#e63946') }),
    text(id(), { x: 380, y: 214, width: 40, height: 20 }, 'Start', { color: '#ffffff' }, { sizing: { width: 'fixed', height: 'hug' } }),
  );
  for (let i = 0; i < 6; i++) {
    const b = cardBox(i);
    items.push(
      frame(id(), b, [], { sizing: fixed, style: fill('#f1f1f1') }),
      text(id(), { x: b.x + 16, y: b.y + 16, width: 60, height: 20 }, `Card ${i + 1}`, {}, { sizing: { width: 'fixed', height: 'hug' } }),
      { type: 'image', id: id(), box: { x: b.x + 16, y: b.y + 48, width: 48, height: 48 }, sizing: fixed, assetId: 'blue', alt: '', fit: 'fill' },
    );
  }
  const root = frame('root', { x: 0, y: 0, width: 800, height: 600 }, [], { name: 'Landing', sizing: fixed, style: fill('#ffffff') });
  inferLayout(root, items, id);
  return parseDesign({
    version: 1,
    viewport: { width: 800, height: 600 },
    root,
    assets: { blue: { mime: 'image/png', width: 4, height: 4, data: BLUE_PNG_BASE64 } },
  });
}

const design = measuredPage();

type Rect = [number, number, number, number];
const rects = (page: Page, selector: string) =>
  page.evaluate<Rect[]>(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })`);
const css = (page: Page, selector: string, prop: string) =>
  page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(prop)})`);
const near = (a: Rect, b: Rect, what: string) => assert.ok(a.every((v, i) => Math.abs(v - b[i]!) <= 1), `${what}: ${a} is not ${b}`);

test('roles: header with a nav of links, main, a level-1 heading, a paragraph, a button, a list of cards with alt text', () => {
  const all: DesignNode[] = [];
  const walk = (n: DesignNode) => {
    all.push(n);
    if (n.type === 'frame') n.children.forEach(walk);
  };
  walk(design.root);
  const byText = (t: string) => all.find((n) => n.type === 'text' && n.text === t)!;
  assert.deepEqual(design.root.children.map((c) => c.role), ['header', 'main']);
  assert.equal(byText('Designs into code').role, 'heading');
  assert.equal((byText('Designs into code') as { level?: number }).level, 1);
  assert.equal(byText('Render, compare, repeat.').role, 'paragraph');
  for (const [label] of LINKS) assert.equal(byText(label).role, 'link');
  assert.equal(all.filter((n) => n.role === 'button').length, 1);
  assert.equal(all.filter((n) => n.role === 'listitem').length, 6);
  assert.deepEqual(all.flatMap((n) => (n.type === 'image' ? [n.alt] : [])), ['Card 1', 'Card 2', 'Card 3', 'Card 4', 'Card 5', 'Card 6']);
});

test('react-tailwind renders a repeated card as a typed component mapped over its data', async () => {
  const code = await generate(design, 'react-tailwind');
  const app = code.files.find((f) => f.path === 'App.tsx')!.contents as string;
  assert.match(app, /type (\w+)Props = \{ [^}]*text: string[^}]*image: string[^}]*\};/);
  assert.match(app, /function \w+Item\(\{ [^}]+ \}: \w+Props\)/);
  assert.match(app, /\{\w+Items\.map\(\(item\) => \(\s*<\w+Item key=\{item\.\w+\} \{\.\.\.item\} \/>/);
  assert.match(app, /\{ text: 'Card 6', image: blue, alt: 'Card 6' \}/);
});

for (const stack of STACK_NAMES) {
  test(`${stack}: rows, gaps, alignment and lists render where the design put them`, async () => {
    const html = await buildPreview(await generate(design, stack));
    await pool.withPage(html, design.viewport, async (page) => {
      // The nav is a list of links at the far end of the header's row, 24 px apart.
      assert.equal(await css(page, 'header > *', 'justify-content'), 'space-between');
      const links = await rects(page, 'header nav > ul > li > a');
      assert.equal(links.length, LINKS.length);
      assert.equal(await css(page, 'header nav > ul', 'column-gap'), '24px');
      assert.ok(Math.abs(links[0]![1] - 22) <= 1, `links at y ${links[0]![1]}`);
      // Centred content is centred by the layout, not pushed by margins.
      const [h1] = await rects(page, 'main h1');
      assert.ok(Math.abs(h1![0] + h1![2] / 2 - 400) <= 1, `h1 centre ${h1![0] + h1![2] / 2}`);
      assert.equal(await css(page, 'main h1', 'text-align'), 'center');
      assert.equal(await css(page, 'main h1', 'margin-left'), '0px');
      near((await rects(page, 'main button'))[0]!, [340, 204, 120, 40], 'button');
      assert.equal(await css(page, 'main button', 'background-color'), 'rgb(230, 57, 70)');
      // The cards are a list laid out as a 3-column grid with the measured gaps.
      assert.equal(await css(page, 'main ul', 'display'), 'grid');
      assert.equal((await css(page, 'main ul', 'grid-template-columns')).split(' ').length, 3);
      assert.equal(await css(page, 'main ul', 'column-gap'), `${CARD.gap}px`);
      assert.equal(await css(page, 'main ul', 'row-gap'), `${CARD.gap}px`);
      const cards = await rects(page, 'main ul > li');
      assert.equal(cards.length, 6);
      cards.forEach((c, i) => {
        const b = cardBox(i);
        near(c, [b.x, b.y, b.width, b.height], `card ${i + 1}`);
      });
      const checks = await checkCode(page);
      assert.equal(checks.absoluteShare, 0);
    });
  });
}

test('a screenshot of a page with a menu and a row of cards comes back as a nav list and a card list, in flow', async () => {
  // A real page, rendered and read back by perception (OCR and regions), not hand-made IR.
  const card = (title: string) => `<li style="width:300px;height:160px;background:#eef1f5;padding:24px"><b style="font-size:22px">${title}</b></li>`;
  const source = `<!doctype html><html><body style="margin:0;font-family:Arial,sans-serif">
    <header style="display:flex;justify-content:space-between;align-items:center;height:72px;padding:0 40px;background:#102030;color:#fff">
      <b style="font-size:26px">Acme</b>
      <nav style="display:flex;gap:32px;font-size:18px"><span>Products</span><span>Pricing</span><span>Company</span><span>Contact</span></nav>
    </header>
    <h1 style="margin:64px 0 0;text-align:center;font-size:44px">Build better pages</h1>
    <ul style="display:flex;gap:40px;list-style:none;margin:56px 0 0;padding:0 40px">${card('Fast')}${card('Simple')}${card('Open')}</ul>
  </body></html>`;
  const shot = await pool.screenshot(source, { width: 1100, height: 600 });
  const { perceive, closePerception } = await import('../perceive/index.ts');
  const { decodeDesignImage } = await import('../ingest/image.ts');
  const { design: perceived } = await perceive(await decodeDesignImage(shot.png, 'page.png'));
  await closePerception();
  const html = await buildPreview(await generate(perceived, 'html-css'));
  await pool.withPage(html, perceived.viewport, async (page) => {
    const links = await page.evaluate<string[]>(`[...document.querySelectorAll('nav li')].map((e) => e.textContent.trim())`);
    assert.deepEqual(links, ['Products', 'Pricing', 'Company', 'Contact']);
    assert.equal(await page.evaluate<number>(`document.querySelectorAll('h1').length`), 1);
    const lists = await page.evaluate<number[]>(`[...document.querySelectorAll('ul')].map((u) => u.children.length)`);
    assert.ok(lists.includes(3), `lists of ${lists}`);
    assert.ok((await checkCode(page)).absoluteShare <= 0.1);
  });
});

test('a paragraph of several lines with equal room on both sides keeps its flush-left alignment; a centred line is centred', async () => {
  let n = 0;
  const id = () => `p${++n}`;
  const body = 'Not often. However, email me your ideas and I will see what I can do about them soon.';
  const root = frame('root', { x: 0, y: 0, width: 390, height: 320 }, [], { sizing: fixed, style: fill('#ffffff') });
  inferLayout(root, [
    // A band as wide as the page: the column has no side padding, so the text's room is its own.
    frame(id(), { x: 0, y: 0, width: 390, height: 120 }, [], { sizing: fixed, style: fill('#1a2b3c') }),
    text(id(), { x: 120, y: 140, width: 150, height: 26 }, 'Our Clients', { fontSize: 22, lineHeight: 26, fontWeight: 700 }, { sizing: { width: 'fixed', height: 'hug' } }),
    text(id(), { x: 16, y: 190, width: 358, height: 72 }, body, { fontSize: 16, lineHeight: 24 }, { sizing: { width: 'fixed', height: 'hug' } }),
  ], id);
  const design = parseDesign({ version: 1, viewport: { width: 390, height: 320 }, root, assets: {} });
  const html = await buildPreview(await generate(design, 'html-css'));
  const aligns = await pool.withPage(html, { width: 390, height: 320 }, (page) =>
    page.evaluate(`[...document.querySelectorAll('h1, h2, h3, p')].map((e) => [e.textContent.trim(), getComputedStyle(e).textAlign])`));
  assert.deepEqual(aligns, [['Our Clients', 'center'], [body, 'start']]);
});

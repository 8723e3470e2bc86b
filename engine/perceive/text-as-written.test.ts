// Text as written, from the design's pixels to the code's render: a wrapped paragraph with a
// link inside it is one paragraph element that wraps by itself where the design's lines broke,
// with the link an inline <a> in it, in every stack; bold and italic words in a sentence are
// <strong> and <em> in it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { buildPreview, generate, STACK_NAMES } from '../codegen/index.ts';
import { textSimilarity } from '../compare/index.ts';
import { perceive, closePerception } from './index.ts';
import { renderImage } from '../../testing/perceive/support.ts';

const pool = new RenderPool(1);
test.after(async () => {
  await pool.close();
  await closePerception();
});

const BEFORE = 'Orders placed before noon leave our warehouse the same day, packed in recycled boxes. Read the';
const LINK = 'delivery terms';
const AFTER = 'for the small print on returns, refunds and parcels sent abroad to other countries.';
const PARAGRAPH = `${BEFORE} ${LINK} ${AFTER}`;
const VIEWPORT = { width: 800, height: 240 };

/** Each <p> of the page rendered: its text, how many lines it wraps to, and the texts of the links in it. */
const PARAGRAPHS = `[...document.querySelectorAll('p')].map((p) => {
  const range = document.createRange();
  range.selectNodeContents(p);
  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return { text: p.textContent.replace(/\\s+/g, ' ').trim(), lines: tops.size, links: [...p.querySelectorAll('a')].map((a) => a.textContent.trim()) };
})`;
type Paragraph = { text: string; lines: number; links: string[] };

test('a wrapped paragraph with a link in it is one <p> with an inline <a>, wrapping to the design\'s lines', async () => {
  const design = `<body style="margin:0;background:#ffffff"><p style="position:absolute;left:40px;top:40px;width:460px;margin:0;font:16px/24px Arial;color:#333333">${BEFORE} <a style="color:#1a73e8;text-decoration:none">${LINK}</a> ${AFTER}</p></body>`;
  const [original] = await pool.withPage(design, VIEWPORT, (page) => page.evaluate<Paragraph[]>(PARAGRAPHS));
  assert.ok(original.lines >= 3, `the design's paragraph wraps to ${original.lines} lines`);
  const { design: ir } = await perceive(await renderImage(pool, design, VIEWPORT.width, VIEWPORT.height));
  for (const stack of STACK_NAMES) {
    const html = await buildPreview(await generate(ir, stack));
    const found = await pool.withPage(html, VIEWPORT, (page) => page.evaluate<Paragraph[]>(PARAGRAPHS));
    assert.equal(found.length, 1, `${stack}: paragraphs ${JSON.stringify(found)}`);
    const [p] = found;
    assert.ok(textSimilarity(p.text, PARAGRAPH) >= 0.95, `${stack}: ${p.text}`);
    assert.equal(p.lines, original.lines, `${stack}: wraps to ${p.lines} lines`);
    assert.equal(p.links.length, 1, `${stack}: links ${JSON.stringify(p.links)}`);
    assert.ok(textSimilarity(p.links[0], LINK) >= 0.85, `${stack}: link ${p.links[0]}`);
  }
});

/**
 * A design of three lines, the first set in `emphasis.font` throughout and the second a sentence
 * with one `<tag>` phrase; its code, in every stack, has exactly one element matching `selector`,
 * on that phrase, inside the sentence, drawn with `property` at `value`.
 */
async function assertOnePhrase(emphasis: { tag: string; font: string; selector: string; property: string; value: string }, title: string, [before, phrase, after]: [string, string, string]) {
  const text = (top: number, font: string, html: string) => `<p style="position:absolute;left:40px;top:${top}px;width:700px;margin:0;font:${font} 16px/24px Arial;color:#333333">${html}</p>`;
  const design = `<body style="margin:0;background:#ffffff">${[
    text(30, emphasis.font, title),
    text(80, 'normal 400', `${before} <${emphasis.tag}>${phrase}</${emphasis.tag}> ${after}`),
    text(130, 'normal 400', 'Returns are free for thirty days from delivery, whatever the reason may be.'),
  ].join('')}</body>`;
  const { design: ir } = await perceive(await renderImage(pool, design, VIEWPORT.width, VIEWPORT.height));
  for (const stack of STACK_NAMES) {
    const html = await buildPreview(await generate(ir, stack));
    const found = await pool.withPage(html, VIEWPORT, (page) => page.evaluate(`[...document.querySelectorAll(${JSON.stringify(emphasis.selector)})].map((s) => ({ text: s.textContent.trim(), value: getComputedStyle(s).getPropertyValue(${JSON.stringify(emphasis.property)}), in: s.parentElement.textContent.replace(/\\s+/g, ' ').trim() }))`)) as Array<{ text: string; value: string; in: string }>;
    assert.equal(found.length, 1, `${stack}: ${JSON.stringify(found)}`);
    assert.ok(textSimilarity(found[0].text, phrase) >= 0.85, `${stack}: ${found[0].text}`);
    assert.equal(found[0].value, emphasis.value, `${stack}: drawn with ${emphasis.property} ${emphasis.value}`);
    assert.ok(textSimilarity(found[0].in, `${before} ${phrase} ${after}`) >= 0.9, `${stack}: inside ${found[0].in}`);
  }
}

test('bold words inside a sentence are a <strong> in its paragraph; a line set bold throughout and regular sentences have none', () =>
  assertOnePhrase({ tag: 'strong', font: 'normal 700', selector: 'strong, b', property: 'font-weight', value: '700' }, 'Delivery and returns', ['Every parcel leaves within', 'two working days', 'of your order, tracked all the way.']));

test('italic words inside an upright sentence are an <em> in its paragraph; a line set italic throughout and upright sentences have none', () =>
  assertOnePhrase({ tag: 'em', font: 'italic 400', selector: 'em, i', property: 'font-style', value: 'italic' }, 'Notes from the warehouse team', ['Please print the label and seal the parcel', 'before the courier arrives', 'at your door.']));

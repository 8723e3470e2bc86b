import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import type { TextNode } from '../ir/schema.ts';
import { textSimilarity } from '../compare/index.ts';
import { perceive, closePerception, type Perception } from './index.ts';
import { estimateFontSize, estimateWeight } from './typography.ts';
import { allNodes, hexDist, renderImage } from '../../testing/perceive/support.ts';
import { buildPreview, generate } from '../codegen/index.ts';

const pool = new RenderPool(1);
test.after(async () => {
  await pool.close();
  await closePerception();
});

const render = (html: string, width = 1000, height = 700) => renderImage(pool, html, width, height);

/** The text node that reads most like `s` (at least 0.85 similar). */
function node(result: Perception, s: string): TextNode {
  const best = allNodes(result.design.root)
    .filter((n): n is TextNode => n.type === 'text')
    .map((n) => ({ n, r: textSimilarity(n.text, s) }))
    .sort((a, b) => b.r - a.r)[0];
  assert.ok(best && best.r >= 0.85, `"${s}" not read (best: ${JSON.stringify(best?.n.text)})`);
  return best.n;
}

const SPECIMENS = [
  { text: 'Small print about cookies', size: 11, weight: 400 },
  { text: 'Small bold label here', size: 11, weight: 700 },
  { text: 'Navigation item and more', size: 13, weight: 400 },
  { text: 'Body copy of the page', size: 16, weight: 400 },
  { text: 'Strong body statement', size: 16, weight: 700 },
  { text: 'Section heading text', size: 24, weight: 700 },
  { text: 'Light headline words', size: 32, weight: 400 },
  { text: 'A remark set in italics', size: 16, weight: 400, italic: true },
  { text: 'Emphasised bold slanted line', size: 20, weight: 700, italic: true },
];

const PARAGRAPH = 'Every order ships from our own warehouse within two working days, packed in recycled boxes, and you can follow it from the moment it leaves until it reaches your door.';
const MENU = ['Home page', 'About the team', 'Our shops', 'Contact us'];
/** A nav set in one line: items apart by wider gaps than the word spaces inside them. */
const NAV = ['Welcome', 'In Depth Articles', 'Blogs', 'Blogroll'];

let page: Perception | undefined;
async function specimenPage(): Promise<Perception> {
  if (page) return page;
  let y = 20;
  const rows = SPECIMENS.map((s) => {
    const row = `<div style="position:absolute;left:40px;top:${y}px;font:${s.italic ? 'italic ' : ''}${s.weight} ${s.size}px Arial;color:#333333;white-space:nowrap">${s.text}</div>`;
    y += Math.round(s.size * 1.9);
    return row;
  }).join('');
  const html = `<body style="margin:0;background:#ffffff">${rows}
    <p style="position:absolute;left:40px;top:360px;margin:0;font:16px Arial;color:#333333;white-space:nowrap">Read the <span style="color:#1a73e8">delivery terms and rules</span> before you order</p>
    <div style="position:absolute;left:40px;top:420px;font:16px Arial;color:#222222;white-space:nowrap">Left column words end</div>
    <div style="position:absolute;left:240px;top:420px;font:16px Arial;color:#222222;white-space:nowrap">Right column starts here</div>
    <p style="position:absolute;left:40px;top:480px;margin:0;font:14px Arial;color:#222222;white-space:nowrap">Status <span style="background:#bfe9ff;padding:3px 6px">Shipped</span> today</p>
    <div style="position:absolute;left:600px;top:380px;font:24px Arial;letter-spacing:5px;color:#222222;white-space:nowrap">WORLD OF SWIM</div>
    <p style="position:absolute;left:600px;top:430px;margin:0;font:16px Arial;color:#1a0dab;text-decoration:underline;white-space:nowrap">Underlined link to the shop</p>
    <p style="position:absolute;left:600px;top:470px;margin:0;padding-bottom:4px;border-bottom:1px solid #999999;font:16px Arial;color:#222222;white-space:nowrap;width:300px">Heading over a rule</p>
    <p id="para" style="position:absolute;left:40px;top:530px;width:430px;margin:0;font:15px/22px Arial;color:#222222">${PARAGRAPH}</p>
    <div style="position:absolute;left:640px;top:530px;font:15px/22px Arial;color:#222222">${MENU.join('<br>')}</div>
  </body>`;
  page = await perceive(await render(html));
  return page;
}

test('font size, weight and slant come from the glyphs: small text is not taken for bold', async () => {
  const result = await specimenPage();
  for (const s of SPECIMENS) {
    const n = node(result, s.text);
    assert.ok(Math.abs(n.style.fontSize - s.size) / s.size <= 0.12, `${s.text}: size ${n.style.fontSize} vs ${s.size}`);
    assert.equal(n.style.fontWeight, s.weight, `${s.text}: weight`);
    assert.equal(n.style.italic, s.italic ?? false, `${s.text}: italic`);
    assert.ok(hexDist(n.style.color, '#333333') <= 30, `${s.text}: colour ${n.style.color}`);
  }
});

test('a link inside a sentence is a run of the sentence, in its own colour, marked a link', async () => {
  const result = await specimenPage();
  const sentence = node(result, 'Read the delivery terms and rules before you order');
  const runs = sentence.runs ?? [];
  assert.equal(runs.map((r) => r.text).join(''), sentence.text);
  assert.equal(runs.length, 3, JSON.stringify(runs));
  const [before, link, after] = runs;
  assert.ok(textSimilarity(link.text.trim(), 'delivery terms and rules') >= 0.85, `link run: ${link.text}`);
  assert.ok(hexDist(link.style.color!, '#1a73e8') <= 40, `link colour ${link.style.color}`);
  assert.equal(link.link, true);
  for (const r of [before, after]) {
    assert.ok(hexDist(r.style.color!, '#333333') <= 30, `${r.text}: colour ${r.style.color}`);
    assert.ok(!r.link, `${r.text} is no link`);
  }
});

test('text on one baseline but set apart by a column gap is two lines', async () => {
  const result = await specimenPage();
  const left = node(result, 'Left column words end');
  const right = node(result, 'Right column starts here');
  assert.notEqual(left, right);
  assert.ok(right.box.x >= 235, `right column at ${right.box.x}`);
  // Letter-spaced words sit far apart, but no farther than their letters allow.
  assert.equal(node(result, 'WORLD OF SWIM').text.replace(/\s+/g, ' '), 'WORLD OF SWIM');
});

test('a word on a tinted chip is read against the chip', async () => {
  const result = await specimenPage();
  const chip = node(result, 'Shipped');
  assert.ok(hexDist(chip.style.color, '#222222') <= 40, `chip text colour ${chip.style.color}`);
  assert.ok(!/Status|today/.test(chip.text), `chip run joined its neighbours: ${chip.text}`);
});

test('the lines of a wrapped paragraph are one text node, as wide as its lines, one line box per line', async () => {
  const result = await specimenPage();
  const para = node(result, PARAGRAPH);
  assert.ok(textSimilarity(para.text, PARAGRAPH) >= 0.95, para.text);
  const lines = Math.round(para.box.height / para.style.lineHeight);
  assert.ok(lines >= 3, `${lines} lines`);
  assert.ok(Math.abs(para.style.lineHeight - 22) <= 1, `line height ${para.style.lineHeight}`);
  assert.ok(Math.abs(para.style.fontSize - 15) <= 1, `size ${para.style.fontSize}`);
  // No wider than the design's column, no narrower than its lines.
  assert.ok(para.box.width <= 430 && para.box.width >= 380, `width ${para.box.width}`);
});

test('a stack of short menu items stays one node per item', async () => {
  const result = await specimenPage();
  for (const item of MENU) assert.ok(textSimilarity(node(result, item).text, item) >= 0.85, item);
});

test('a row of links set in one line is one node per link, the words of each link kept together', async () => {
  const links = NAV.map((n) => `<span style="margin-right:22px">${n}</span>`).join('');
  const result = await perceive(await render(`<body style="margin:0;background:#ffffff"><div style="position:absolute;left:40px;top:30px;font:18px Arial;color:#222222;white-space:nowrap">${links}</div></body>`, 800, 120));
  const items = NAV.map((item) => node(result, item));
  assert.equal(new Set(items).size, NAV.length, 'every link a node of its own');
  for (const [k, item] of NAV.entries()) assert.ok(textSimilarity(items[k].text, item) >= 0.85, `${item}: read ${JSON.stringify(items[k].text)}`);
});

test('an underline is decoration, not glyph ink; a rule under a heading is not an underline', async () => {
  const result = await specimenPage();
  const link = node(result, 'Underlined link to the shop');
  assert.equal(link.style.decoration, 'underline');
  assert.ok(Math.abs(link.style.fontSize - 16) <= 1, `underlined size ${link.style.fontSize}`);
  assert.equal(node(result, 'Heading over a rule').style.decoration, 'none');
  for (const s of SPECIMENS) assert.equal(node(result, s.text).style.decoration, 'none', s.text);
});

test('size and weight rules on measured glyph zones and stems', () => {
  // 16-px Arial: capitals and descenders span ~0.93 em; stems ~0.09 em regular, ~0.14 em bold.
  assert.ok(Math.abs(estimateFontSize(16 * 0.93, 'Typography') - 16) <= 1.5);
  assert.ok(Math.abs(estimateFontSize(16 * 0.52, 'mean once') - 16) <= 1.5);
  assert.equal(estimateWeight(16 * 0.09, 16), 400);
  assert.equal(estimateWeight(16 * 0.14, 16), 700);
  // A separator bar descends like a g; a bar inside a word is the reader's capital I, on the baseline.
  assert.equal(estimateFontSize(16 * 0.93, 'HOME | ABOUT'), estimateFontSize(16 * 0.93, 'HOME, ABOUT'));
  assert.ok(estimateFontSize(16 * 0.93, 'HOME | ABOUT') < estimateFontSize(16 * 0.93, 'HOME ABOUT'));
  assert.equal(estimateFontSize(16 * 0.74, '|NFORMATION'), estimateFontSize(16 * 0.74, 'INFORMATION'));
});

/** First and last rows (image px) with dark ink between columns x0 and x1, from row y0 to y1. */
function inkRows(img: Awaited<ReturnType<typeof render>>, x0: number, x1: number, y0: number, y1: number): [number, number] {
  const rows: number[] = [];
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 4;
      if (img.rgba[i]! + img.rgba[i + 1]! + img.rgba[i + 2]! < 3 * 160) {
        rows.push(y);
        break;
      }
    }
  return [rows[0]!, rows.at(-1)!];
}

test('lines whose ink ends at brackets or parentheses, not a g, are set on the design baseline in the code', async () => {
  // No lowercase descender in any line: only their brackets and parentheses reach below the baseline.
  const LINES = ['Phone: [NUMBER HIDDEN]', 'Call (0100) at noon', 'Home About Contact'];
  const rows = LINES.map((t, k) => `<div style="position:absolute;left:20px;top:${20 + 40 * k}px;font:12px Arial;color:#222222;white-space:nowrap">${t}</div>`).join('');
  const design = await render(`<body style="margin:0;background:#ffffff">${rows}</body>`, 390, 160);
  const perceived = await perceive(design);
  const code = await render(await buildPreview(await generate(perceived.design, 'html-css')), 390, 160);
  for (const [k, t] of LINES.entries()) {
    const band = [12 + 40 * k, 12 + 40 * k + 36] as const;
    const [top, bottom] = inkRows(design, 20, 200, ...band);
    const [codeTop, codeBottom] = inkRows(code, 20, 200, ...band);
    assert.ok(Math.abs(codeTop - top) <= 1 && Math.abs(codeBottom - bottom) <= 1, `${t}: ink rows ${codeTop}–${codeBottom} in the code, ${top}–${bottom} in the design`);
  }
});

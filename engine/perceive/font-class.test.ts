import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import type { TextNode } from '../ir/schema.ts';
import { textSimilarity } from '../compare/index.ts';
import { perceive, closePerception, type Perception } from './index.ts';
import { allNodes, renderImage } from '../../testing/perceive/support.ts';

const pool = new RenderPool(1);
test.after(async () => {
  await pool.close();
  await closePerception();
});

interface Specimen {
  text: string;
  family: string;
  size: number;
  face: 'sans' | 'serif' | 'mono';
  weight?: number;
  dark?: boolean;
}

const SPECIMENS: Specimen[] = [
  { text: 'Our gardens open every morning at nine', family: 'Liberation Serif', size: 18, face: 'serif' },
  { text: 'Minutes of the annual meeting held in June', family: 'Liberation Serif', size: 24, face: 'serif' },
  { text: 'A history of printing', family: 'Liberation Serif', size: 40, face: 'serif', weight: 700 },
  { text: 'Letters from the northern islands', family: 'Times New Roman', size: 20, face: 'serif' },
  { text: 'Notes on building a small timber house', family: 'DejaVu Serif', size: 18, face: 'serif' },
  { text: 'Reviews of books published this winter', family: 'Liberation Serif', size: 20, face: 'serif', dark: true },
  { text: 'const total = items.reduce(add, 0);', family: 'Liberation Mono', size: 14, face: 'mono' },
  { text: 'npm install --save-dev typescript', family: 'Liberation Mono', size: 20, face: 'mono' },
  { text: 'function render(page) { return page; }', family: 'DejaVu Sans Mono', size: 16, face: 'mono' },
  { text: 'git commit --message', family: 'DejaVu Sans Mono', size: 28, face: 'mono', dark: true },
  { text: 'Free delivery on every order over fifty pounds', family: 'Arial', size: 12, face: 'sans' },
  { text: 'Sign up for the weekly newsletter today', family: 'Arial', size: 16, face: 'sans' },
  { text: 'Products and services for your business', family: 'Arial', size: 24, face: 'sans', weight: 700 },
  { text: 'Build something people love', family: 'Arial', size: 40, face: 'sans' },
  { text: 'Frequently asked questions about billing', family: 'DejaVu Sans', size: 16, face: 'sans' },
  { text: 'Meet the team behind the product', family: 'Noto Sans', size: 20, face: 'sans' },
  { text: 'Download the mobile application now', family: 'Arial', size: 18, face: 'sans', dark: true },
  { text: 'Monday 12 March 2024, 10:45 to 18:30', family: 'Arial', size: 14, face: 'sans' },
];

const CODE = ['for (let i = 0; i < rows.length; i++) {', '  const row = rows[i].split(",");', '  console.log(row.join(" | "));', '}'];

let page: Perception | undefined;
async function specimenPage(): Promise<Perception> {
  if (page) return page;
  let y = 20;
  const rows = SPECIMENS.map((s) => {
    const bg = s.dark ? 'background:#1f2933;color:#e6e6e6;padding:6px 10px' : 'color:#222222';
    const row = `<div style="position:absolute;left:30px;top:${y}px;font:${s.weight ?? 400} ${s.size}px '${s.family}';${bg};white-space:nowrap">${s.text}</div>`;
    y += Math.round(s.size * 1.6) + (s.dark ? 24 : 12);
    return row;
  }).join('');
  const code = `<pre style="position:absolute;left:720px;top:20px;margin:0;font:12px/18px 'Liberation Mono';color:#222222">${CODE.join('\n')}</pre>`;
  const html = `<body style="margin:0;background:#ffffff">${rows}${code}</body>`;
  page = await perceive(await renderImage(pool, html, 1100, y + 20));
  return page;
}

function node(result: Perception, s: string): TextNode {
  const best = allNodes(result.design.root)
    .filter((n): n is TextNode => n.type === 'text')
    .map((n) => ({ n, r: textSimilarity(n.text, s) }))
    .sort((a, b) => b.r - a.r)[0];
  assert.ok(best && best.r >= 0.8, `"${s}" not read (best: ${JSON.stringify(best?.n.text)})`);
  return best.n;
}

test('the font class of each line comes from its glyphs: serif feet and contrast, monospace cells, sans otherwise', async () => {
  const result = await specimenPage();
  const wrong = SPECIMENS.flatMap((s) => {
    const n = node(result, s.text);
    // The size is fitted to the chosen face's advances (DejaVu's are wider than any bundled face's).
    const sized = s.family.startsWith('DejaVu') || Math.abs(n.style.fontSize - s.size) <= 0.1 * s.size;
    const ok = n.style.fontClass === s.face && sized;
    return ok ? [] : [`${s.family} ${s.size}px${s.dark ? ' on dark' : ''}: ${n.style.fontClass} ${n.style.fontSize}px`];
  });
  assert.deepEqual(wrong, []);
});

test('a block of small monospaced code is mono', async () => {
  const result = await specimenPage();
  // However its lines are grouped into nodes.
  const code = allNodes(result.design.root).filter((n): n is TextNode => n.type === 'text' && n.box.x >= 700 && n.text.length > 20);
  assert.ok(code.length > 0 && code.every((n) => n.style.fontClass === 'mono'), code.map((n) => `${n.text}: ${n.style.fontClass}`).join('; '));
});

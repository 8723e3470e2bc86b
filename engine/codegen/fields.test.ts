import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { flowLayout, frame, noStyle, text } from '../ir/build.ts';
import type { Design, FrameNode } from '../ir/schema.ts';
import { buildPreview, generate, STACK_NAMES } from './index.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

const field = (id: string, y: number, height: number, placeholder?: string): FrameNode =>
  frame(
    id,
    { x: 20, y, width: 300, height },
    placeholder ? [text(`${id}-text`, { x: 33, y: y + (height > 64 ? 10 : (height - 19) / 2), width: 120, height: 19 }, placeholder, { fontSize: 16, lineHeight: 19, color: '#757575' })] : [],
    {
      role: 'input',
      sizing: { width: 'fixed', height: 'fixed' },
      layout: flowLayout('column', { padding: { top: 10, right: 12, bottom: 10, left: 12 } }),
      style: { ...noStyle(), fills: [{ type: 'solid', color: '#ffffff' }], border: { color: '#cccccc', style: 'solid', width: { top: 1, right: 1, bottom: 1, left: 1 } }, radius: [4, 4, 4, 4] },
    },
  );

function form(): Design {
  const button = frame('send', { x: 20, y: 250, width: 100, height: 40 }, [text('send-text', { x: 50, y: 260, width: 40, height: 19 }, 'Send', { color: '#ffffff', align: 'center' })], {
    role: 'button',
    sizing: { width: 'fixed', height: 'fixed' },
    layout: flowLayout('column', { mainAlign: 'center', crossAlign: 'center' }),
    style: { ...noStyle(), fills: [{ type: 'solid', color: '#1a73e8' }] },
  });
  const root = frame('root', { x: 0, y: 0, width: 400, height: 320 }, [field('name', 20, 40, 'Your name'), field('empty', 80, 36), field('message', 136, 100, 'Your message'), button], {
    sizing: { width: 'fixed', height: 'fixed' },
    layout: flowLayout('none'),
    style: { ...noStyle(), fills: [{ type: 'solid', color: '#ffffff' }] },
  });
  return { version: 1, viewport: { width: 400, height: 320 }, root, assets: {} };
}

const entryOf = async (stack: (typeof STACK_NAMES)[number]) => {
  const code = await generate(form(), stack);
  return { code, source: code.files.find((f) => f.path === code.entry)!.contents as string };
};

test('a field is an <input> (a <textarea> when tall) with its text as placeholder, in every stack; a button stays a button', async () => {
  for (const stack of STACK_NAMES) {
    const { source } = await entryOf(stack);
    assert.match(source, /<input[^>]*type="text"[^>]*placeholder="Your name"/, stack);
    assert.match(source, /<textarea[^>]*placeholder="Your message"/, stack);
    assert.equal(source.match(/<input\b/g)?.length, 2, `${stack}: the empty field is an input too`);
    assert.match(source, /<button[^>]*>\s*<(p|span)[^>]*>\s*Send\s*</, stack);
  }
  assert.match((await entryOf('html-css')).source, /\.[\w-]+::placeholder \{\s*color: #757575;/);
  for (const stack of ['html-tailwind', 'react-tailwind'] as const) assert.match((await entryOf(stack)).source, /placeholder:text-\[#757575\]/, stack);
});

test('the fields render alike in every stack: size, border, corners, padding, type and placeholder colour', async () => {
  const looks = [];
  for (const stack of STACK_NAMES) {
    const html = await buildPreview((await entryOf(stack)).code);
    looks.push(
      await pool.withPage(html, { width: 400, height: 320 }, (page) =>
        page.evaluate(`[...document.querySelectorAll('input, textarea')].map((e) => {
          const s = getComputedStyle(e), p = getComputedStyle(e, '::placeholder'), r = e.getBoundingClientRect();
          return [r.x, r.y, r.width, r.height, s.borderTopWidth, s.borderTopColor, s.borderTopLeftRadius, s.paddingLeft, s.paddingTop, s.fontFamily, s.fontSize, p.color, s.resize, s.backgroundColor].join('|');
        })`),
      ),
    );
  }
  const [css] = looks as string[][];
  assert.deepEqual(css!.map((l) => l.split('|').slice(0, 9).join(' ')), [
    '20 20 300 40 1px rgb(204, 204, 204) 4px 12px 0px',
    '20 80 300 36 1px rgb(204, 204, 204) 4px 12px 0px',
    '20 136 300 100 1px rgb(204, 204, 204) 4px 12px 9px',
  ]);
  assert.match(css![0]!, /Arimo.*\|16px\|rgb\(117, 117, 117\)/);
  assert.match(css![2]!, /\|none\|rgb\(255, 255, 255\)$/);
  for (const [i, l] of looks.entries()) assert.deepEqual(l, css, STACK_NAMES[i]);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { fontStack, facesFor, nearestWeight } from './fonts.ts';
import { svgToJsx, jsxText } from './react.ts';
import { toTailwind } from './tailwind.ts';
import { isSingleLine, slug } from './tree.ts';
import { joinRelative } from './preview.ts';
import { text } from '../ir/build.ts';

test('declarations map to exact Tailwind utilities', () => {
  const fonts = new Map([['"Arimo", sans-serif', 'arimo']]);
  assert.deepEqual(
    toTailwind(
      [
        ['display', 'flex'], ['flex-direction', 'column'], ['gap', '12px'], ['padding', '10px 16px'], ['width', '312px'],
        ['height', '13px'], ['left', '-8px'], ['margin', '1px 2px 3px 4px'], ['background-color', '#1a2b3c'],
        ['border-width', '0 0 2px 0'], ['border-radius', '4px 4px 0 0'], ['box-shadow', '0 2px 4px 0 #00000040'],
        ['opacity', '0.9'], ['font-family', '"Arimo", sans-serif'], ['font-size', '16px'], ['font-weight', '600'],
        ['line-height', '20px'], ['letter-spacing', '-0.5px'], ['color', '#ffffff'], ['white-space', 'nowrap'],
        ['grid-template-columns', 'repeat(3, minmax(0, 1fr))'], ['background-image', 'url(assets/a.png)'],
      ],
      fonts,
    ),
    [
      'flex', 'flex-col', 'gap-3', 'py-2.5', 'px-4', 'w-78', 'h-[13px]', '-left-2', 'mt-[1px]', 'mr-0.5', 'mb-[3px]', 'ml-1',
      'bg-[#1a2b3c]', 'border-b-[2px]', 'rounded-[4px_4px_0_0]',
      '[box-shadow:0_2px_4px_0_#00000040]', 'opacity-90', 'font-arimo', 'text-base/5', 'font-semibold',
      'tracking-[-0.5px]', 'text-[#ffffff]', 'whitespace-nowrap', 'grid-cols-3', 'bg-[url(assets/a.png)]',
    ],
  );
  assert.deepEqual(
    toTailwind([['mix-blend-mode', 'multiply'], ['backdrop-filter', 'blur(4px)'], ['overflow', 'hidden'], ['background-color', 'var(--color-brand)'], ['color', 'var(--ink)']], new Map()),
    ['mix-blend-multiply', 'backdrop-blur-[4px]', 'overflow-hidden', 'bg-brand', 'text-[var(--ink)]'],
  );
  // No utility says it: an arbitrary property does.
  assert.deepEqual(toTailwind([['isolation', 'isolate']], new Map()), ['[isolation:isolate]']);
});

test('fonts map to the bundled metric-compatible families and nearest weights', () => {
  assert.equal(fontStack({ fontFamily: 'Helvetica Neue', fontClass: 'sans' }), '"Arimo", "Helvetica Neue", sans-serif');
  assert.equal(fontStack({ fontFamily: 'Arimo', fontClass: 'sans' }), '"Arimo", sans-serif');
  assert.equal(fontStack({ fontFamily: 'serif', fontClass: 'serif' }), '"Tinos", serif');
  assert.equal(fontStack({ fontFamily: 'Noto Sans JP', fontClass: 'sans' }), '"Arimo", "Noto Sans JP", sans-serif');
  assert.equal(fontStack({ fontFamily: 'ヒラギノ角ゴ Pro', fontClass: 'sans' }), '"Arimo", "ヒラギノ角ゴ Pro", sans-serif');
  // A name from a design file lands inside a <style> element: nothing in it may end the element or the string.
  assert.equal(fontStack({ fontFamily: `Inter'; } </style><script>alert(1)</script>`, fontClass: 'sans' }), `"Arimo", "Inter' stylescriptalert(1)script", sans-serif`);
  assert.equal(fontStack({ fontFamily: 'A"B\\C', fontClass: 'sans' }), '"Arimo", "ABC", sans-serif');
  assert.equal(nearestWeight([400, 700], 600), 700);
  assert.equal(nearestWeight([400, 700], 500), 400);
  assert.equal(nearestWeight([400, 500, 600, 700], 900), 700);
  assert.equal(nearestWeight([400, 500, 600, 700], 300), 400);
  assert.deepEqual(
    facesFor([{ fontClass: 'mono', fontWeight: 800, italic: true }, { fontClass: 'sans', fontWeight: 450, italic: false }]).map((f) => f.path),
    ['fonts/arimo-latin-400-normal.woff2', 'fonts/cousine-latin-700-italic.woff2'],
  );
});

test('SVG becomes JSX', () => {
  assert.equal(
    svgToJsx('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="a" viewBox="0 0 4 4"><!-- c --><g style="fill-opacity: 0.5; stroke-width:2"><path stroke-linecap="round" d="M0 0"/><use xlink:href="#p"/></g><text x="1">a &lt; b</text></svg>', 'w-4'),
    '<svg className="w-4 a" viewBox="0 0 4 4"><g style={{ fillOpacity: "0.5", strokeWidth: "2" }}><path strokeLinecap="round" d="M0 0" /><use xlinkHref="#p" /></g><text x="1">{"a < b"}</text></svg>',
  );
  assert.equal(jsxText('Plain words'), 'Plain words');
  assert.equal(jsxText('a {b}'), '{"a {b}"}');
});

test('small helpers', () => {
  assert.equal(slug('Hero Title!'), 'hero-title');
  assert.equal(slug('3 cards'), 'n-3-cards');
  assert.equal(joinRelative('sub/index.html', '../assets/a.png?x=1'), 'assets/a.png');
  assert.equal(joinRelative('sub/index.html', '/main.tsx'), 'main.tsx');
  assert.equal(isSingleLine(text('t', { x: 0, y: 0, width: 10, height: 29 }, 'x', { lineHeight: 20 })), true);
  assert.equal(isSingleLine(text('t', { x: 0, y: 0, width: 10, height: 40 }, 'x', { lineHeight: 20 })), false);
});

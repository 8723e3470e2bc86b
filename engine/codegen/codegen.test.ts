import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as prettier from 'prettier';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { RenderPool } from '../render/pool.ts';
import { parseDesign } from '../ir/validate.ts';
import { buildPreview, generate, previewFromFile, STACK_NAMES, type GeneratedCode, type Stack } from './index.ts';
import { landingPage, layoutShowcase } from '../../testing/codegen/fixtures.ts';

const pool = new RenderPool(3);
test.after(() => pool.close());

const landing = landingPage();
const showcase = layoutShowcase();

const codeCache = new Map<string, Promise<GeneratedCode>>();
const code = (name: 'landing' | 'showcase', stack: Stack) => {
  const key = `${name}/${stack}`;
  if (!codeCache.has(key)) codeCache.set(key, generate(name === 'landing' ? landing : showcase, stack));
  return codeCache.get(key)!;
};
const previewCache = new Map<string, Promise<string>>();
const preview = (name: 'landing' | 'showcase', stack: Stack) => {
  const key = `${name}/${stack}`;
  if (!previewCache.has(key)) previewCache.set(key, code(name, stack).then(buildPreview));
  return previewCache.get(key)!;
};

type Rect = { x: number; y: number; width: number; height: number };
// The engine's tsconfig has no DOM types: page code is written as strings.
const rect = (page: Page, selector: string) =>
  page.evaluate<Rect>(`(() => { const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })()`);
const rects = (page: Page, selector: string) =>
  page.evaluate<Rect[]>(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })`);
const style = (page: Page, selector: string, prop: string) =>
  page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(prop)})`);

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (y * info.width + x) * 3;
    return '#' + [data[i]!, data[i + 1]!, data[i + 2]!].map((v) => v.toString(16).padStart(2, '0')).join('');
  };
  return { data, info, at };
}

test('fixtures are valid IR', () => {
  parseDesign(landing);
  parseDesign(showcase);
});

test('generation is deterministic, formatted, offline', async () => {
  for (const stack of STACK_NAMES) {
    const [a, b] = [await generate(landing, stack), await generate(landing, stack)];
    assert.deepEqual(a, b, `${stack}: two runs differ`);
    for (const f of a.files) {
      assert.ok(!f.path.startsWith('/') && !f.path.includes('\\') && !f.path.includes('..'), f.path);
      if (typeof f.contents !== 'string') continue;
      assert.doesNotMatch(f.contents, /https?:\/\//, `${stack}/${f.path} carries a URL`);
      const parser = f.path.endsWith('.html') ? 'html' : f.path.endsWith('.css') ? 'css' : f.path.endsWith('.json') ? 'json' : f.path.endsWith('.ts') || f.path.endsWith('.tsx') ? 'typescript' : undefined;
      if (parser) assert.ok(await prettier.check(f.contents, { parser, printWidth: 100, singleQuote: true, htmlWhitespaceSensitivity: 'ignore' }), `${stack}/${f.path} is not formatted`);
    }
    const paths = a.files.map((f) => f.path);
    assert.ok(paths.includes(a.entry));
    assert.ok(paths.includes('assets/blue.png'));
    assert.ok(paths.includes('fonts/arimo-latin-400-normal.woff2') && paths.includes('fonts/arimo-latin-700-normal.woff2'));
    assert.equal(await buildPreview(a), await buildPreview(b), `${stack}: previews differ`);
  }
  for (const stack of ['html-css', 'html-tailwind'] as const) assert.doesNotMatch(await preview('landing', stack), /https?:\/\//);
});

test('each stack writes the files its users expect', async () => {
  const css = await code('landing', 'html-css');
  const html = css.files.find((f) => f.path === 'index.html')!.contents as string;
  assert.match(html, /<style>/);
  assert.match(html, /\.hero-title \{/);
  assert.match(html, /font-family: 'Arimo', 'Liberation Sans', sans-serif/);
  assert.match(html, /@font-face/);
  const tw = await code('landing', 'html-tailwind');
  assert.deepEqual(tw.files.map((f) => f.path).filter((p) => !p.includes('/')).sort(), ['index.html', 'styles.css', 'tailwind.css']);
  assert.match(tw.files.find((f) => f.path === 'index.html')!.contents as string, /class="flex gap-3 items-center py-2\.5 px-4/);
  const react = await code('landing', 'react-tailwind');
  const file = (p: string) => react.files.find((f) => f.path === p)!.contents as string;
  assert.equal(react.entry, 'App.tsx');
  assert.match(file('App.tsx'), /^import blue from '\.\/assets\/blue\.png';/);
  assert.match(file('App.tsx'), /export default function App\(\)/);
  assert.match(file('App.tsx'), /<img\s[^>]*src=\{blue\}\s+alt="A blue square"/);
  assert.match(file('App.tsx'), /strokeWidth="0"/);
  assert.doesNotMatch(file('App.tsx'), /\sclass=|stroke-width/);
  assert.match(file('main.tsx'), /createRoot\(document\.getElementById\('root'\)!\)\.render/);
  const pkg = JSON.parse(file('package.json'));
  for (const dep of ['react', 'react-dom']) assert.ok(pkg.dependencies[dep]);
  for (const dep of ['vite', 'tailwindcss']) assert.ok(pkg.devDependencies[dep]);
  assert.match(file('styles.css'), /\.max-w-100 \{/);
});

for (const stack of STACK_NAMES) {
  test(`${stack}: semantic tags, live text, flex rows, gaps, padding, fills, image, vector, fonts`, async () => {
    const html = await preview('landing', stack);
    await pool.withPage(html, landing.viewport, async (page) => {
      // Semantic tags from roles.
      const tags = await page.evaluate<string[]>(`[...document.body.querySelectorAll('*')].map((e) => e.tagName.toLowerCase())`);
      for (const t of ['nav', 'main', 'h1', 'p', 'button', 'ul', 'li', 'img', 'a', 'svg']) assert.ok(tags.includes(t), `no <${t}>`);
      assert.equal(await page.evaluate(`document.querySelector('img').alt`), 'A blue square');
      // Live text.
      const text = await page.evaluate<string>('document.body.innerText');
      for (const t of ['Home', 'About', 'Hello Loupe', 'Get started', 'Turn designs into code']) assert.ok(text.includes(t), `"${t}" is not live text`);
      // A menu is a list in its nav; a row is a row, its gap is the gap, its padding the padding.
      assert.equal(await page.evaluate(`document.querySelectorAll('nav > ul > li > a').length`), 2);
      assert.equal(await style(page, 'nav > ul', 'flex-direction'), 'row');
      const nav = await rect(page, 'nav');
      const [home, about] = await rects(page, 'nav a');
      assert.deepEqual([nav.x, nav.y, nav.width, nav.height], [0, 0, 400, 40]);
      assert.equal(home!.x - nav.x, 16);
      assert.equal(home!.y - nav.y, 10);
      assert.ok(Math.abs(about!.x - (home!.x + home!.width) - 12) < 0.01, `gap ${about!.x - (home!.x + home!.width)}`);
      assert.ok(Math.abs(home!.y - about!.y) < 0.01);
      const cards = await rects(page, 'main li');
      assert.deepEqual(cards.map((c) => [c.x, c.y, c.width, c.height]), [[24, 232, 104, 60], [148, 232, 104, 60], [272, 232, 104, 60]]);
      // Absolute placement from boxes.
      assert.deepEqual(Object.values(await rect(page, 'h1')).slice(0, 2), [24, 64]);
      assert.deepEqual(Object.values(await rect(page, 'button')), [24, 168, 120, 40]);
      assert.deepEqual(Object.values(await rect(page, 'img')), [260, 64, 116, 80]);
      // The paragraph wraps inside its width; the heading stays on one line.
      assert.equal((await rect(page, 'p')).height, 40);
      assert.equal((await rect(page, 'h1')).height, 36);
      // Fonts: Arimo loaded from the inlined files, not a fallback serif.
      const fonts = await page.evaluate<{ loaded: string[]; arimo: number; serif: number; h1: number }>(`(() => {
        const loaded = [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, '') + ' ' + f.weight);
        const c = document.createElement('canvas').getContext('2d');
        c.font = '700 32px Arimo'; const arimo = c.measureText('Hello Loupe').width;
        c.font = '700 32px serif'; const serif = c.measureText('Hello Loupe').width;
        const r = document.createRange(); r.selectNodeContents(document.querySelector('h1'));
        return { loaded, arimo, serif, h1: r.getBoundingClientRect().width };
      })()`);
      assert.ok(fonts.loaded.includes('Arimo 700') && fonts.loaded.includes('Arimo 400'), fonts.loaded.join());
      assert.ok(Math.abs(fonts.h1 - fonts.arimo) < 0.5, `h1 text ${fonts.h1}px, Arimo ${fonts.arimo}px`);
      assert.ok(Math.abs(fonts.arimo - fonts.serif) > 2, 'Arimo measured like the fallback serif');
      assert.equal(await style(page, 'h1', 'font-family'), 'Arimo, "Liberation Sans", sans-serif');
      // Pixels: fills, the image asset and the vector.
      const shot = await page.screenshot({ type: 'png' });
      const { at } = await pixels(shot);
      assert.equal(at(2, 2), '#1a2b3c', 'nav fill');
      assert.equal(at(200, 335), '#f1faee', 'hero fill');
      assert.equal(at(27, 171), '#e63946', 'button fill');
      assert.equal(at(318, 104), '#3366cc', 'image');
      assert.equal(at(80, 262), '#2a9d8f', 'first card');
      assert.equal(at(200, 262), '#e9c46a', 'second card');
      assert.equal(at(24, 262), '#000000', 'card border');
      assert.equal(at(352, 312), '#ff9900', 'vector');
    });
  });
}

test('flow layouts: column gap and padding, wrapping rows, grids, fill, margin, absolute child', async () => {
  const html = await preview('showcase', 'html-css');
  await pool.withPage(html, showcase.viewport, async (page) => {
    const root = await rect(page, 'body > *');
    assert.deepEqual([root.width, root.height], [360, 360]);
    assert.equal(await style(page, 'body > *', 'flex-direction'), 'column');
    const chips = await rects(page, '.toolbar > *');
    // 3 chips of 90 + 2 gaps of 10 fit in 320; the 4th wraps 14px below.
    assert.deepEqual(chips.map((c) => [c.x, c.y]), [[20, 20], [120, 20], [220, 20], [20, 58]]);
    const cells = await rects(page, '.grid > *');
    assert.deepEqual(cells.map((c) => [Math.round(c.x * 100) / 100, c.y, Math.round(c.width * 100) / 100]), [
      [20, 98, 100], [130, 98, 100], [240, 98, 100], [20, 142, 100], [130, 142, 100], [240, 142, 100],
    ]);
    assert.equal((await rect(page, '.grid')).y - (chips[3]!.y + 24), 16, 'column gap');
    const fixed = await rect(page, '.fixed-side');
    const grow = await rect(page, '.growing-side');
    assert.deepEqual([fixed.x, fixed.width, fixed.height], [20, 60, 40]);
    assert.deepEqual([grow.x, grow.width, grow.height], [88, 252, 40]);
    const lines = await rect(page, '.texts > :nth-child(3)');
    assert.equal(lines.height, 40, 'two lines from the explicit break');
    const mono = await rect(page, '.texts > :nth-child(2)');
    assert.equal(lines.y - (mono.y + mono.height), 8, 'gap + margin-top');
    assert.equal(lines.x, 26, 'margin-left');
    assert.deepEqual(Object.values(await rect(page, '.badge')), [300, 250, 30, 30]);
    const text = await page.evaluate<string>('document.body.innerText');
    assert.match(text, /SECOND <LINE> & MORE/);
    const loaded = await page.evaluate<string[]>(`[...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, '') + ' ' + f.weight + ' ' + f.style)`);
    assert.ok(loaded.includes('Tinos 400 italic') && loaded.includes('Cousine 700 normal'), loaded.join());
  });
});

// Every element's computed style and box, in document order: the three stacks must agree.
const SNAPSHOT = `[...document.body.querySelectorAll('*')].filter((e) => e.tagName !== 'SCRIPT' && e.id !== 'root').map((e) => {
  const s = getComputedStyle(e); const r = e.getBoundingClientRect();
  return [e.tagName, r.x, r.y, r.width, r.height, ...['display','flex-direction','flex-wrap','gap','row-gap','column-gap','padding','margin','justify-content','align-items',
    'grid-template-columns','background-color','background-image','background-size','border-top','border-right','border-bottom','border-left','border-radius','box-shadow','opacity',
    'font-family','font-size','font-weight','font-style','line-height','letter-spacing','color','text-align','text-transform','text-decoration-line','white-space','object-fit']
    .map((p) => p === 'background-image' ? s.getPropertyValue(p).replace(/url\\("data:[^)]*\\)/g, 'url(data)') : s.getPropertyValue(p))].join('|');
})`;

for (const name of ['landing', 'showcase'] as const) {
  test(`${name}: the three stacks render the same DOM geometry, styles and pixels`, async () => {
    const design = name === 'landing' ? landing : showcase;
    const results = await Promise.all(
      STACK_NAMES.map(async (stack) =>
        pool.withPage(await preview(name, stack), design.viewport, async (page) => ({
          stack,
          snapshot: await page.evaluate<string[]>(SNAPSHOT),
          png: await page.screenshot({ type: 'png', fullPage: true }),
        })),
      ),
    );
    const [base, ...rest] = results;
    const basePx = await pixels(base!.png);
    for (const r of rest) {
      assert.deepEqual(r.snapshot, base!.snapshot, `${r.stack} differs from ${base!.stack}`);
      const { data, info } = await pixels(r.png);
      assert.deepEqual([info.width, info.height], [basePx.info.width, basePx.info.height]);
      let diff = 0;
      for (let i = 0; i < data.length; i += 3) if (data[i] !== basePx.data[i] || data[i + 1] !== basePx.data[i + 1] || data[i + 2] !== basePx.data[i + 2]) diff++;
      assert.equal(diff, 0, `${r.stack}: ${diff} pixels differ from ${base!.stack}`);
    }
    if (name === 'showcase') {
      const { at } = basePx;
      assert.equal(at(25, 205), '#023047', 'fixed side');
      assert.equal(at(315, 125), '#219ebc', 'grid cell');
      assert.equal(at(315, 270), '#3366cc', 'image fill');
      const left = at(92, 205);
      const right = at(335, 205);
      assert.ok(parseInt(left.slice(1, 3), 16) > 180 && parseInt(right.slice(5, 7), 16) > 180, `gradient ${left} → ${right}`);
    }
  });
}

test('previewFromFile renders generated code from disk: HTML, a React component, a React entry', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-codegen-'));
  try {
    for (const stack of ['html-tailwind', 'react-tailwind'] as const) {
      for (const f of (await code('landing', stack)).files) {
        const p = join(dir, stack, f.path);
        await mkdir(dirname(p), { recursive: true });
        await writeFile(p, f.contents);
      }
    }
    const expected = await pool.screenshot(await preview('landing', 'html-css'), landing.viewport);
    for (const file of ['html-tailwind/index.html', 'react-tailwind/App.tsx', 'react-tailwind/index.html']) {
      const html = await previewFromFile(join(dir, file));
      assert.doesNotMatch(html, /\s(src|href)="(?!data:|#)/, `${file}: a reference was not inlined`);
      const shot = await pool.screenshot(html, landing.viewport);
      assert.ok(shot.png.equals(expected.png), `${file} renders differently from the html-css preview`);
    }
    await assert.rejects(previewFromFile(join(dir, 'missing.html')), /does not exist/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

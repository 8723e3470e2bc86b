import { test } from 'node:test';
import assert from 'node:assert/strict';
import { align, defaultBreakpoint, mergeWidths } from './two-widths.ts';
import { classRules, walk } from './html.ts';
import type { Decl, Element, Page } from './tree.ts';

const text = (name: string, words: string, decls: Decl[] = []): Element => ({ tag: 'p', name, attrs: [], decls, children: [], text: [words] });
const box = (name: string, children: Element[], decls: Decl[] = []): Element => ({ tag: 'div', name, attrs: [], decls, children });
const picture = (name: string, src: string): Element => ({ tag: 'img', name, attrs: [['alt', '']], decls: [['width', '100%']], children: [], src });
const page = (width: number, root: Element, assets: string[] = []): Page => ({
  title: 'p',
  viewport: { width, height: 800 },
  root,
  assets: assets.map((path, i) => ({ path, bytes: new Uint8Array([width, i]) })),
  textStyles: [],
  variables: new Map(),
});
const byName = (root: Element) => {
  const m = new Map<string, Element>();
  walk(root, (el) => m.set(el.name, el));
  return m;
};

test('align pairs alike items in order and leaves the rest on their own', () => {
  const same = (x: string, y: string) => (x === y ? 1 : 0);
  assert.deepEqual(align(['a', 'b', 'c'], ['a', 'x', 'c'], same), [{ wide: 'a', narrow: 'a' }, { wide: 'b' }, { narrow: 'x' }, { wide: 'c', narrow: 'c' }]);
  // Order is kept: a swapped pair matches once, the other element stands alone on each side.
  assert.equal(align(['a', 'b'], ['b', 'a'], same).filter((s) => s.wide && s.narrow).length, 1);
});

test('the breakpoint is a tablet width between the two designs, inside their range', () => {
  assert.equal(defaultBreakpoint(1280, 390), 768);
  assert.equal(defaultBreakpoint(700, 390), 700);
  assert.equal(defaultBreakpoint(1280, 900), 901);
});

test('one element where the designs agree, each design’s declarations in its own range', () => {
  const wide = page(1280, box('page', [
    box('row', [text('title', 'Hello world', [['font-size', '48px'], ['color', 'red']]), picture('hero', 'assets/hero.png')], [['display', 'flex'], ['gap', '24px']]),
    text('aside', 'Only on desktop'),
  ], [['max-width', '1280px']]), ['assets/hero.png']);
  wide.root.children[0]!.narrow = [{ below: 1000, decls: [['flex-wrap', 'wrap']] }, { below: 600, decls: [['gap', '8px']] }];
  const narrow = page(390, box('page', [
    box('row', [text('title', 'Hello world', [['font-size', '28px'], ['color', 'red']]), picture('hero', 'assets/hero.png')], [['display', 'flex'], ['flex-direction', 'column']]),
    box('menu', [text('title', 'Menu'), picture('icon', 'assets/hero.png')]),
  ]), ['assets/hero.png']);

  const { page: merged, report } = mergeWidths(wide, narrow);
  assert.equal(report.breakpoint, 768);
  const els = byName(merged.root);
  const title = els.get('title')!;
  assert.deepEqual(title.decls, [['color', 'red']], 'what both designs declare alike applies at every width');
  assert.deepEqual(title.narrow, [{ from: 768, below: Infinity, decls: [['font-size', '48px']] }, { below: 768, decls: [['font-size', '28px']] }]);

  const row = els.get('row')!;
  assert.deepEqual(row.decls, [['display', 'flex']]);
  // The wide design's own reflow stays above the breakpoint; what it did below is the narrow design's now.
  assert.deepEqual(row.narrow, [
    { from: 768, below: Infinity, decls: [['gap', '24px']] },
    { below: 1000, from: 768, decls: [['flex-wrap', 'wrap']] },
    { below: 768, decls: [['flex-direction', 'column']] },
  ]);

  assert.deepEqual(els.get('aside')!.narrow, [{ below: 768, decls: [['display', 'none']] }], 'only the wide design has it');
  const menu = els.get('menu')!;
  assert.deepEqual(menu.narrow, [{ from: 768, below: Infinity, decls: [['display', 'none']] }], 'only the narrow design has it');
  // Its names and its picture do not collide with the wide design's.
  assert.deepEqual(menu.children.map((c) => c.name), ['title-narrow', 'icon']);
  assert.equal(menu.children[1]!.src, 'assets/narrow-hero.png');
  assert.deepEqual(merged.assets.map((a) => a.path), ['assets/hero.png', 'assets/narrow-hero.png']);
  assert.deepEqual([report.shared, report.wideOnly, report.narrowOnly], [4, 1, 3]);

  // Each range becomes one media query, the widest first, so a narrower range overrides a wider one.
  const css = classRules(merged.root);
  const queries = [...css.matchAll(/@media \(([^)]*)\)/g)].map((m) => m[1]);
  assert.deepEqual(queries, ['width >= 768px', '768px <= width < 1000px', 'width < 768px']);
});

test('a box only one design draws is itself at its widths and display: contents at the other, so what it holds is written once', () => {
  const wide = page(1280, box('page', [box('bar', [text('logo', 'Acme'), text('nav', 'Pricing Docs')], [['display', 'flex']]), text('body', 'Welcome')]));
  const narrow = page(390, box('page', [text('logo', 'Acme'), text('nav', 'Pricing Docs'), box('card', [text('body', 'Welcome')], [['padding', '16px']])]));
  const { page: merged, report } = mergeWidths(wide, narrow);
  const [bar, card] = merged.root.children;
  assert.equal(bar!.name, 'bar');
  assert.deepEqual(bar!.decls, []);
  assert.deepEqual(bar!.narrow, [{ from: 768, below: Infinity, decls: [['display', 'flex']] }, { below: 768, decls: [['display', 'contents']] }]);
  assert.deepEqual(bar!.children.map((c) => c.name), ['logo', 'nav']);
  assert.equal(card!.name, 'card');
  assert.deepEqual(card!.narrow, [{ from: 768, below: Infinity, decls: [['display', 'contents']] }, { below: 768, decls: [['padding', '16px']] }]);
  assert.deepEqual(card!.children.map((c) => c.name), ['body']);
  assert.deepEqual([report.shared, report.wideOnly, report.narrowOnly], [6, 0, 0]);
});

test('text pairs only with the same text: a heading cut in two at the other width stays two elements', () => {
  const wide = page(1280, box('page', [text('heading', 'View our Diversity and Inclusion Mission Statement')]));
  const narrow = page(390, box('page', [text('heading', 'View our Diversity and Inclusion Mission'), text('rest', 'Statement')]));
  const { report } = mergeWidths(wide, narrow);
  assert.deepEqual([report.shared, report.wideOnly, report.narrowOnly], [1, 1, 2]);
  // A word read differently still pairs.
  const misread = mergeWidths(wide, page(390, box('page', [text('heading', 'View our Diversity and Inclusion Mision Statement')])));
  assert.equal(misread.report.shared, 2);
});

test('two designs must be of different widths, the wide one first', () => {
  const one = page(390, box('page', []));
  assert.throws(() => mergeWidths(one, page(1280, box('page', []))), /narrower/);
});

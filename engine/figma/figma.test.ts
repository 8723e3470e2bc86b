// Figma JSON → IR → code, rendered in real Chromium: every auto-layout setting must come out as
// the layout the browser computes, and frames without auto layout as flow where they can.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { RenderPool } from '../render/pool.ts';
import { buildPreview, generate } from '../codegen/index.ts';
import { isLoupeError } from '../errors.ts';
import type { Design } from '../ir/schema.ts';
import { convertDesign } from '../pipeline/convert-design.ts';
import { readFigmaInput } from '../pipeline/figma-input.ts';
import { auto, ellipse, frame, nodesResponse, rect, solid, text } from '../../testing/figma/fixtures.ts';
import { figmaToDesign } from './index.ts';
import { FIGMA_DATA } from '../../testing/data.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

const datasets = FIGMA_DATA;

const page = frame('Page', { x: 1000, y: 500, width: 400, height: 700 }, [
  frame('Toolbar', { x: 1016, y: 516, width: 368, height: 48 }, [
    rect('Logo', { x: 1024, y: 520, width: 40, height: 40 }),
    frame('Search', { x: 1072, y: 530, width: 250, height: 20 }, [], { fills: [solid('#eeeeee')], layoutSizingHorizontal: 'FILL', layoutSizingVertical: 'FIXED' }),
    text('Menu', { x: 1330, y: 530, width: 46, height: 20 }, 'Menu', {}, { layoutSizingHorizontal: 'HUG', layoutSizingVertical: 'HUG' }),
  ], { ...auto('HORIZONTAL', { primaryAxisAlignItems: 'SPACE_BETWEEN', counterAxisAlignItems: 'CENTER', itemSpacing: 8, paddingTop: 4, paddingBottom: 4, paddingLeft: 8, paddingRight: 8 }), layoutSizingHorizontal: 'FILL', layoutSizingVertical: 'HUG' }),
  frame('Tags', { x: 1016, y: 576, width: 200, height: 66 }, [0, 1, 2, 3, 4].map((i) => rect('Tag', { x: 1016 + (i % 3) * 60, y: 576 + Math.floor(i / 3) * 36, width: 50, height: 30 })), {
    ...auto('HORIZONTAL', { layoutWrap: 'WRAP', itemSpacing: 10, counterAxisSpacing: 6, counterAxisSizingMode: 'AUTO' }),
    layoutSizingHorizontal: 'FIXED',
    layoutSizingVertical: 'HUG',
  }),
  frame('Centered', { x: 1016, y: 654, width: 200, height: 100 }, [rect('Dot', { x: 1196, y: 694, width: 20, height: 20 })], auto('VERTICAL', { primaryAxisAlignItems: 'CENTER', counterAxisAlignItems: 'MAX' })),
  frame('Baseline', { x: 1016, y: 766, width: 110, height: 40 }, [
    text('Big', { x: 1016, y: 766, width: 60, height: 40 }, 'Big', { fontSize: 32, lineHeightPx: 40 }),
    text('Small', { x: 1084, y: 786, width: 40, height: 16 }, 'small', { fontSize: 12, lineHeightPx: 16 }),
  ], auto('HORIZONTAL', { counterAxisAlignItems: 'BASELINE', itemSpacing: 8, primaryAxisSizingMode: 'AUTO', counterAxisSizingMode: 'AUTO' })),
  frame('Limits', { x: 1016, y: 818, width: 368, height: 40 }, [
    frame('Clamped', { x: 1016, y: 818, width: 150, height: 40 }, [], { fills: [solid('#ffcc00')], layoutSizingHorizontal: 'FILL', layoutSizingVertical: 'FIXED', minWidth: 100, maxWidth: 150 }),
    frame('Grow', { x: 1166, y: 818, width: 218, height: 40 }, [], { fills: [solid('#00cc66')], layoutGrow: 1 }),
  ], { ...auto('HORIZONTAL'), layoutSizingHorizontal: 'FILL' }),
  frame('Avatars', { x: 1016, y: 870, width: 76, height: 32 }, ['#ff0000', '#00ff00', '#0000ff'].map((c, i) => ellipse('Avatar', { x: 1016 + i * 22, y: 870, width: 32, height: 32 }, c)), auto('HORIZONTAL', { itemSpacing: -10, itemReverseZIndex: true, primaryAxisSizingMode: 'AUTO', counterAxisSizingMode: 'AUTO' })),
  frame('Badge host', { x: 1016, y: 914, width: 200, height: 60 }, [
    text('Label', { x: 1026, y: 924, width: 40, height: 20 }, 'Label'),
    rect('Badge', { x: 1200, y: 910, width: 16, height: 16 }, { layoutPositioning: 'ABSOLUTE', fills: [solid('#ff0000')] }),
  ], { ...auto('VERTICAL', { paddingTop: 10, paddingLeft: 10, paddingRight: 10, paddingBottom: 10 }), fills: [solid('#dddddd')] }),
  frame('Column', { x: 1016, y: 986, width: 368, height: 10 }, [rect('Stretched', { x: 1016, y: 986, width: 100, height: 10 }, { layoutAlign: 'STRETCH' })], { ...auto('VERTICAL', { counterAxisSizingMode: 'FIXED', primaryAxisSizingMode: 'AUTO' }), layoutAlign: 'STRETCH' }),
  text('Styled', { x: 1016, y: 1008, width: 368, height: 24 }, 'Hello bold world', {
    fontFamily: 'Roboto Mono', fontSize: 14, lineHeightPx: 24, letterSpacing: -0.5, textCase: 'UPPER', textDecoration: 'UNDERLINE', italic: true, textAlignHorizontal: 'CENTER', textAutoResize: 'HEIGHT',
  }, { characterStyleOverrides: [0, 0, 0, 0, 0, 0, 1, 1, 1, 1], styleOverrideTable: { 1: { fontWeight: 700, fills: [solid('#ff0000')] } }, layoutSizingHorizontal: 'FILL', layoutSizingVertical: 'HUG' }),
  frame('Card', { x: 1016, y: 1044, width: 368, height: 140 }, [
    text('Title', { x: 1032, y: 1060, width: 120, height: 24 }, 'Title', { fontSize: 20, lineHeightPx: 24, fontWeight: 700 }),
    text('Body one', { x: 1032, y: 1092, width: 200, height: 20 }, 'Body one', {}, { characterStyleOverrides: [0, 0, 0, 0, 0, 1, 1, 1], styleOverrideTable: { 1: { italic: true } } }),
    text('Body two', { x: 1032, y: 1120, width: 200, height: 20 }, 'Body two'),
    text('Hidden', { x: 1032, y: 1150, width: 200, height: 20 }, 'Hidden', {}, { visible: false }),
  ], { fills: [solid('#f5f5f5')] }),
], { ...auto('VERTICAL', { itemSpacing: 12, paddingTop: 16, paddingRight: 16, paddingBottom: 16, paddingLeft: 16 }), fills: [solid('#ffffff')] });

const source = JSON.stringify(nodesResponse(page));

type Rect = { x: number; y: number; width: number; height: number };
// The engine's tsconfig has no DOM types: page code is written as strings.
const box = (p: Page, sel: string) =>
  p.evaluate<Rect>(`(() => { const r = document.querySelector(${JSON.stringify(sel)}).getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })()`);
const css = (p: Page, sel: string, prop: string) =>
  p.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(sel)})).getPropertyValue(${JSON.stringify(prop)})`);

async function rendered<T>(design: Design, fn: (p: Page) => Promise<T>): Promise<T> {
  const preview = await buildPreview(await generate(design, 'html-css'));
  return pool.withPage(preview, design.viewport, fn);
}

const near = (actual: number, expected: number, what: string, slack = 1) => assert.ok(Math.abs(actual - expected) <= slack, `${what}: ${actual}, expected ${expected}`);

test('auto layout renders as the flex layout Figma computes', async () => {
  const { design, warnings } = figmaToDesign(source, { name: 'fixture.json' });
  assert.deepEqual(warnings, []);
  assert.deepEqual(design.viewport, { width: 400, height: 700 });
  await rendered(design, async (p) => {
    assert.equal(await css(p, '.page', 'flex-direction'), 'column');
    assert.equal(await css(p, '.page', 'row-gap'), '12px');
    assert.equal(await css(p, '.page', 'padding-left'), '16px');

    // Space-between, centred cross axis, padding; FIXED, FILL and HUG children.
    assert.equal(await css(p, '.toolbar', 'flex-direction'), 'row');
    assert.equal(await css(p, '.toolbar', 'justify-content'), 'space-between');
    assert.equal(await css(p, '.toolbar', 'align-items'), 'center');
    assert.equal(await css(p, '.toolbar', 'padding'), '4px 8px');
    const [toolbar, logo, search, menu] = await Promise.all(['.toolbar', '.logo', '.search', '.menu'].map((s) => box(p, s)));
    near(toolbar.x, 16, 'toolbar left');
    near(toolbar.width, 368, 'FILL toolbar width');
    near(logo.width, 40, 'FIXED logo width');
    near(search.x, logo.x + 48, 'search after the logo and the gap');
    near(search.x + search.width + 8, menu.x, 'FILL search reaches the menu');
    near(menu.x + menu.width, toolbar.x + toolbar.width - 8, 'menu at the end');
    assert.ok(menu.width > 20 && menu.width < 60, `HUG menu is as wide as its word: ${menu.width}`);
    near(toolbar.height, 48, 'HUG toolbar height');

    // Wrap with its own counter-axis spacing.
    assert.equal(await css(p, '.tags', 'flex-wrap'), 'wrap');
    assert.equal(await css(p, '.tags', 'column-gap'), '10px');
    assert.equal(await css(p, '.tags', 'row-gap'), '6px');
    const tags = await p.evaluate<Rect[]>(`[...document.querySelector('.tags').children].map((e) => e.getBoundingClientRect().toJSON())`);
    near(tags[1]!.x - tags[0]!.x, 60, 'tag spacing');
    near(tags[3]!.x, tags[0]!.x, 'fourth tag wraps to the start');
    near(tags[3]!.y - tags[0]!.y, 36, 'second line below the first');

    // Primary CENTER, counter MAX.
    assert.equal(await css(p, '.centered', 'justify-content'), 'center');
    assert.equal(await css(p, '.centered', 'align-items'), 'flex-end');
    const [centered, dot] = await Promise.all([box(p, '.centered'), box(p, '.dot')]);
    near(dot.x - centered.x, 180, 'dot at the right');
    near(dot.y - centered.y, 40, 'dot in the middle');

    assert.equal(await css(p, '.baseline', 'align-items'), 'baseline');

    // min/max and the older layoutGrow.
    const [clamped, grow] = await Promise.all([box(p, '.clamped'), box(p, '.grow')]);
    near(clamped.width, 150, 'FILL child held at its max width');
    near(grow.width, 218, 'layoutGrow 1 takes the rest');

    // Negative spacing overlaps; reversed z-order puts the first on top.
    const avatars = await p.evaluate<Array<{ x: number; z: string }>>(`[...document.querySelector('.avatars').children].map((e) => ({ x: e.getBoundingClientRect().x, z: getComputedStyle(e).zIndex }))`);
    near(avatars[1]!.x - avatars[0]!.x, 22, 'avatars overlap by 10px');
    assert.ok(Number(avatars[0]!.z) > Number(avatars[1]!.z), 'first avatar on top');
    const topAtOverlap = await p.evaluate<string>(`(() => { const r = document.querySelector('.avatars').children[1].getBoundingClientRect(); return getComputedStyle(document.elementFromPoint(r.x + 3, r.y + 16)).backgroundColor; })()`);
    assert.equal(topAtOverlap, 'rgb(255, 0, 0)');

    // An absolutely positioned child keeps its place; the flow ignores it.
    assert.equal(await css(p, '.badge', 'position'), 'absolute');
    const [host, badge, label] = await Promise.all([box(p, '.badge-host'), box(p, '.badge'), box(p, '.label')]);
    near(badge.x - host.x, 184, 'badge left');
    near(badge.y - host.y, -4, 'badge top');
    near(label.y - host.y, 10, 'label after the padding');

    // layoutAlign STRETCH (older files) fills the cross axis.
    const [column, stretched] = await Promise.all([box(p, '.column'), box(p, '.stretched')]);
    near(column.width, 368, 'stretched column');
    near(stretched.width, 368, 'stretched child');

    // Text style, and a run with its own weight and colour.
    assert.equal(await css(p, '.styled', 'font-size'), '14px');
    assert.equal(await css(p, '.styled', 'line-height'), '24px');
    assert.equal(await css(p, '.styled', 'letter-spacing'), '-0.5px');
    assert.equal(await css(p, '.styled', 'text-transform'), 'uppercase');
    assert.equal(await css(p, '.styled', 'text-decoration-line'), 'underline');
    assert.equal(await css(p, '.styled', 'font-style'), 'italic');
    assert.equal(await css(p, '.styled', 'text-align'), 'center');
    assert.match(await css(p, '.styled', 'font-family'), /Cousine/);
    assert.equal(await p.evaluate(`document.querySelector('.styled').textContent`), 'Hello bold world');
    // Bold in regular text is emphasis: a <strong>.
    const run = await p.evaluate<{ tag: string; text: string; weight: string; color: string }>(`(() => { const s = [...document.querySelectorAll('.styled *')].find((e) => getComputedStyle(e).fontWeight === '700'); return { tag: s.localName, text: s.textContent, weight: getComputedStyle(s).fontWeight, color: getComputedStyle(s).color }; })()`);
    assert.deepEqual(run, { tag: 'strong', text: 'bold', weight: '700', color: 'rgb(255, 0, 0)' });
    // Italic in upright text is emphasis too: an <em>.
    const em = await p.evaluate<{ text: string; style: string }[]>(`[...document.querySelectorAll('.body-one em')].map((e) => ({ text: e.textContent, style: getComputedStyle(e).fontStyle }))`);
    assert.deepEqual(em, [{ text: 'one', style: 'italic' }]);

    // A frame without auto layout: its stacked texts become a flex column, nothing absolute.
    assert.equal(await css(p, '.card', 'display'), 'flex');
    assert.equal(await css(p, '.card', 'flex-direction'), 'column');
    const absolute = await p.evaluate<number>(`[...document.querySelectorAll('.card *')].filter((e) => getComputedStyle(e).position === 'absolute').length`);
    assert.equal(absolute, 0);
    const card = await box(p, '.card');
    for (const [sel, dx, dy] of [['.title', 16, 16], ['.body-one', 16, 48], ['.body-two', 16, 76]] as const) {
      const b = await box(p, sel);
      near(b.x - card.x, dx, `${sel} left`);
      near(b.y - card.y, dy, `${sel} top`);
    }
    assert.equal(await p.evaluate(`document.body.innerText.includes('Hidden')`), false);
  });
});

test('paints, strokes, radii, effects and images come out as CSS', async () => {
  const gradient = (type: string, handles: Array<[number, number]>) => ({
    type, blendMode: 'NORMAL', gradientHandlePositions: handles.map(([x, y]) => ({ x, y })),
    gradientStops: [{ position: 0, color: { r: 1, g: 0, b: 0, a: 1 } }, { position: 1, color: { r: 0, g: 0, b: 1, a: 1 } }],
  });
  const at = (i: number) => ({ x: 20 + (i % 4) * 90, y: 20 + Math.floor(i / 4) * 90, width: 60, height: 60 });
  const root = frame('Swatches', { x: 0, y: 0, width: 380, height: 200 }, [
    rect('Linear', at(0), { fills: [gradient('GRADIENT_LINEAR', [[0, 0.5], [1, 0.5], [0, 1]])] }),
    rect('Radial', at(1), { fills: [gradient('GRADIENT_RADIAL', [[0.5, 0.5], [1, 0.5], [0.5, 1]])] }),
    rect('Angular', at(2), { fills: [gradient('GRADIENT_ANGULAR', [[0.5, 0.5], [0.5, 0], [1, 0.5]])] }),
    rect('Photo', at(3), { fills: [{ type: 'IMAGE', blendMode: 'NORMAL', scaleMode: 'FILL', imageRef: 'abc123' }] }),
    rect('Outlined', at(4), { fills: [solid('#ffffff')], strokes: [solid('#000000')], strokeWeight: 2, strokeAlign: 'OUTSIDE', rectangleCornerRadii: [1, 2, 3, 4] }),
    rect('Sides', at(5), { strokes: [solid('#00ff00')], individualStrokeWeights: { top: 1, right: 2, bottom: 3, left: 4 } }),
    rect('Shadowed', at(6), {
      opacity: 0.5,
      effects: [
        { type: 'DROP_SHADOW', visible: true, blendMode: 'NORMAL', color: { r: 0, g: 0, b: 0, a: 0.25 }, offset: { x: 0, y: 4 }, radius: 8, spread: 1, showShadowBehindNode: false },
        { type: 'INNER_SHADOW', visible: true, blendMode: 'NORMAL', color: { r: 1, g: 1, b: 1, a: 1 }, offset: { x: 1, y: 1 }, radius: 0 },
        { type: 'LAYER_BLUR', visible: true, radius: 4 },
      ],
    }),
    rect('Translucent', at(7), { fills: [solid('#ff0000', 0.5)], cornerRadius: 8 }),
  ]);
  const { design, warnings } = figmaToDesign(JSON.stringify(root), { name: 'swatches.json' });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /Photo.*abc123.*--images/);
  await rendered(design, async (p) => {
    assert.match(await css(p, '.linear', 'background-image'), /^linear-gradient\(90deg, rgb\(255, 0, 0\) 0%, rgb\(0, 0, 255\) 100%\)$/);
    assert.match(await css(p, '.radial', 'background-image'), /^radial-gradient\(30px 30px, rgb\(255, 0, 0\) 0%/);
    assert.match(await css(p, '.angular', 'background-image'), /^conic-gradient\(rgb\(255, 0, 0\) 0%/);
    assert.equal(await css(p, '.photo', 'background-color'), 'rgb(217, 217, 217)');
    assert.equal(await css(p, '.outlined', 'box-shadow'), 'rgb(0, 0, 0) 0px 0px 0px 2px');
    assert.equal(await css(p, '.outlined', 'border-radius'), '1px 2px 3px 4px');
    assert.equal(await css(p, '.sides', 'border-width'), '1px 2px 3px 4px');
    assert.equal(await css(p, '.shadowed', 'box-shadow'), 'rgb(255, 255, 255) 1px 1px 0px 0px inset, rgba(0, 0, 0, 0.25) 0px 4px 8px 1px');
    assert.equal(await css(p, '.shadowed', 'filter'), 'blur(2px)');
    assert.equal(await css(p, '.shadowed', 'opacity'), '0.5');
    assert.equal(await css(p, '.translucent', 'background-color'), 'rgba(255, 0, 0, 0.5)');
  });
  const png = readFileSync(datasets + 'grida-vector-frame.png');
  const withBytes = figmaToDesign(JSON.stringify(root), { name: 'swatches.json', images: { abc123: { mime: 'image/png', width: 500, height: 500, data: png.toString('base64') } } });
  assert.deepEqual(withBytes.warnings, []);
  assert.equal(withBytes.design.assets.abc123?.mime, 'image/png');
  await rendered(withBytes.design, async (p) => {
    assert.match(await p.evaluate<string>(`document.querySelector('.photo').outerHTML + getComputedStyle(document.querySelector('.photo')).backgroundImage`), /abc123|data:image\/png/);
  });
});

test('a file that is no Figma frame, or a node that is not there, is a user error that says what to do', () => {
  const fails = (text: string, code: string, pattern: RegExp, nodeId?: string) =>
    assert.throws(() => figmaToDesign(text, { name: 'x.json', nodeId }), (e) => isLoupeError(e) && e.code === code && pattern.test(e.message));
  fails('{"nodes": {', 'INPUT_CORRUPT', /not valid JSON/);
  fails('{"hello": "world"}', 'INPUT_UNSUPPORTED', /not a Figma document/);
  fails(source, 'INVALID_ARGUMENT', /no node 12-34.*node-id=1-2 is 1:2/, '12-34');
  const picked = figmaToDesign(source, { name: 'x.json', nodeId: (page as unknown as { children: Array<{ id: string }> }).children[0]!.id });
  assert.equal(picked.design.root.name, 'Toolbar');
});

test('the three real REST responses convert; the vector frame matches its Figma PNG', async () => {
  for (const f of ['grida-stroke.json', 'code-connect-component-set.json']) {
    const { design } = await readFigmaInput(datasets + f, {});
    assert.ok(design.root.children.length > 0, `${f}: nothing converted`);
  }
  const names = (n: Design['root']): string[] => [n.name ?? '', ...n.children.flatMap((c) => (c.type === 'frame' ? names(c) : [c.name ?? '']))];
  const components = await readFigmaInput(datasets + 'code-connect-component-set.json', {});
  assert.ok(names(components.design.root).includes('Test Instance Component'), 'component names are kept');

  const input = await readFigmaInput(datasets + 'grida-vector-frame.response.json', { png: datasets + 'grida-vector-frame.png' });
  const vector = input.design.root.children[0]!;
  assert.equal(vector.type, 'vector', 'outlines become inline SVG');
  const result = await convertDesign(input.design, input.reference, { stack: 'html-css', pool });
  assert.equal(result.measuredAgainst, 'design image');
  console.log(`grida-vector-frame vs its Figma PNG: ssim ${result.scores.ssim.toFixed(4)}, mismatch ${(result.scores.mismatch * 100).toFixed(2)}%`);
  assert.ok(result.scores.ssim > 0.99, `ssim ${result.scores.ssim}`);
});

test('a clipping frame shows only what lies inside it: a layer wholly outside is left out, an overflowing picture cut to the frame', () => {
  const source = JSON.stringify(nodesResponse(frame('Page', { x: 0, y: 0, width: 400, height: 300 }, [
    frame('Window', { x: 50, y: 50, width: 200, height: 100 }, [
      rect('Photo', { x: 100, y: 60, width: 960, height: 540 }),
      rect('Beyond', { x: 300, y: 50, width: 40, height: 40 }),
    ], { clipsContent: true }),
  ], { clipsContent: true })));
  const { design } = figmaToDesign(source, { name: 'clip.json' });
  assert.ok(!JSON.stringify(design).includes('"Beyond"'), 'the layer outside the window is not drawn');
  type Any = Design['root'] | Design['root']['children'][number];
  const find = (n: Any): Any | undefined => (n.name === 'Photo' ? n : n.type === 'frame' ? n.children.map(find).find(Boolean) : undefined);
  assert.deepEqual(find(design.root)?.box, { x: 100, y: 60, width: 150, height: 90 });
});

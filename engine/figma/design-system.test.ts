// What a design system puts into a Figma file — components with variants and text properties,
// colour variables, blend modes, background blur, clipping — carried into the code: React
// components with props, CSS custom properties (Tailwind theme colours), and the CSS that draws
// the same, checked in real Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { RenderPool } from '../render/pool.ts';
import { buildPreview, generate, type Stack } from '../codegen/index.ts';
import { isLoupeError } from '../errors.ts';
import type { Design } from '../ir/schema.ts';
import { auto, frame, nodesResponse, rect, rgb, solid, text } from '../../testing/figma/fixtures.ts';
import { figmaToDesign } from './index.ts';
import { parseVariables } from './variables.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

const BRAND = 'VariableID:1:1';
const ON_BRAND = 'VariableID:1:2';
const bound = (hex: string, variable: string) => ({ ...solid(hex), boundVariables: { color: { type: 'VARIABLE_ALIAS', id: variable } } });

/** An instance of the Button set: a padded row around its label, filled by kind. */
function button(x: number, kind: 'Primary' | 'Secondary', label: string, width: number) {
  const fills = kind === 'Primary' ? [bound('#3355ff', BRAND)] : [solid('#eeeeee')];
  const textFill = kind === 'Primary' ? [bound('#ffffff', ON_BRAND)] : [solid('#111111')];
  return frame('Button', { x, y: 20, width, height: 40 }, [
    text('Label', { x: x + 16, y: 30, width: width - 32, height: 20 }, label, {}, { fills: textFill, componentPropertyReferences: { characters: 'Label#2:0' } }),
  ], {
    type: 'INSTANCE',
    componentId: kind === 'Primary' ? '1:10' : '1:11',
    componentProperties: { Kind: { type: 'VARIANT', value: kind }, 'Label#2:0': { type: 'TEXT', value: label } },
    ...auto('HORIZONTAL', { paddingLeft: 16, paddingRight: 16, paddingTop: 10, paddingBottom: 10, primaryAxisSizingMode: 'AUTO' }),
    fills,
    cornerRadius: 8,
  });
}

const page = frame('Screen', { x: 0, y: 0, width: 480, height: 300 }, [
  frame('Actions', { x: 20, y: 20, width: 440, height: 40 }, [button(20, 'Primary', 'Save', 80), button(112, 'Secondary', 'Cancel', 96), button(220, 'Primary', 'Publish', 104)], auto('HORIZONTAL', { itemSpacing: 12 })),
  frame('Glass', { x: 20, y: 80, width: 200, height: 100 }, [], { fills: [solid('#ffffff', 0.4)], effects: [{ type: 'BACKGROUND_BLUR', visible: true, radius: 8 }] }),
  rect('Tint', { x: 240, y: 80, width: 200, height: 100 }, { fills: [solid('#ff8800')], blendMode: 'MULTIPLY' }),
  frame('Window', { x: 20, y: 200, width: 200, height: 40 }, [
    text('Long line', { x: 28, y: 208, width: 400, height: 20 }, 'A line much longer than the window it sits in'),
  ], { clipsContent: true, fills: [solid('#dddddd')] }),
], { fills: [bound('#3355ff', BRAND)] });

const source = JSON.stringify({
  ...nodesResponse(page),
  nodes: {
    [page.id]: {
      document: page,
      components: {
        '1:10': { key: 'a', name: 'Kind=Primary', description: '', componentSetId: '1:9', documentationLinks: [] },
        '1:11': { key: 'b', name: 'Kind=Secondary', description: '', componentSetId: '1:9', documentationLinks: [] },
      },
      componentSets: { '1:9': { key: 'c', name: 'Button', description: '' } },
      schemaVersion: 0,
      styles: {},
    },
  },
});

const variablesResponse = JSON.stringify({
  status: 200,
  error: false,
  meta: {
    variables: {
      [BRAND]: { id: BRAND, name: 'Colors/Brand/Primary', key: 'k1', variableCollectionId: 'C:1', resolvedType: 'COLOR', valuesByMode: { '1:0': rgb('#3355ff') } },
      [ON_BRAND]: { id: ON_BRAND, name: 'Text/On brand', key: 'k2', variableCollectionId: 'C:1', resolvedType: 'COLOR', valuesByMode: { '1:0': rgb('#ffffff') } },
      'VariableID:1:3': { id: 'VariableID:1:3', name: 'Spacing/md', key: 'k3', variableCollectionId: 'C:1', resolvedType: 'FLOAT', valuesByMode: { '1:0': 12 } },
    },
    variableCollections: { 'C:1': { id: 'C:1', name: 'Tokens', modes: [{ modeId: '1:0', name: 'Light' }], defaultModeId: '1:0' } },
  },
});

const convert = () => figmaToDesign(source, { name: 'screen.json', variables: parseVariables(variablesResponse, 'variables.json') });

const computed = (p: Page, sel: string, prop: string) =>
  p.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(sel)})).getPropertyValue(${JSON.stringify(prop)}).trim()`);

async function rendered<T>(design: Design, stack: Stack, fn: (p: Page, code: string) => Promise<T>): Promise<T> {
  const code = await generate(design, stack);
  const entry = code.files.find((f) => f.path === code.entry)!.contents as string;
  return pool.withPage(await buildPreview(code), design.viewport, (p) => fn(p, entry));
}

test('instances keep their component and the props they set; colours keep their variables', () => {
  const { design, warnings } = convert();
  assert.deepEqual(warnings, []);
  assert.deepEqual(design.variables, { 'color-brand-primary': '#3355ff', 'color-text-on-brand': '#ffffff' });
  const actions = design.root.children.find((c) => c.name === 'Actions');
  assert.ok(actions?.type === 'frame');
  assert.deepEqual(
    actions.children.map((c) => c.component),
    [
      { name: 'Button', props: { Kind: 'Primary', Label: 'Save' } },
      { name: 'Button', props: { Kind: 'Secondary', Label: 'Cancel' } },
      { name: 'Button', props: { Kind: 'Primary', Label: 'Publish' } },
    ],
  );
  const first = actions.children[0]!;
  assert.ok(first.type === 'frame');
  assert.deepEqual(first.style.fills, [{ type: 'solid', color: '#3355ff', variable: 'color-brand-primary' }]);
  const label = first.children[0]!;
  assert.ok(label.type === 'text');
  assert.equal(label.style.colorVariable, 'color-text-on-brand');
});

test('without the variables file, bound colours stay plain colours and the user is told how to keep them', () => {
  const { design, warnings } = figmaToDesign(source, { name: 'screen.json' });
  assert.equal(design.variables, undefined);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /5 colour\(s\) are bound to Figma variables.*--variables/);
});

test('variants become a React component with props; every use passes what differs', async () => {
  const { design } = convert();
  await rendered(design, 'react-tailwind', async (p, app) => {
    assert.match(app, /type ButtonProps = \{ kind: 'Primary' \| 'Secondary'; label: string(; className\?: string)? \};/);
    assert.match(app, /function Button\(\{ kind, label/);
    assert.match(app, /<Button kind="Primary" label="Save"/);
    assert.match(app, /<Button kind="Secondary" label="Cancel"/);
    assert.match(app, /<Button kind="Primary" label="Publish"/);
    // The variant picks the fill, which is the brand variable's theme colour.
    assert.match(app, /Primary: '[^']*bg-brand-primary[^']*'/);
    assert.match(app, /text-text-on-brand/);
    const buttons = await p.evaluate<Array<{ bg: string; text: string; width: number }>>(
      `[...document.querySelectorAll('#root div > div > div')].filter((e) => e.textContent.trim()).map((e) => ({ bg: getComputedStyle(e).backgroundColor, text: e.textContent.trim(), width: e.getBoundingClientRect().width }))`,
    );
    assert.deepEqual(buttons.map((b) => [b.text, b.bg]), [['Save', 'rgb(51, 85, 255)'], ['Cancel', 'rgb(238, 238, 238)'], ['Publish', 'rgb(51, 85, 255)']]);
    assert.equal(await computed(p, ':root', '--color-brand-primary'), '#3355ff');
  });
});

test('variables become custom properties; blend, background blur and clipping are drawn as in Figma', async () => {
  const { design } = convert();
  await rendered(design, 'html-css', async (p, html) => {
    assert.match(html, /:root \{\s*--color-brand-primary: #3355ff;\s*--color-text-on-brand: #ffffff;\s*\}/);
    assert.match(html, /background-color: var\(--color-brand-primary\)/);
    assert.equal(await computed(p, '.screen', 'background-color'), 'rgb(51, 85, 255)');
    assert.equal(await computed(p, '.tint', 'mix-blend-mode'), 'multiply');
    assert.equal(await computed(p, '.glass', 'backdrop-filter'), 'blur(4px)');
    assert.equal(await computed(p, '.window', 'overflow'), 'hidden');
    const shot = PNG.sync.read(await p.screenshot());
    const at = (x: number, y: number) => [...shot.data.subarray((y * shot.width + x) * 4, (y * shot.width + x) * 4 + 3)];
    // Orange multiplied over the brand blue: each channel is the product of both.
    at(340, 130).forEach((v, i) => assert.ok(Math.abs(v! - [51, 45, 0][i]!) <= 1, `multiplied colour ${at(340, 130)}`));
    // The line runs on past the window's right edge, where only the page's blue shows.
    for (let x = 224; x < 420; x += 4) for (const y of [212, 218, 224]) assert.deepEqual(at(x, y), [51, 85, 255], `clipped text shows at ${x},${y}`);
    assert.notDeepEqual(
      Array.from({ length: 40 }, (_, i) => at(30 + i * 4, 218)).filter(([r]) => r! < 100),
      [],
      'the line shows inside the window',
    );
  });
});

test('a variables file that is broken or holds no variables is a user error that says what to do', () => {
  assert.throws(() => parseVariables('{"meta":', 'vars.json'), (e) => isLoupeError(e) && e.code === 'INPUT_CORRUPT' && /vars\.json is not valid JSON/.test(e.message));
  assert.throws(() => parseVariables('{"nodes":{}}', 'vars.json'), (e) => isLoupeError(e) && e.code === 'INPUT_UNSUPPORTED' && /variables\/local/.test(e.message));
});

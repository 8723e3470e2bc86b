// Real Figma responses from test-data/, mutated as a hostile or broken file would be (type
// swaps, nulls, deep nesting, huge arrays and numbers): each converts with a warning naming what
// was left out, or is refused with a LoupeError that says what is wrong; none crashes or hangs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoupeError } from '../errors.ts';
import type { Design, DesignNode } from '../ir/schema.ts';
import { FIGMA_DATA } from '../../testing/data.ts';
import { figmaToDesign } from './index.ts';
import { FIGMA_LIMITS } from './schema.ts';

type Json = Record<string, any>;
const response: Json = JSON.parse(readFileSync(join(FIGMA_DATA, 'grida-vector-frame.response.json'), 'utf8'));
const FRAME_ID = '1038:24';

/** The frame of the real response, mutated by `change`, converted. */
function convertMutated(change: (frame: Json) => void) {
  const copy = structuredClone(response);
  change(copy.nodes[FRAME_ID].document);
  return figmaToDesign(JSON.stringify(copy), { name: 'frame.json' });
}

const refusedWith = (code: LoupeError['code'], message: RegExp) => (e: unknown) => e instanceof LoupeError && e.code === code && message.test(e.message);

function nodesOf(design: Design): DesignNode[] {
  const all: DesignNode[] = [];
  const stack: DesignNode[] = [design.root];
  while (stack.length) {
    const n = stack.pop()!;
    all.push(n);
    if (n.type === 'frame') stack.push(...n.children);
  }
  return all;
}

const vector = (frame: Json) => frame.children[0] as Json;
const rect = (id: string, extra: Json = {}) => ({ id, name: `Rect ${id}`, type: 'RECTANGLE', absoluteBoundingBox: { x: 10, y: 10, width: 20, height: 20 }, ...extra });

test('the real response converts with no warning', () => {
  const { warnings, design } = convertMutated(() => {});
  assert.deepEqual(warnings, []);
  assert.ok(nodesOf(design).length > 1);
});

test('children that are no list, and children that are no layer, are left out with a warning', () => {
  for (const children of [{ a: 1 }, 'x', 5]) {
    const { warnings, design } = convertMutated((f) => (f.children = children));
    assert.match(warnings.join('\n'), /"vector-frame": its children are not a list, left out/);
    assert.equal(design.root.type === 'frame' && design.root.children.length, 0);
  }
  const { warnings } = convertMutated((f) => f.children.push(null, 'text', { name: 'no id' }));
  assert.match(warnings.join('\n'), /children\[\d\] is left out: it is null, not a layer/);
  assert.match(warnings.join('\n'), /is left out: it is a string, not a layer/);
  assert.match(warnings.join('\n'), /"no id" is left out: it has no id or type/);
});

test('bad fills, gradients, effects, outlines and component properties are left out, the layer kept', () => {
  const cases: Array<[(v: Json) => void, RegExp]> = [
    [(v) => (v.fills = { a: 1 }), /"Vector 1": its fills is not a list/],
    [(v) => (v.fills = 'red'), /"Vector 1": its fills is not a list/],
    [(v) => delete v.fills[0].color, /fills\[0\] is left out \(color: .*expected object/],
    [(v) => (v.fills = [{ type: 'GRADIENT_LINEAR', gradientHandlePositions: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }]), /fills\[0\] is left out \(gradientStops: .*expected array/],
    [(v) => (v.strokes = [{ type: 'GRADIENT_RADIAL', gradientHandlePositions: [{ x: 0, y: 0 }], gradientStops: 'x' }]), /strokes\[0\] is left out/],
    [(v) => (v.fillGeometry = [{ path: 5 }, null]), /fillGeometry\[0\] is left out \(path: .*expected string/],
    [(v) => (v.fills = [{ type: 'IMAGE', scaleMode: 'FILL', imageRef: '../../outside' }]), /fills\[0\] is left out \(imageRef: /],
    [(v) => (v.effects = [{ type: 'DROP_SHADOW' }, null, { type: 'LAYER_BLUR', radius: -4 }]), /effects\[0\] is left out \(offset/],
    [(v) => Object.assign(v, { type: 'INSTANCE', componentProperties: { Label: null } }), /its componentProperties is left out/],
    [(v) => Object.assign(v, { type: 'INSTANCE', componentProperties: Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`P${i}`, { type: 'TEXT', value: 'x' }])) }), /its componentProperties is left out \(more than 256 properties/],
    [(v) => (v.strokeWeight = 1e9), /its strokeWeight is left out \(.*<=1000/],
    [(v) => (v.opacity = 'half'), /its opacity is left out/],
    [(v) => (v.blendMode = 7), /its blendMode is left out/],
    [(v) => (v.relativeTransform = [[1, 0]]), /its relativeTransform is left out/],
  ];
  for (const [change, message] of cases) {
    const { warnings, design } = convertMutated((f) => change(vector(f)));
    assert.match(warnings.join('\n'), message);
    assert.ok(nodesOf(design).some((n) => n.name === 'Vector 1'), `the layer is kept (${message})`);
  }
});

test('a name of a page is cut to 1,000 characters', () => {
  const { design } = convertMutated((f) => (vector(f).name = 'n'.repeat(100_000)));
  assert.ok(nodesOf(design).some((n) => n.name === 'n'.repeat(1_000)));
});

test('text without characters or style, or with a bad style field, is left out or loses that field', () => {
  const text = (extra: Json) => ({ id: '9:1', name: 'Label', type: 'TEXT', absoluteBoundingBox: { x: 5300, y: -3500, width: 40, height: 20 }, characters: 'Hi', style: { fontSize: 14 }, ...extra });
  const without = convertMutated((f) => f.children.push(text({ style: undefined })));
  assert.match(without.warnings.join('\n'), /"Label" is left out: it has no text style/);
  const noChars = convertMutated((f) => f.children.push(text({ characters: 42 })));
  assert.match(noChars.warnings.join('\n'), /"Label" is left out: its characters are missing/);
  const odd = convertMutated((f) => f.children.push(text({ style: { fontSize: 'big', textAlignHorizontal: 'SIDEWAYS', fills: 'x' }, styleOverrideTable: { 1: null } })));
  assert.match(odd.warnings.join('\n'), /its fontSize is left out/);
  assert.match(odd.warnings.join('\n'), /its textAlignHorizontal is left out/);
  assert.ok(nodesOf(odd.design).some((n) => n.type === 'text' && n.text === 'Hi'));
  const alternating = { characters: 'ab'.repeat(50_000), characterStyleOverrides: Array.from({ length: 100_000 }, (_, i) => i % 2), styleOverrideTable: { 1: { fontWeight: 700 } } };
  const runs = convertMutated((f) => f.children.push(text(alternating)));
  assert.match(runs.warnings.join('\n'), /"Label" has 100000 runs in styles of their own; Loupe keeps up to 1000, so the text is drawn in its own style throughout/);
  assert.ok(nodesOf(runs.design).some((n) => n.type === 'text' && n.text.length === 100_000 && !n.runs));
  const table = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [String(i + 1), { fontWeight: 700 }]));
  const many = convertMutated((f) => f.children.push(text({ characterStyleOverrides: [0, 1], styleOverrideTable: table })));
  assert.match(many.warnings.join('\n'), /"Label" has 2000 style overrides; Loupe keeps up to 1000/);
});

test('a layer out of range is left out; a frame out of range is refused', () => {
  const child = convertMutated((f) => (vector(f).absoluteBoundingBox.width = 1e6));
  assert.match(child.warnings.join('\n'), /"Vector 1" is left out: it is 1000000×\d+ px, over the 32768 px a layer may measure/);
  const far = convertMutated((f) => (vector(f).absoluteBoundingBox.x = 1e9));
  assert.match(far.warnings.join('\n'), /lies over 1000000 px from the canvas' origin/);
  assert.throws(() => convertMutated((f) => (f.absoluteBoundingBox.width = 1e6)), refusedWith('INPUT_TOO_LARGE', /the Figma node to convert is 1000000×\d+ px, over the 32768 px a layer may measure\. Pick another frame/));
  assert.throws(() => convertMutated((f) => (f.absoluteBoundingBox.width = 10_000)), refusedWith('INPUT_TOO_LARGE', /10000×\d+ px; Loupe converts frames up to 8192 px wide, 32768 px tall and 50 megapixels/));
  assert.throws(() => convertMutated((f) => Object.assign(f.absoluteBoundingBox, { width: 8000, height: 8000 })), refusedWith('INPUT_TOO_LARGE', /8000×8000 px.*50 megapixels/));
  assert.throws(() => convertMutated((f) => (f.absoluteBoundingBox = 'big')), refusedWith('INPUT_CORRUPT', /malformed bounding box/));
});

test('100,000 fills keep the top ones; 100,000 siblings are refused at once', () => {
  const fills = convertMutated((f) => (vector(f).fills = Array.from({ length: 100_000 }, () => vector(f).fills[0])));
  assert.match(fills.warnings.join('\n'), new RegExp(`"Vector 1" has 100000 fills: only the top ${FIGMA_LIMITS.maxPaints} are kept`));
  assert.throws(
    () => convertMutated((f) => (f.children = Array.from({ length: 100_000 }, (_, i) => rect(`5:${i}`)))),
    refusedWith('INPUT_TOO_LARGE', /"vector-frame" holds 100000 layers directly; Loupe converts up to 2000/),
  );
  const groups = (f: Json) => (f.children = Array.from({ length: 11 }, (_, g) => ({ ...rect(`6:${g}`), type: 'GROUP', children: Array.from({ length: 2_000 }, (_, i) => rect(`7:${g}:${i}`)) })));
  assert.throws(() => convertMutated(groups), refusedWith('INPUT_TOO_LARGE', /frame\.json has over 20000 layers in the node to convert/));
});

test('warnings stop at twenty, then say how many more there were', () => {
  const { warnings } = convertMutated((f) => (f.children = Array.from({ length: 50 }, () => null)));
  assert.equal(warnings.length, 21);
  assert.match(warnings.at(-1)!, /…and 30 more/);
});

/** A frame nested `depth` deep around a rectangle, as JSON text: built as text, as no recursion could. */
function nested(depth: number): string {
  const open = (i: number) => `{"id":"1:${i}","name":"Level ${i}","type":"FRAME","absoluteBoundingBox":{"x":0,"y":0,"width":100,"height":100},"children":[`;
  let s = '';
  for (let i = 0; i < depth; i++) s += open(i);
  s += JSON.stringify(rect('0:1'));
  return s + ']}'.repeat(depth);
}

test('nesting 1,000 and 100,000 deep is refused with the limit, and --node finds a layer that deep', () => {
  for (const depth of [1_000, 100_000]) {
    assert.throws(() => figmaToDesign(nested(depth), { name: 'deep.json' }), refusedWith('INPUT_TOO_LARGE', /deep\.json nests layers over 100 deep/));
  }
  const { design } = figmaToDesign(nested(100_000), { name: 'deep.json', nodeId: '1:99995' });
  assert.equal(nodesOf(design).length, 6, 'the picked frame, its four levels and the rectangle');
  const within = figmaToDesign(nested(FIGMA_LIMITS.maxDepth - 1), { name: 'deep.json' });
  assert.deepEqual(within.warnings, []);
});

test('layers each lying within the last, which layout nests past its limit, are refused', () => {
  const inside = (i: number) => rect(`5:${i}`, { absoluteBoundingBox: { x: 1.5 * i, y: 1.5 * i, width: 2000 - 3 * i, height: 2000 - 3 * i } });
  const nest = (f: Json) => Object.assign(f, { absoluteBoundingBox: { x: 0, y: 0, width: 2000, height: 2000 }, children: Array.from({ length: 600 }, (_, i) => inside(i)) });
  assert.throws(() => convertMutated(nest), refusedWith('INPUT_TOO_LARGE', /The design nests boxes over 300 deep/));
});

test('the node itself malformed is refused', () => {
  const copy = structuredClone(response);
  copy.nodes[FRAME_ID].document.id = 7;
  assert.throws(() => figmaToDesign(JSON.stringify(copy), { name: 'frame.json' }), refusedWith('INPUT_UNSUPPORTED', /not a Figma document/));
  assert.throws(() => figmaToDesign(JSON.stringify({ ...rect('1:1'), type: 'TEXT' }), { name: 'text.json' }), refusedWith('INPUT_CORRUPT', /has nothing Loupe can read/));
});

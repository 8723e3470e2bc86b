// Figma JSON a hostile user (or a broken export) might hand `loupe convert`: the frame of the
// test data with wrong types where the REST API's types say otherwise (children, fills,
// gradients, text styles, vector paths, effects, component properties), absurd numbers, deep
// nesting and huge arrays; text that is not JSON; and the test data's responses damaged by the
// fuzz suite's JSON mutations with a fixed seed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { caseValue, mutatedJson } from '../mutate.ts';
import { fileCase, sparseFile, type CorpusCase } from './case.ts';
import { FRAME_ID, FRAME_RESPONSE, figmaResponses } from './sources.ts';

const SEED = 18;
const MUTATED = 4;

type Node = Record<string, unknown> & { children?: unknown };
interface Frame {
  response: Record<string, unknown> & { nodes: Record<string, { document: unknown }> };
  frame: Node;
  vector: Node;
}

const solid = (r = 0.2, g = 0.4, b = 0.8) => ({ blendMode: 'NORMAL', type: 'SOLID', color: { r, g, b, a: 1 } });
const box = (x: number, y: number, width: number, height: number) => ({ x: 5294 + x, y: -3509 + y, width, height });

export const text = (extra: Record<string, unknown> = {}): Node => ({
  id: '9:1',
  name: 'Title',
  type: 'TEXT',
  characters: 'Hello from the corpus',
  style: { fontFamily: 'Inter', fontWeight: 400, fontSize: 16, lineHeightPx: 20, letterSpacing: 0, textAlignHorizontal: 'LEFT', textAlignVertical: 'TOP' },
  fills: [solid(0, 0, 0)],
  absoluteBoundingBox: box(20, 20, 200, 20),
  ...extra,
});

const rect = (extra: Record<string, unknown> = {}): Node => ({ id: '9:2', name: 'Box', type: 'RECTANGLE', fills: [solid()], strokes: [], absoluteBoundingBox: box(40, 60, 120, 80), ...extra });

const gradient = (extra: Record<string, unknown>) => ({
  type: 'GRADIENT_LINEAR',
  blendMode: 'NORMAL',
  gradientHandlePositions: [{ x: 0, y: 0.5 }, { x: 1, y: 0.5 }, { x: 0, y: 1 }],
  gradientStops: [{ color: { r: 1, g: 0, b: 0, a: 1 }, position: 0 }, { color: { r: 0, g: 0, b: 1, a: 1 }, position: 1 }],
  ...extra,
});

const shadow = (extra: Record<string, unknown> = {}) => ({ type: 'DROP_SHADOW', visible: true, color: { r: 0, g: 0, b: 0, a: 0.25 }, offset: { x: 0, y: 4 }, radius: 8, spread: 0, blendMode: 'NORMAL', ...extra });

const instance = (extra: Record<string, unknown> = {}): Node => ({
  id: '9:3',
  name: 'Button',
  type: 'INSTANCE',
  componentId: '1:38',
  componentProperties: { Color: { type: 'VARIANT', value: 'Red' } },
  fills: [solid()],
  absoluteBoundingBox: box(20, 200, 160, 40),
  children: [text({ id: '9:4', absoluteBoundingBox: box(30, 210, 100, 20) })],
  ...extra,
});

async function loadFrame(): Promise<Frame> {
  const response = JSON.parse(await readFile(FRAME_RESPONSE, 'utf8')) as Frame['response'];
  const frame = response.nodes[FRAME_ID]!.document as Node;
  return { response, frame, vector: (frame.children as Node[])[0]! };
}

/** The test frame edited by `edit`, written as the JSON `convert` reads. */
const edited = (name: string, edit: (f: Frame) => void): CorpusCase =>
  fileCase('figma', name, 'frame.json', async () => {
    const f = await loadFrame();
    edit(f);
    return JSON.stringify(f.response);
  });

/** The test frame with `child` added beside its vector. */
const withChild = (name: string, child: unknown) => edited(name, ({ frame }) => void (frame.children as unknown[]).push(child));

/** `depth` nodes of `type`, each the only child of the one above, around a rectangle: built as text, as JSON.stringify recurses. */
export function nestedText(depth: number, type: string): string {
  const opener = (i: number) => `{"id":"8:${i}","name":"Level","type":"${type}","absoluteBoundingBox":{"x":0,"y":0,"width":400,"height":300},"children":[`;
  let body = '';
  for (let i = 0; i < depth; i++) body += opener(i);
  return `{"nodes":{"8:0":{"document":${body}${JSON.stringify(rect())}${']}'.repeat(depth)}}}}`;
}

function wrongTypes(): CorpusCase[] {
  return [
    edited('children-object', ({ frame, vector }) => void (frame.children = { 0: vector })),
    edited('children-string', ({ frame }) => void (frame.children = 'Vector 1')),
    edited('children-number', ({ frame }) => void (frame.children = 1)),
    edited('children-null', ({ frame }) => void (frame.children = null)),
    withChild('null-child', null),
    withChild('child-string', 'Vector 2'),
    withChild('child-array', [rect()]),
    edited('child-without-type', ({ vector }) => void delete vector.type),
    edited('child-unknown-type', ({ vector }) => void (vector.type = 'WIDGET')),
    edited('child-without-id', ({ vector }) => void delete vector.id),
    edited('child-id-number', ({ vector }) => void (vector.id = 1038)),
    edited('document-null', ({ response }) => void (response.nodes[FRAME_ID]!.document = null)),
    edited('nodes-empty', ({ response }) => void (response.nodes = {})),
    edited('nodes-array', ({ response, frame }) => void (response.nodes = [{ document: frame }] as never)),
    edited('nodes-entry-null', ({ response }) => void (response.nodes[FRAME_ID] = null as never)),
    edited('fills-object', ({ vector }) => void (vector.fills = { 0: solid() })),
    edited('fills-string', ({ vector }) => void (vector.fills = '#ff0000')),
    edited('fills-null', ({ vector }) => void (vector.fills = null)),
    edited('fill-without-color', ({ vector }) => void delete (vector.fills as Node[])[0]!.color),
    edited('fill-color-string', ({ vector }) => void ((vector.fills as Node[])[0]!.color = '#ff0000')),
    edited('fill-color-channels-strings', ({ vector }) => void ((vector.fills as Node[])[0]!.color = { r: 'red', g: null, b: {}, a: [] })),
    edited('fill-type-unknown', ({ vector }) => void ((vector.fills as Node[])[0]!.type = 'PLASMA')),
    withChild('gradient-without-stops', rect({ fills: [gradient({ gradientStops: undefined })] })),
    withChild('gradient-stops-string', rect({ fills: [gradient({ gradientStops: 'red, blue' })] })),
    withChild('gradient-stop-null', rect({ fills: [gradient({ gradientStops: [null, { color: { r: 0, g: 0, b: 0, a: 1 }, position: 1 }] })] })),
    withChild('gradient-stops-empty', rect({ fills: [gradient({ gradientStops: [] })] })),
    withChild('gradient-without-handles', rect({ fills: [gradient({ gradientHandlePositions: undefined })] })),
    withChild('gradient-handles-strings', rect({ fills: [gradient({ gradientHandlePositions: ['a', 'b', 'c'] })] })),
    withChild('gradient-radial-one-handle', rect({ fills: [gradient({ type: 'GRADIENT_RADIAL', gradientHandlePositions: [{ x: 0.5, y: 0.5 }] })] })),
    withChild('image-fill-without-ref', rect({ fills: [{ type: 'IMAGE', scaleMode: 'FILL' }] })),
    withChild('image-fill-ref-traversal', rect({ fills: [{ type: 'IMAGE', scaleMode: 'FILL', imageRef: '../../../../etc/passwd' }] })),
    edited('fill-opacity-1e9', ({ vector }) => void ((vector.fills as Node[])[0]!.opacity = 1e9)),
    edited('fill-visible-string', ({ vector }) => void ((vector.fills as Node[])[0]!.visible = 'no')),
    edited('strokes-object', ({ vector }) => void (vector.strokes = { type: 'SOLID' })),
    edited('stroke-weight-string', ({ vector }) => void (vector.strokeWeight = 'thick')),
    edited('stroke-align-unknown', ({ vector }) => void (vector.strokeAlign = 'EVERYWHERE')),
    withChild('text-without-style', text({ style: undefined })),
    withChild('text-style-null', text({ style: null })),
    withChild('text-style-string', text({ style: 'bold' })),
    withChild('text-characters-number', text({ characters: 42 })),
    withChild('text-characters-missing', text({ characters: undefined })),
    withChild('text-overrides-string', text({ characterStyleOverrides: 'all', styleOverrideTable: { 1: { fontWeight: 700 } } })),
    withChild('text-override-table-null-style', text({ characterStyleOverrides: [1, 1, 2], styleOverrideTable: { 1: null, 2: 'x' } })),
    withChild('text-font-family-injection', text({ style: { ...(text().style as object), fontFamily: `Inter'; } </style><script>alert(1)</script>` } })),
    withChild('text-html-characters', text({ characters: '<script>alert(1)</script><img src=x onerror=alert(2)>' })),
    withChild('text-line-types-garbage', text({ lineTypes: 'ORDERED', lineIndentations: { a: 1 } })),
    edited('vector-path-unclosed', ({ vector }) => void (vector.fillGeometry = [{ path: 'M 0 0 L', windingRule: 'NONZERO' }])),
    edited('vector-path-number', ({ vector }) => void (vector.fillGeometry = [{ path: 12, windingRule: 'NONZERO' }])),
    edited('vector-path-garbage', ({ vector }) => void (vector.fillGeometry = [{ path: 'X Y Z <svg onload=alert(1)>', windingRule: 'NONZERO' }])),
    edited('vector-path-absurd-numbers', ({ vector }) => void (vector.fillGeometry = [{ path: 'M NaN 0 L 1e400 0 L -1e308 Infinity Z', windingRule: 'NONZERO' }])),
    edited('vector-geometry-object', ({ vector }) => void (vector.fillGeometry = { path: 'M0 0L1 1Z' })),
    edited('vector-winding-rule-unknown', ({ vector }) => void ((vector.fillGeometry as Node[])[0]!.windingRule = 'SPIRAL')),
    edited('vector-stroke-geometry-null', ({ vector }) => void (vector.strokeGeometry = null)),
    edited('vector-network-junk', ({ vector }) => void (vector.vectorNetwork = { vertices: 'many', segments: [null], regions: {} })),
    edited('effects-object', ({ vector }) => void (vector.effects = { 0: shadow() })),
    edited('effect-without-type', ({ vector }) => void (vector.effects = [shadow({ type: undefined })])),
    edited('effect-unknown-type', ({ vector }) => void (vector.effects = [shadow({ type: 'GLOW' })])),
    edited('effect-shadow-color-null', ({ vector }) => void (vector.effects = [shadow({ color: null })])),
    edited('effect-shadow-offset-missing', ({ vector }) => void (vector.effects = [shadow({ offset: undefined })])),
    edited('effect-blur-string-radius', ({ vector }) => void (vector.effects = [{ type: 'LAYER_BLUR', radius: 'big', visible: true }])),
    withChild('component-properties-string', instance({ componentProperties: 'Color=Red' })),
    withChild('component-property-null', instance({ componentProperties: { Color: null, Size: { type: 'BOOLEAN' } } })),
    withChild('component-property-bad-type', instance({ componentProperties: { Color: { type: 'HOLOGRAM', value: { deep: [1, 2] } } } })),
    withChild('instance-of-missing-component', instance({ componentId: '404:404', children: 'none' })),
    withChild('component-set-definitions-array', { ...instance(), type: 'COMPONENT_SET', componentPropertyDefinitions: [1, 2, 3] }),
  ];
}

function absurdNumbers(): CorpusCase[] {
  const many = (n: number, make: (i: number) => unknown) => Array.from({ length: n }, (_, i) => make(i));
  return [
    fileCase('figma', 'nested-1000-frames', 'frame.json', () => nestedText(1_000, 'FRAME')),
    fileCase('figma', 'nested-10000-frames', 'frame.json', () => nestedText(10_000, 'FRAME')),
    fileCase('figma', 'nested-1000-groups', 'frame.json', () => nestedText(1_000, 'GROUP')),
    edited('frame-box-1e6-px', ({ frame }) => void (frame.absoluteBoundingBox = box(0, 0, 1e6, 1e6))),
    edited('frame-box-1e9-px', ({ frame }) => void (frame.absoluteBoundingBox = box(0, 0, 1e9, 500))),
    edited('frame-box-1e308', ({ frame }) => void (frame.absoluteBoundingBox = { x: -1e308, y: 1e308, width: 1e308, height: 1e308 })),
    edited('frame-box-negative', ({ frame }) => void (frame.absoluteBoundingBox = box(0, 0, -500, -500))),
    edited('frame-box-zero', ({ frame }) => void (frame.absoluteBoundingBox = box(0, 0, 0, 0))),
    edited('frame-box-strings', ({ frame }) => void (frame.absoluteBoundingBox = { x: '0', y: '0', width: '500px', height: 'auto' })),
    edited('frame-box-missing', ({ frame }) => void delete frame.absoluteBoundingBox),
    edited('child-box-1e6-px', ({ vector }) => void (vector.absoluteBoundingBox = box(0, 0, 1e6, 1e6))),
    edited('child-far-away', ({ vector }) => void (vector.absoluteBoundingBox = box(1e9, 1e9, 10, 10))),
    edited('stroke-weight-1e9', ({ vector }) => void (vector.strokeWeight = 1e9)),
    edited('stroke-weight-negative', ({ vector }) => void (vector.strokeWeight = -5)),
    withChild('stroke-weights-individual-1e9', rect({ strokes: [solid()], individualStrokeWeights: { top: 1e9, right: 1, bottom: 1, left: 1 } })),
    withChild('stroke-dashes-100000', rect({ strokes: [solid()], strokeWeight: 1, strokeDashes: many(100_000, () => 1) })),
    withChild('corner-radius-1e9', rect({ cornerRadius: 1e9 })),
    withChild('corner-radii-strings', rect({ rectangleCornerRadii: ['a', 'b', 'c', 'd'] })),
    edited('opacity-1e9', ({ vector }) => void (vector.opacity = 1e9)),
    edited('rotation-1e308', ({ vector }) => void (vector.rotation = 1e308)),
    edited('relative-transform-garbage', ({ vector }) => void (vector.relativeTransform = [[1e308, 'x'], [null]])),
    withChild('text-font-size-1e6', text({ style: { ...(text().style as object), fontSize: 1e6 } })),
    withChild('text-font-size-0', text({ style: { ...(text().style as object), fontSize: 0 } })),
    withChild('text-font-size-negative', text({ style: { ...(text().style as object), fontSize: -12 } })),
    withChild('text-line-height-1e9', text({ style: { ...(text().style as object), lineHeightPx: 1e9 } })),
    withChild('text-letter-spacing-1e9', text({ style: { ...(text().style as object), letterSpacing: 1e9 } })),
    withChild('text-1mb-characters', text({ characters: 'lorem ipsum '.repeat(90_000) })),
    withChild('text-100000-style-overrides', text({ characters: 'x'.repeat(100_000), characterStyleOverrides: many(100_000, (i) => i % 2), styleOverrideTable: { 1: { fontWeight: 700 } } })),
    edited('effect-radius-1e9', ({ vector }) => void (vector.effects = [shadow({ radius: 1e9 })])),
    edited('effect-spread-1e9', ({ vector }) => void (vector.effects = [shadow({ spread: 1e9, offset: { x: 1e9, y: -1e9 } })])),
    edited('effects-100000', ({ vector }) => void (vector.effects = many(100_000, () => shadow()))),
    edited('fills-100000', ({ vector }) => void (vector.fills = many(100_000, () => solid()))),
    edited('siblings-100000', ({ frame }) => void (frame.children = many(100_000, (i) => rect({ id: `7:${i}`, absoluteBoundingBox: box(i % 500, Math.floor(i / 500), 1, 1) })))),
    edited('vector-path-100000-commands', ({ vector }) => void (vector.fillGeometry = [{ path: `M0 0${' L1 1 L2 0'.repeat(50_000)} Z`, windingRule: 'NONZERO' }])),
    withChild('auto-layout-absurd', { ...rect(), type: 'FRAME', layoutMode: 'SIDEWAYS', itemSpacing: 1e9, paddingLeft: 1e9, paddingTop: -1e9, layoutGrids: 'junk', children: [rect({ id: '9:5' })] }),
  ];
}

function notJson(): CorpusCase[] {
  const json = (name: string, bytes: () => Buffer | string | Promise<Buffer | string>) => fileCase('figma', name, 'frame.json', bytes);
  return [
    json('truncated-json', async () => (await readFile(FRAME_RESPONSE, 'utf8')).slice(0, 2000)),
    json('not-json', () => 'this is not JSON'),
    json('empty-file', () => ''),
    json('json-array', () => '[1,2,3]'),
    json('json-number', () => '42'),
    json('json-null', () => 'null'),
    json('json-with-bom', async () => `\ufeff${await readFile(FRAME_RESPONSE, 'utf8')}`),
    json('utf16-json', async () => Buffer.from(`\ufeff${await readFile(FRAME_RESPONSE, 'utf8')}`, 'utf16le')),
    json('proto-keys', async () => (await readFile(FRAME_RESPONSE, 'utf8')).replace('"name"', '"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"name"')),
    json('duplicate-ids', async () => {
      const f = await loadFrame();
      (f.frame.children as Node[]).push({ ...f.vector }, { ...f.vector });
      return JSON.stringify(f.response);
    }),
    json('page-without-frames', () => JSON.stringify({ document: { id: '0:0', type: 'DOCUMENT', children: [{ id: '0:1', type: 'CANVAS', name: 'Empty', children: [] }] } })),
    {
      category: 'figma',
      name: 'sparse-200mb-plus-one',
      async prepare({ dir, out }) {
        await sparseFile(join(dir, 'frame.json'), 200 * 1024 * 1024 + 1);
        return ['convert', join(dir, 'frame.json'), '--out', out];
      },
    },
  ];
}

function mutated(): CorpusCase[] {
  return Array.from({ length: MUTATED }, (_, n) =>
    fileCase('figma', `mutated-${n}`, 'frame.json', async () => {
      const responses = await figmaResponses();
      return caseValue(mutatedJson(responses[n % responses.length]!.json), SEED, n).value;
    }),
  );
}

export const figmaCases = (): CorpusCase[] => [...wrongTypes(), ...absurdNumbers(), ...notJson(), ...mutated()];

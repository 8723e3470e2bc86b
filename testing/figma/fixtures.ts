// Figma-REST-shaped nodes for tests, built the way the API writes them: absolute boxes on
// every node, auto-layout settings on frames, a GET /v1/files/:key/nodes envelope around the
// frame. Each builder fills in what the API always sends so tests state only what matters.
import type { RGBA } from '@figma/rest-api-spec';
import { hexToRgb } from '../../engine/ir/color.ts';

type Json = Record<string, unknown>;
export interface At {
  x: number;
  y: number;
  width: number;
  height: number;
}

let serial = 0;
const id = () => `9:${++serial}`;

export const rgb = (hex: string, a = 1): RGBA => {
  const [r, g, b] = hexToRgb(hex).map((v) => v / 255);
  return { r, g, b, a };
};
export const solid = (hex: string, opacity?: number) => ({ type: 'SOLID', blendMode: 'NORMAL', color: rgb(hex), ...(opacity !== undefined ? { opacity } : {}) });

const layer = (type: string, name: string, at: At, over: Json) => ({
  id: id(),
  name,
  type,
  scrollBehavior: 'SCROLLS',
  blendMode: 'PASS_THROUGH',
  absoluteBoundingBox: at,
  absoluteRenderBounds: at,
  constraints: { vertical: 'TOP', horizontal: 'LEFT' },
  fills: [],
  strokes: [],
  strokeWeight: 1,
  strokeAlign: 'INSIDE',
  effects: [],
  ...over,
});

export const frame = (name: string, at: At, children: Json[], over: Json = {}) => layer('FRAME', name, at, { clipsContent: false, children, ...over });
export const rect = (name: string, at: At, over: Json = {}) => layer('RECTANGLE', name, at, { fills: [solid('#3366ff')], ...over });
export const ellipse = (name: string, at: At, fill: string, over: Json = {}) => layer('ELLIPSE', name, at, { fills: [solid(fill)], ...over });

export function text(name: string, at: At, characters: string, style: Json = {}, over: Json = {}) {
  return layer('TEXT', name, at, {
    fills: [solid('#111111')],
    characters,
    style: { fontFamily: 'Inter', fontWeight: 400, fontSize: 16, lineHeightPx: 20, lineHeightUnit: 'PIXELS', letterSpacing: 0, textAlignHorizontal: 'LEFT', textAlignVertical: 'TOP', textAutoResize: 'WIDTH_AND_HEIGHT', ...style },
    characterStyleOverrides: [],
    styleOverrideTable: {},
    lineTypes: ['NONE'],
    lineIndentations: [0],
    ...over,
  });
}

/** Auto-layout settings as the API writes them for a frame. */
export const auto = (mode: 'HORIZONTAL' | 'VERTICAL', over: Json = {}): Json => ({
  layoutMode: mode,
  itemSpacing: 0,
  paddingTop: 0,
  paddingRight: 0,
  paddingBottom: 0,
  paddingLeft: 0,
  primaryAxisAlignItems: 'MIN',
  counterAxisAlignItems: 'MIN',
  primaryAxisSizingMode: 'FIXED',
  counterAxisSizingMode: 'FIXED',
  ...over,
});

/** The GET /v1/files/:key/nodes envelope around one frame. */
export const nodesResponse = (document: Json) => ({
  name: 'fixture',
  lastModified: '2025-01-01T00:00:00Z',
  version: '1',
  role: 'owner',
  editorType: 'figma',
  nodes: { [document.id as string]: { document, components: {}, componentSets: {}, schemaVersion: 0, styles: {} } },
});

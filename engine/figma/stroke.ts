// Strokes → a CSS border where it takes no room from the content (a node without children, or
// an auto-layout frame whose strokes count in its layout), otherwise → box shadows, which draw
// the same band without moving anything: Figma's strokes never shift children unless told to.
// Inside strokes are inset shadows, outside strokes outer shadows, centred strokes half each.
import type { Paint as FigmaPaint, StrokeWeights } from '@figma/rest-api-spec';
import type { Border, Shadow, Sides } from '../ir/schema.ts';
import { toColor, visiblePaints } from './paint.ts';
import type { VariableBinder } from './variables.ts';

export interface StrokeSource {
  strokes?: FigmaPaint[];
  strokeWeight?: number;
  strokeAlign?: 'INSIDE' | 'OUTSIDE' | 'CENTER';
  strokeDashes?: number[];
  individualStrokeWeights?: StrokeWeights;
}

/** Per-side bands as shadows offset from one side each (an equal band all round is one spread). */
function bands(w: Sides, color: string, inset: boolean): Shadow[] {
  const s = (x: number, y: number, spread: number): Shadow => ({ x, y, blur: 0, spread, color, inset });
  if (w.top === w.right && w.right === w.bottom && w.bottom === w.left) return w.top > 0 ? [s(0, 0, w.top)] : [];
  const sign = inset ? 1 : -1;
  return [
    ...(w.top ? [s(0, sign * w.top, 0)] : []),
    ...(w.right ? [s(-sign * w.right, 0, 0)] : []),
    ...(w.bottom ? [s(0, -sign * w.bottom, 0)] : []),
    ...(w.left ? [s(sign * w.left, 0, 0)] : []),
  ];
}

const scale = (w: Sides, k: number): Sides => ({ top: w.top * k, right: w.right * k, bottom: w.bottom * k, left: w.left * k });

/** The border or the shadows that draw the node's top visible solid stroke. */
export function toStroke(n: StrokeSource, bordersFit: boolean, variables: VariableBinder): { border?: Border; shadows: Shadow[] } {
  const paint = visiblePaints(n.strokes).filter((p) => p.type === 'SOLID').at(-1);
  const weight = n.strokeWeight ?? 1;
  const w: Sides = n.individualStrokeWeights ?? { top: weight, right: weight, bottom: weight, left: weight };
  if (!paint || paint.type !== 'SOLID' || Math.max(w.top, w.right, w.bottom, w.left) <= 0) return { shadows: [] };
  const color = toColor(paint.color, paint.opacity ?? 1);
  const align = n.strokeAlign ?? 'INSIDE';
  // Dashes exist only as a border style.
  if ((align === 'INSIDE' && bordersFit) || n.strokeDashes?.length) {
    const colorVariable = variables.bind(paint.boundVariables?.color, color, toColor(paint.color));
    return { border: { color, ...(colorVariable ? { colorVariable } : {}), style: n.strokeDashes?.length ? 'dashed' : 'solid', width: w }, shadows: [] };
  }
  if (align === 'INSIDE') return { shadows: bands(w, color, true) };
  if (align === 'OUTSIDE') return { shadows: bands(w, color, false) };
  return { shadows: [...bands(scale(w, 0.5), color, true), ...bands(scale(w, 0.5), color, false)] };
}

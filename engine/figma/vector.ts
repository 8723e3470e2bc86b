// Vector shapes as inline SVG, where the JSON carries their outlines (fillGeometry and
// strokeGeometry, present when the file was fetched with geometry=paths or exported by the
// plugin). Strokes come as outlines too, so both are filled paths in the node's own space.
import type { Paint as FigmaPaint, Path } from '@figma/rest-api-spec';
import { toColor, visiblePaints } from './paint.ts';

export interface VectorSource {
  fillGeometry?: Path[];
  strokeGeometry?: Path[];
  fills?: FigmaPaint[];
  strokes?: FigmaPaint[];
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** A paint as an SVG fill: solids exactly, a gradient by its first stop. */
function svgFill(paints: readonly FigmaPaint[] | undefined): string | undefined {
  const p = visiblePaints(paints).at(-1);
  if (!p) return undefined;
  if (p.type === 'SOLID') return toColor(p.color, p.opacity ?? 1);
  if ('gradientStops' in p && p.gradientStops[0]) return toColor(p.gradientStops[0].color, p.opacity ?? 1);
  return undefined;
}

const paths = (geometry: Path[] | undefined, fill: string | undefined) =>
  fill && geometry?.length
    ? geometry.map((g) => `<path d="${escapeAttr(g.path)}" fill="${fill}"${g.windingRule === 'EVENODD' ? ' fill-rule="evenodd"' : ''}/>`).join('')
    : '';

/** The node as an <svg> of its box's size, or undefined when the JSON has no outlines for it. */
export function vectorSvg(n: VectorSource, width: number, height: number): string | undefined {
  const body = paths(n.fillGeometry, svgFill(n.fills)) + paths(n.strokeGeometry, svgFill(n.strokes));
  if (!n.fillGeometry?.length && !n.strokeGeometry?.length) return undefined;
  const w = Math.max(width, 0.01);
  const h = Math.max(height, 0.01);
  // Strokes and curves may reach past the box: drawn, not clipped, as Figma draws them.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" overflow="visible">${body}</svg>`;
}

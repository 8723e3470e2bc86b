// The element of a screen's IR that a click landed on. People click controls: of the nodes
// under the click point, a button, link, list item, input or nav is the answer, the smallest
// one when they nest (a link inside a list item). Where perception found no control there, a
// highlight the cursor lit (a hover or pressed state) outlines the control itself, so the node
// that matches it best is taken; failing both, the smallest node under the point.
import type { Box, Design, DesignNode, Role } from '../ir/index.ts';

const CONTROLS: ReadonlySet<Role> = new Set(['button', 'link', 'listitem', 'input']);

const area = (b: Box) => b.width * b.height;
const contains = (b: Box, p: { x: number; y: number }) => p.x >= b.x && p.x < b.x + b.width && p.y >= b.y && p.y < b.y + b.height;

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (area(a) + area(b) - w * h);
}

function* nodes(n: DesignNode): Generator<DesignNode> {
  yield n;
  if (n.type === 'frame') for (const c of n.children) yield* nodes(c);
}

export function clickTarget(design: Design, point: { x: number; y: number }, highlight?: Box): DesignNode | undefined {
  // The root is the page, never what a click means.
  const under = [...nodes(design.root)].filter((n) => n !== design.root && contains(n.box, point));
  const smallest = (list: DesignNode[]) => list.sort((a, b) => area(a.box) - area(b.box))[0];
  const control = smallest(under.filter((n) => n.role && CONTROLS.has(n.role)));
  if (control) return control;
  if (highlight) {
    const best = under.map((n) => ({ n, iou: overlap(n.box, highlight) })).sort((a, b) => b.iou - a.iou)[0];
    if (best && best.iou >= 0.5) return best.n;
  }
  return smallest(under);
}

// The element of a screen's IR that a click landed on. The click point is known to about the
// size of a detection cell, so nodes within SLACK px of it count as under it. A highlight the
// cursor lit just before (a hover or pressed state) outlines the control itself: the node that
// matches it is the answer, or, where perception saw the control's label but not its box, the
// largest node inside it. Otherwise people click controls: a button, link, list item or input
// under the point, the smallest when they nest; failing that, the smallest node under the point.
import { area, containsPoint, grow, iou, within, type Box, type Design, type DesignNode, type Role } from '../ir/index.ts';

const CONTROLS: ReadonlySet<Role> = new Set(['button', 'link', 'listitem', 'input']);

/** How far off the click point may be: a detection cell is 8 px. */
const SLACK = 8;

function* nodes(n: DesignNode): Generator<DesignNode> {
  yield n;
  if (n.type === 'frame') for (const c of n.children) yield* nodes(c);
}

export function clickTarget(design: Design, point: { x: number; y: number }, highlight?: Box): DesignNode | undefined {
  // The root is the page, never what a click means.
  const under = [...nodes(design.root)].filter((n) => n !== design.root && containsPoint(grow(n.box, SLACK), point));
  const byArea = (list: DesignNode[]) => list.sort((a, b) => area(a.box) - area(b.box));
  if (highlight) {
    const best = under.map((n) => ({ n, iou: iou(n.box, highlight) })).sort((a, b) => b.iou - a.iou)[0];
    if (best && best.iou >= 0.5) return best.n;
    const inside = byArea(under.filter((n) => within(n.box, grow(highlight, SLACK / 2)))).at(-1);
    if (inside) return inside;
  }
  return byArea(under.filter((n) => n.role && CONTROLS.has(n.role)))[0] ?? byArea(under)[0];
}

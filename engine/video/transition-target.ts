// The element of a screen's IR that a click landed on. The click point is known to about the
// size of a detection cell, so nodes within SLACK px of it count as under it. A highlight the
// cursor lit just before (a hover or pressed state) outlines the control itself: the node that
// matches it is the answer, or, where perception saw the control's label but not its box (a
// tab or menu row whose background only shows on hover), what lies inside it on the cursor's
// row. Otherwise people click controls: a button, link, list item or input under the point,
// the smallest when they nest; then a leaf under the point; failing that, the point fell in
// the padding of a row that perception did not box (a sidebar entry is clickable across its
// width, its label only at the left), so the nearest thing on that row within the innermost
// node under the point.
import { area, containsPoint, grow, iou, within, type Box, type Design, type DesignNode, type Role } from '../ir/index.ts';

const CONTROLS: ReadonlySet<Role> = new Set(['button', 'link', 'listitem', 'input']);

/** How far off the click point may be: a detection cell is 8 px. */
const SLACK = 8;

function* nodes(n: DesignNode): Generator<DesignNode> {
  yield n;
  if (n.type === 'frame') for (const c of n.children) yield* nodes(c);
}

type Point = { x: number; y: number };

const onRow = (n: DesignNode, p: Point) => n.box.y - SLACK <= p.y && p.y <= n.box.y + n.box.height + SLACK;
const byArea = (list: DesignNode[]) => list.sort((a, b) => area(a.box) - area(b.box));
const gapX = (n: DesignNode, p: Point) => Math.max(0, n.box.x - p.x, p.x - (n.box.x + n.box.width));

/** The nodes on the point's row, outermost first where they nest, nearest the point first. */
function rowNear(candidates: DesignNode[], p: Point): DesignNode[] {
  const row = candidates.filter((n) => onRow(n, p));
  return row.filter((n) => !row.some((o) => o !== n && within(n.box, o.box) && !within(o.box, n.box))).sort((a, b) => gapX(a, p) - gapX(b, p));
}

export function clickTarget(design: Design, point: Point, highlight?: Box): DesignNode | undefined {
  // The root is the page, never what a click means.
  const all = [...nodes(design.root)].filter((n) => n !== design.root);
  const under = all.filter((n) => containsPoint(grow(n.box, SLACK), point));
  if (highlight) {
    const best = all.map((n) => ({ n, iou: iou(n.box, highlight) })).sort((a, b) => b.iou - a.iou)[0];
    if (best && best.iou >= 0.5) return best.n;
    const inside = all.filter((n) => within(n.box, grow(highlight, SLACK / 2)));
    const target = rowNear(inside, point)[0] ?? byArea(inside).at(-1);
    if (target) return target;
  }
  const control = byArea(under.filter((n) => n.role && CONTROLS.has(n.role)))[0];
  if (control) return control;
  const innermost = byArea(under)[0];
  if (!innermost || innermost.type !== 'frame' || innermost.children.length === 0) return innermost;
  return rowNear([...nodes(innermost)].filter((n) => n !== innermost), point)[0] ?? innermost;
}

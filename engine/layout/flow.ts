// Absolute boxes → nested flow layout. Items go into the smallest frame that contains them;
// inside each frame the children are cut into horizontal bands (runs that overlap vertically),
// a band of one item sits directly in the frame's column, a band of several becomes a row.
// Margins measured from the boxes keep every item where it was; a box that overlaps its row
// neighbour is marked absolute. Every node keeps its absolute `box`.
import type { Box, DesignNode, FrameNode } from '../ir/schema.ts';
import { flowLayout, frame, noStyle } from '../ir/build.ts';

const right = (b: Box) => b.x + b.width;
const bottom = (b: Box) => b.y + b.height;
const area = (b: Box) => b.width * b.height;
/** `a` holds `b`, allowing a pixel of slack. */
const contains = (a: Box, b: Box) => b.x >= a.x - 1 && b.y >= a.y - 1 && right(b) <= right(a) + 1 && bottom(b) <= bottom(a) + 1;

/** Puts each item into the smallest frame (among `root` and the frame items) that contains it. */
export function nestByContainment(root: FrameNode, items: DesignNode[]): FrameNode {
  // Largest first, so a container is placed before anything it holds.
  const sorted = [...items].sort((a, b) => area(b.box) - area(a.box));
  const frames: FrameNode[] = [root];
  for (const item of sorted) {
    let parent = root;
    for (const f of frames) if (f !== item && contains(f.box, item.box) && area(f.box) <= area(parent.box)) parent = f;
    parent.children.push(item);
    if (item.type === 'frame') frames.push(item);
  }
  return root;
}

/** Turns every frame under (and including) `node` into column/row flow layouts. */
export function arrangeFlow(node: FrameNode, newId: () => string): FrameNode {
  for (const c of node.children) if (c.type === 'frame') arrangeFlow(c, newId);
  const inner: Box = {
    x: node.box.x + node.layout.padding.left,
    y: node.box.y + node.layout.padding.top,
    width: node.box.width - node.layout.padding.left - node.layout.padding.right,
    height: node.box.height - node.layout.padding.top - node.layout.padding.bottom,
  };
  const bands = toBands(node.children);
  const column: DesignNode[] = [];
  let cursor = inner.y;
  for (const band of bands) {
    const box = union(band.map((n) => n.box));
    let item: DesignNode;
    if (band.length === 1) item = band[0];
    else {
      item = frame(newId(), box, placeInRow(toColumns(band, box, newId), box), {
        layout: flowLayout('row'),
        sizing: { width: 'fixed', height: 'fixed' },
        style: noStyle(),
      });
    }
    item.margin = { top: Math.max(0, box.y - cursor), right: 0, bottom: 0, left: box.x - inner.x };
    cursor = Math.max(cursor, bottom(box));
    column.push(item);
  }
  node.children = column;
  node.layout = { ...node.layout, mode: 'column', gap: 0, mainAlign: 'start', crossAlign: 'start' };
  return node;
}

/** Children sorted top to bottom, grouped where their vertical extents overlap. */
function toBands(children: DesignNode[]): DesignNode[][] {
  const sorted = [...children].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  const bands: DesignNode[][] = [];
  let end = -Infinity;
  for (const c of sorted) {
    // Overlap of more than a pixel joins the current band.
    if (bands.length && c.box.y < end - 1) {
      bands[bands.length - 1].push(c);
      end = Math.max(end, bottom(c.box));
    } else {
      bands.push([c]);
      end = bottom(c.box);
    }
  }
  return bands;
}

/**
 * Splits a band into columns where the items' horizontal extents do not overlap (an XY cut);
 * a column of several items becomes a column frame laid out in its own bands.
 */
function toColumns(band: DesignNode[], box: Box, newId: () => string): DesignNode[] {
  const sorted = [...band].sort((a, b) => a.box.x - b.box.x);
  const groups: DesignNode[][] = [];
  let end = -Infinity;
  for (const c of sorted) {
    if (groups.length && c.box.x < end - 1) {
      groups[groups.length - 1].push(c);
      end = Math.max(end, right(c.box));
    } else {
      groups.push([c]);
      end = right(c.box);
    }
  }
  // One group means the items overlap both ways: no cut exists, the row places them as they are.
  if (groups.length === 1) return band;
  return groups.map((g) => {
    if (g.length === 1) return g[0];
    const col = frame(newId(), union(g.map((n) => n.box)), g, {
      layout: flowLayout('column'),
      sizing: { width: 'fixed', height: 'fixed' },
      style: noStyle(),
    });
    return arrangeFlow(col, newId);
  });
}

/** Children of one row, left to right, each with margins that reproduce its box. */
function placeInRow(band: DesignNode[], row: Box): DesignNode[] {
  const sorted = [...band].sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y);
  let cursor = row.x;
  for (const c of sorted) {
    if (c.box.x < cursor - 1) {
      // Overlaps its left neighbour: a flow cannot express it, so it is placed from its box.
      c.absolute = true;
      delete c.margin;
      continue;
    }
    c.margin = { top: c.box.y - row.y, right: 0, bottom: 0, left: Math.max(0, c.box.x - cursor) };
    cursor = right(c.box);
  }
  return sorted;
}

function union(boxes: Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, width: Math.max(...boxes.map(right)) - x, height: Math.max(...boxes.map(bottom)) - y };
}

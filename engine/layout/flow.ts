// Absolute boxes → nested flow layout. Items go into the smallest frame that contains them;
// inside each frame the children are cut into horizontal bands (runs that overlap vertically):
// a band of one item sits directly in the frame's column, a band of several becomes a row
// (split further into columns where an XY cut exists). A row whose items fall into clusters
// far apart (a logo and a menu) spreads them with space-between; consecutive rows of the same
// columns merge into a grid. Spacing and alignment come from place.ts. Every node keeps its
// absolute `box`; a box that overlaps its row neighbour is marked absolute.
import type { Box, DesignNode, FrameNode, ImageNode } from '../ir/schema.ts';
import { flowLayout, frame, noStyle } from '../ir/build.ts';
import { area, clip, within } from '../ir/geometry.ts';
import { bottom, painted, placeColumn, placeRow, right } from './place.ts';

/** `a` holds `b`, allowing a pixel of slack. */
export const contains = (a: Box, b: Box) => within(b, a, 1);
/** Two measurements (px) that a person would call the same. */
const same = (a: number, b: number) => Math.abs(a - b) <= 2;

/**
 * Puts each item into the smallest frame (among `root` and the frame items) that contains it.
 * A picture with other items on it becomes a frame painted with that picture, so what lies on
 * it is laid out inside it rather than on top of it.
 */
export function nestByContainment(root: FrameNode, items: DesignNode[]): FrameNode {
  // Largest first, so a container is placed before anything it holds.
  const sorted = [...items]
    .sort((a, b) => area(b.box) - area(a.box))
    .map((item, i, all) => (item.type === 'image' && all.slice(i + 1).some((o) => contains(item.box, o.box)) ? backdrop(item) : item));
  const frames: FrameNode[] = [root];
  // What lies past the design's edges is not seen: an item cut there (a line running off a phone's
  // screen, its box as wide as its paragraph) goes into the frame that holds what is seen of it.
  const seen = (b: Box) => clip(b, root.box);
  for (const item of sorted) {
    let parent = root;
    for (const f of frames) if (f !== item && contains(seen(f.box), seen(item.box)) && area(f.box) <= area(parent.box)) parent = f;
    parent.children.push(item);
    if (item.type === 'frame') frames.push(item);
  }
  return root;
}

function backdrop(img: ImageNode): FrameNode {
  return frame(img.id, img.box, [], {
    ...(img.name ? { name: img.name } : {}),
    sizing: img.sizing,
    style: { ...(img.style ?? noStyle()), fills: [...(img.style?.fills ?? []), { type: 'image', assetId: img.assetId, fit: img.fit }] },
  });
}

/** Turns every frame under (and including) `node` into column/row/grid flow layouts. */
export function arrangeFlow(node: FrameNode, newId: () => string): FrameNode {
  absorbTwins(node);
  for (const c of node.children) if (c.type === 'frame') arrangeFlow(c, newId);
  return arrangeChildren(node, newId);
}

const sameBox = (a: Box, b: Box) => [a.x - b.x, a.y - b.y, right(a) - right(b), bottom(a) - bottom(b)].every((d) => Math.abs(d) <= 1);

/**
 * A frame whose only child is a frame of the same box (regions found twice, a panel and its
 * fill) is one element: the inner frame's content moves up, and its paint where the outer
 * frame has none or the same.
 */
function absorbTwins(f: FrameNode): void {
  for (let c = f.children[0]; f.children.length === 1 && c?.type === 'frame' && sameBox(c.box, f.box); c = f.children[0]) {
    if (painted(c) && painted(f) && JSON.stringify(c.style) !== JSON.stringify(f.style)) return;
    if (painted(c)) f.style = c.style;
    f.name ??= c.name;
    f.children = c.children;
  }
}

/** Lays out the children of `node` (already arranged themselves) in bands. */
function arrangeChildren(node: FrameNode, newId: () => string): FrameNode {
  const items = joinColumnRuns(toBands(node.children)).map((band) => (band.length === 1 ? band[0]! : toRow(band, newId)));
  placeColumn(node, mergeGrids(items, newId));
  return node;
}

/** A frame with no paint of its own, made to group items. */
const group = (newId: () => string, children: DesignNode[], mode: 'row' | 'column' | 'grid') =>
  frame(newId(), union(children.map((n) => n.box)), children, {
    layout: flowLayout(mode),
    sizing: { width: 'hug', height: 'hug' },
    style: noStyle(),
  });

/** Children sorted top to bottom, grouped where their vertical extents overlap. */
function toBands(children: DesignNode[]): DesignNode[][] {
  const sorted = [...children].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  const bands: DesignNode[][] = [];
  let end = -Infinity;
  for (const c of sorted) {
    // Overlap of more than a pixel joins the current band; lines of large type set tighter
    // than their boxes overlap a little and still stack (with a negative margin).
    const slack = c.type === 'text' ? Math.max(1, 0.2 * c.box.height) : 1;
    if (bands.length && c.box.y < end - slack) {
      bands[bands.length - 1]!.push(c);
      end = Math.max(end, bottom(c.box));
    } else {
      bands.push([c]);
      end = bottom(c.box);
    }
  }
  return bands;
}

/**
 * Consecutive bands cut by the same vertical gutters are one band: columns of loose parts (a
 * footer's columns of links, cards whose boxes are not drawn) are read column by column, so each
 * column stays one element that wraps as a whole, as its page's markup has it, instead of one row
 * per line across the columns. A grid of boxes or pictures stays rows.
 */
function joinColumnRuns(bands: DesignNode[][]): DesignNode[][] {
  const out: DesignNode[][] = [];
  for (let i = 0; i < bands.length; ) {
    const tracks = xGroups(bands[i]!).length;
    let run = bands[i]!;
    let j = i + 1;
    if (tracks >= 2) {
      const joins = (band: DesignNode[]) =>
        xGroups([...run, ...band]).length === tracks && !stacksBoxes([...run, ...band]) && continuesTracks(run, band);
      while (j < bands.length && joins(bands[j]!)) run = [...run, ...bands[j++]!];
    }
    if (j - i >= 2) out.push(run);
    else out.push(...bands.slice(i, j));
    i = j;
  }
  return out;
}

/**
 * Whether `band` goes on the columns of `run` above it: in each column it reaches, it follows
 * that column's last item no further apart than the column's items are from each other (a
 * longer list in one card, the cards' buttons), not after a section's gap (a grid below them).
 * A band reaching one column only joins a column whose spacing is known.
 */
function continuesTracks(run: DesignNode[], band: DesignNode[]): boolean {
  const tracks = xGroups([...run, ...band]).filter((g) => g.some((n) => band.includes(n)));
  return tracks.every((track) => {
    const above = track.filter((n) => !band.includes(n)).sort((a, b) => a.box.y - b.box.y);
    if (above.length < 2) return tracks.length >= 2;
    const spacing = Math.max(...above.slice(1).map((n, k) => n.box.y - bottom(above[k]!.box)));
    const top = Math.min(...track.filter((n) => band.includes(n)).map((n) => n.box.y));
    return top - Math.max(...above.map((n) => bottom(n.box))) <= spacing + 2;
  });
}

/** Whether a column of `items` holds two boxes or pictures one above the other: a grid of cards (captions and all), read row by row. */
function stacksBoxes(items: DesignNode[]): boolean {
  return xGroups(items).some((column) => {
    const boxes = column.filter((n) => n.type !== 'text').sort((a, b) => a.box.y - b.box.y);
    return boxes.some((n, k) => k > 0 && n.box.y >= bottom(boxes[k - 1]!.box) - 1);
  });
}

/** A band of several items as a row frame. */
function toRow(band: DesignNode[], newId: () => string): FrameNode {
  const columns = toColumns(band, newId);
  if (columns === band && band.length > 2) return withoutOverlapper(band, newId);
  const items = columns.sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y);
  // An item that starts left of its neighbour's end overlaps it: a flow cannot express it.
  let end = -Infinity;
  for (const c of items) {
    if (c.box.x < end - 1) {
      c.absolute = true;
      delete c.margin;
    } else end = right(c.box);
  }
  const flow = items.filter((c) => !c.absolute);
  // The row is where its flow sits: what is placed from its box only lies over it.
  const row = group(newId, items, 'row');
  if (flow.length) row.box = union(flow.map((c) => c.box));
  const clusters = toClusters(flow);
  if (clusters.length > 1) {
    const parts = clusters.map((c) => {
      if (c.length === 1) return c[0]!;
      const sub = group(newId, c, 'row');
      placeRow(sub, c);
      return sub;
    });
    row.layout.mainAlign = 'space-between';
    row.sizing = { width: 'fixed', height: 'hug' };
    placeRow(row, [...parts, ...items.filter((c) => c.absolute)]);
  } else placeRow(row, items);
  return row;
}

const overlaps = (a: Box, b: Box) => a.x < right(b) - 1 && b.x < right(a) - 1 && a.y < bottom(b) - 1 && b.y < bottom(a) - 1;

/**
 * A band no cut can split, because one item lies across the others (a big misread glyph, a
 * badge over a card): that item is placed from its box and the rest is laid out in flow,
 * rather than every item of the band being placed from its box.
 */
function withoutOverlapper(band: DesignNode[], newId: () => string): FrameNode {
  const count = (n: DesignNode) => band.filter((o) => o !== n && overlaps(n.box, o.box)).length;
  const worst = band.reduce((w, n) => (count(n) > count(w) || (count(n) === count(w) && area(n.box) > area(w.box)) ? n : w));
  const rest = arrangeChildren(group(newId, band.filter((n) => n !== worst), 'column'), newId);
  worst.absolute = true;
  delete worst.margin;
  rest.children.push(worst);
  return rest;
}

/**
 * Items of a row split where the spacing is far wider than the rest (a logo … a menu … a
 * button); one cluster when the spacing is even.
 */
function toClusters(items: DesignNode[]): DesignNode[][] {
  if (items.length < 2) return [items];
  const spacings = items.slice(1).map((c, i) => c.box.x - right(items[i]!.box));
  const width = right(items[items.length - 1]!.box) - items[0]!.box.x;
  let wide: number[];
  if (spacings.length === 1) wide = spacings[0]! > Math.max(48, width / 4) ? [0] : [];
  else {
    const typical = [...spacings].sort((a, b) => a - b)[Math.floor((spacings.length - 1) / 2)]!;
    wide = spacings.flatMap((s, i) => (s > Math.max(3 * typical, typical + 48) ? [i] : []));
    // Three clusters are spread evenly only when the two wide spacings match.
    if (wide.length > 2 || (wide.length === 2 && !same(spacings[wide[0]!]!, spacings[wide[1]!]!))) wide = [];
  }
  const clusters: DesignNode[][] = [[items[0]!]];
  items.slice(1).forEach((c, i) => {
    if (wide.includes(i)) clusters.push([c]);
    else clusters[clusters.length - 1]!.push(c);
  });
  return clusters;
}

/**
 * Splits a band into columns where the items' horizontal extents do not overlap (an XY cut);
 * a column of several items becomes a column frame laid out in its own bands.
 */
function toColumns(band: DesignNode[], newId: () => string): DesignNode[] {
  const groups = xGroups(band);
  // One group means the items overlap both ways: no cut exists, the row places them as they are.
  if (groups.length === 1) return band;
  return groups.map((g) => (g.length === 1 ? g[0]! : arrangeChildren(group(newId, g, 'column'), newId)));
}

/** `items` grouped left to right where their horizontal extents overlap (the columns of an XY cut). */
function xGroups(items: DesignNode[]): DesignNode[][] {
  const groups: DesignNode[][] = [];
  let end = -Infinity;
  for (const c of [...items].sort((a, b) => a.box.x - b.box.x)) {
    if (groups.length && c.box.x < end - 1) {
      groups[groups.length - 1]!.push(c);
      end = Math.max(end, right(c.box));
    } else {
      groups.push([c]);
      end = right(c.box);
    }
  }
  return groups;
}

/** A plain row (gap, no clusters, nothing absolute) whose cells have these lefts and widths. */
function cellsOf(n: DesignNode): DesignNode[] | undefined {
  if (n.type !== 'frame' || n.layout.mode !== 'row' || n.layout.mainAlign !== 'start' || n.style.fills.length) return undefined;
  if (n.children.length < 2 || n.children.some((c) => c.absolute)) return undefined;
  const cells = n.children;
  const w = cells[0]!.box.width;
  const spacing = cells.length > 1 ? cells[1]!.box.x - right(cells[0]!.box) : 0;
  // Grid tracks share the width equally: the cells must be equal and evenly spaced.
  const even = cells.every((c, i) => same(c.box.width, w) && (i === 0 || same(c.box.x - right(cells[i - 1]!.box), spacing)));
  return even ? cells : undefined;
}

/** Runs of consecutive rows with the same columns, each merged into one grid. */
function mergeGrids(items: DesignNode[], newId: () => string): DesignNode[] {
  const out: DesignNode[] = [];
  for (let i = 0; i < items.length; ) {
    const first = cellsOf(items[i]!);
    let j = i + 1;
    const aligned = (n: DesignNode) => {
      const cells = cellsOf(n);
      return cells !== undefined && cells.length === first!.length && cells.every((c, k) => same(c.box.x, first![k]!.box.x) && same(c.box.width, first![k]!.box.width));
    };
    if (first) while (j < items.length && aligned(items[j]!)) j++;
    if (j - i < 2) {
      out.push(items[i]!);
      i++;
      continue;
    }
    const rows = items.slice(i, j) as FrameNode[];
    const grid = group(newId, rows.flatMap((r) => r.children), 'grid');
    const rowSpacing = Math.max(0, Math.min(...rows.slice(1).map((r, k) => r.box.y - bottom(rows[k]!.box))));
    grid.layout = { ...grid.layout, columns: first!.length, gap: rows[0]!.layout.gap, crossGap: Math.round(rowSpacing) };
    rows.forEach((r, k) => {
      // Grid cells align to the top of their track: a cell's offset in its row, plus the
      // row's spacing beyond the grid's row gap, becomes its top margin.
      const extra = k === 0 ? 0 : r.box.y - bottom(rows[k - 1]!.box) - grid.layout.crossGap;
      for (const c of r.children) {
        const top = Math.round((c.box.y - r.box.y + extra) * 2) / 2;
        if (top) c.margin = { top, right: 0, bottom: 0, left: 0 };
        else delete c.margin;
      }
    });
    out.push(grid);
    i = j;
  }
  return out;
}

function union(boxes: Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, width: Math.max(...boxes.map(right)) - x, height: Math.max(...boxes.map(bottom)) - y };
}

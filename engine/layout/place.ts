// Spacing and alignment of one flex container, read from where its children sit: the padding
// is the space the content leaves inside the frame, the gap the smallest regular spacing
// between neighbours, the alignment the one most children agree with (start, centre or end).
// Children that disagree keep their place with a margin, which is what a developer writes for
// the odd one out; spacings that differ from the gap by less than MIN_MARGIN px are absorbed
// (the drift is carried to the next child, so positions never wander further than that).
import type { Box, DesignNode, FrameNode, Layout, Sides } from '../ir/schema.ts';

const MIN_MARGIN = 2;
/** How far (px) a child may sit off an edge or a centre line and still count as aligned to it. */
const ALIGN_SLACK = 2;

export const right = (b: Box) => b.x + b.width;
export const bottom = (b: Box) => b.y + b.height;
const zeroSides = (): Sides => ({ top: 0, right: 0, bottom: 0, left: 0 });

/** The frame's box inside its border, where padding starts. */
export function contentBox(f: FrameNode): Box {
  const w = f.style.border?.width ?? zeroSides();
  return { x: f.box.x + w.left, y: f.box.y + w.top, width: f.box.width - w.left - w.right, height: f.box.height - w.top - w.bottom };
}

type Align = 'start' | 'center' | 'end';

/** Which alignments a child at offset `before` with `after` left over fits. */
function fits(before: number, after: number): Align[] {
  const out: Align[] = [];
  if (before <= ALIGN_SLACK / 2) out.push('start');
  if (Math.abs(before - after) <= ALIGN_SLACK) out.push('center');
  if (after <= ALIGN_SLACK / 2) out.push('end');
  return out;
}

/** The alignment most children fit; ties go to `order`'s first. */
function majority(offsets: Array<[number, number]>, order: readonly Align[]): Align {
  const votes: Record<Align, number> = { start: 0, center: 0, end: 0 };
  for (const [b, a] of offsets) for (const f of fits(b, a)) votes[f]++;
  return order.reduce((best, a) => (votes[a] > votes[best] ? a : best), order[0]!);
}

/** Content between equal insets is centred content (a button's label, a centred hero). */
const symmetric = (a: number, b: number) => Math.abs(a - b) <= ALIGN_SLACK && a > ALIGN_SLACK;
const CENTRE_FIRST = ['center', 'start', 'end'] as const;
const START_FIRST = ['start', 'center', 'end'] as const;

/** The cross-axis margins ([before, after]) that put a child at `before` under alignment `align`. */
function crossMargins(align: Align, before: number, after: number): [number, number] {
  if (fits(before, after).includes(align)) return [0, 0];
  if (align === 'start') return [before, 0];
  if (align === 'end') return [0, after];
  return before < after ? [0, after - before] : [before - after, 0];
}

/**
 * Gap and per-child extra spacing for spacings `s` between neighbours; `exact[i]` says the
 * child after spacing i has edges that show (a painted block), so no drift may reach it.
 */
function gapAndExtras(s: number[], exact: boolean[]): { gap: number; extras: number[] } {
  if (s.length === 0) return { gap: 0, extras: [] };
  const gap = Math.max(0, Math.round(Math.min(...s)));
  let carry = 0;
  const extras = s.map((v, i) => {
    const extra = v - gap + carry;
    if (Math.abs(extra) < (exact[i] ? 0.5 : MIN_MARGIN)) {
      carry = extra;
      return 0;
    }
    carry = 0;
    return Math.round(extra * 2) / 2;
  });
  return { gap, extras };
}

/** A frame with paint of its own (fill, border, shadow): its edges show. */
export const painted = (f: FrameNode) => f.style.fills.length > 0 || f.style.border !== undefined || f.style.shadows.length > 0;
const showsEdges = (n: DesignNode) => n.type === 'image' || (n.type === 'frame' && painted(n));

const setMargin = (n: DesignNode, m: Sides) => {
  if (m.top || m.right || m.bottom || m.left) n.margin = m;
  else delete n.margin;
};

/**
 * Lays `all` (top to bottom, not overlapping vertically, but for those placed absolutely) out
 * as the frame's column:
 * padding from the space around them, a gap, the horizontal alignment most agree with, and
 * a text aligned the way it sits. Children spanning the content width fill it.
 */
export function placeColumn(f: FrameNode, all: DesignNode[]): void {
  const inner = contentBox(f);
  f.children = all;
  const children = all.filter((c) => !c.absolute);
  const layout: Layout = { ...f.layout, mode: 'column', gap: 0, mainAlign: 'start', crossAlign: 'start', wrap: false };
  f.layout = layout;
  if (children.length === 0) {
    layout.padding = zeroSides();
    return;
  }
  const last = children[children.length - 1]!;
  const padding: Sides = {
    top: Math.max(0, children[0]!.box.y - inner.y),
    left: Math.max(0, Math.min(...children.map((c) => c.box.x - inner.x))),
    right: Math.max(0, Math.min(...children.map((c) => right(inner) - right(c.box)))),
    bottom: Math.max(0, bottom(inner) - bottom(last.box)),
  };
  layout.padding = padding;
  const x0 = inner.x + padding.left;
  const width = inner.width - padding.left - padding.right;
  const offsets = children.map((c): [number, number] => [c.box.x - x0, width - (c.box.x - x0) - c.box.width]);
  const align = majority(offsets, symmetric(padding.left, padding.right) ? CENTRE_FIRST : START_FIRST);
  layout.crossAlign = align;
  if (symmetric(padding.top, padding.bottom)) layout.mainAlign = 'center';
  const { gap, extras } = gapAndExtras(
    children.slice(1).map((c, i) => c.box.y - bottom(children[i]!.box)),
    children.slice(1).map(showsEdges),
  );
  layout.gap = gap;
  let spanning = false;
  children.forEach((c, i) => {
    const [before, after] = offsets[i]!;
    const [left, rightM] = crossMargins(align, before, after);
    setMargin(c, { top: i === 0 ? 0 : extras[i - 1]!, right: rightM, bottom: 0, left });
    const spans = before <= ALIGN_SLACK / 2 && after <= ALIGN_SLACK / 2;
    if (spans && c.type === 'frame') {
      // In a column as wide as its content, the widest box is what makes it that wide.
      if (f.sizing.width !== 'hug') c.sizing = { ...c.sizing, width: 'fill' };
      spanning = true;
    }
    if (c.type === 'text') alignText(c, align, before, after);
  });
  // The space the content leaves on its far side decides nothing (the frame has its size):
  // it is written the same as the near side, as a designer would have set it.
  if (!spanning && align === 'start') padding.right = Math.min(padding.right, padding.left);
  if (!spanning && align === 'end') padding.left = Math.min(padding.left, padding.right);
  if (layout.mainAlign === 'start') padding.bottom = Math.min(padding.bottom, padding.top);
  hug(f);
}

/**
 * Places every row and column under `node` again from the boxes, innermost first: after
 * boxes changed (list items made alike), each container's spacing follows them.
 */
export function reflow(node: FrameNode): void {
  for (const c of node.children) if (c.type === 'frame') reflow(c);
  if (node.layout.mode === 'column') placeColumn(node, node.children);
  else if (node.layout.mode === 'row') placeRow(node, node.children);
}

/**
 * A frame that hugs its content is as big as the flow makes it, which may differ from the
 * union of its children's boxes by what alignment slack absorbed: the box is set to that
 * size, so the frame's neighbours are spaced from where it really ends.
 */
function hug(f: FrameNode): void {
  const flow = f.children.filter((c) => !c.absolute);
  if (flow.length === 0) return;
  const m = (c: DesignNode) => c.margin ?? zeroSides();
  const { gap, padding, mode } = f.layout;
  const along = (size: (c: DesignNode) => number, before: (c: DesignNode) => number, after: (c: DesignNode) => number) =>
    flow.reduce((sum, c) => sum + size(c) + before(c) + after(c), 0) + gap * (flow.length - 1);
  const across = (size: (c: DesignNode) => number, before: (c: DesignNode) => number, after: (c: DesignNode) => number) =>
    Math.max(...flow.map((c) => size(c) + before(c) + after(c)));
  const w = (c: DesignNode) => c.box.width;
  const h = (c: DesignNode) => c.box.height;
  const [width, height] =
    mode === 'row'
      ? [along(w, (c) => m(c).left, (c) => m(c).right), across(h, (c) => m(c).top, (c) => m(c).bottom)]
      : [across(w, (c) => m(c).left, (c) => m(c).right), along(h, (c) => m(c).top, (c) => m(c).bottom)];
  const box = { ...f.box };
  if (f.sizing.height === 'hug') box.height = height + padding.top + padding.bottom;
  if (f.sizing.width === 'hug' && f.layout.mainAlign !== 'space-between') box.width = width + padding.left + padding.right;
  f.box = box;
}

/**
 * Lays `children` (left to right, the caller has removed those that overlap) out as the row
 * frame's content: a gap and the vertical alignment most agree with.
 */
export function placeRow(f: FrameNode, children: DesignNode[]): void {
  const inner = contentBox(f);
  const flow = children.filter((c) => !c.absolute);
  const offsets = flow.map((c): [number, number] => [c.box.y - inner.y, bottom(inner) - bottom(c.box)]);
  const align = majority(offsets, START_FIRST);
  const spacings = flow.slice(1).map((c, i) => c.box.x - right(flow[i]!.box));
  const { gap, extras } = f.layout.mainAlign === 'space-between' ? { gap: 0, extras: spacings.map(() => 0) } : gapAndExtras(spacings, flow.slice(1).map(showsEdges));
  f.children = children;
  f.layout = { ...f.layout, mode: 'row', gap, crossAlign: align, wrap: false };
  flow.forEach((c, i) => {
    const [top, bottomM] = crossMargins(align, ...offsets[i]!);
    const left = i === 0 ? Math.max(0, c.box.x - inner.x) : extras[i - 1]!;
    setMargin(c, { top, right: 0, bottom: bottomM, left });
  });
  hug(f);
}

/**
 * Text that sits centred (or against the right edge) in its column is aligned that way; a line
 * that spans the column takes the column's alignment. A paragraph of several lines keeps the
 * alignment it came with: where its box sits says nothing of where its lines start (perception
 * joins lines into one only where they share a left edge; a Figma text states its own).
 */
function alignText(t: Extract<DesignNode, { type: 'text' }>, column: Align, before: number, after: number): void {
  if (t.style.align === 'justify' || t.box.height >= 1.5 * t.style.lineHeight) return;
  const f = fits(before, after);
  const own = f.length === 3 ? column : f.includes('start') ? 'start' : f.includes('center') ? 'center' : f.includes('end') ? 'end' : 'start';
  t.style.align = own === 'center' ? 'center' : own === 'end' ? 'right' : 'left';
}

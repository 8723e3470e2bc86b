// Space that a design spends on centring or offsetting content, written so that it gives way
// as the viewport narrows: at the design's width it is the design's, below it the content keeps
// its width for as long as it can and the space shrinks first.
import type { DesignNode, FrameNode } from '../ir/schema.ts';
import { isSmall } from './breakpoints.ts';
import { px, type Decl } from './css-measures.ts';

/** Horizontal space at most this wide stays as drawn: it fits any screen. */
const SMALL_SPACE = 24;

/** What large side padding shrinks to at its narrowest, px. */
const PADDING_FLOOR = 16;

const round = (n: number) => Math.round(n * 10000) / 10000;

/** The width of a frame's content box, px. */
export function contentWidth(p: FrameNode): number {
  const b = p.style.border?.width;
  return p.box.width - p.layout.padding.left - p.layout.padding.right - (b?.left ?? 0) - (b?.right ?? 0);
}

/** How a column's item keeps its horizontal place below the design's width. */
export interface ColumnInset {
  /** The left and right margins, as CSS values. */
  left: string;
  right: string;
  /** The widest the item may get. */
  maxWidth: string;
}

/** A length of horizontal space in a box `width` px wide: as drawn when small, else that share of the box. */
const spaceIn = (width: number) => {
  const share = (v: number) => (v > SMALL_SPACE ? round((v / width) * 100) : 0);
  return { share, value: (v: number) => (share(v) ? `${share(v)}%` : px(v)) };
};

/**
 * The horizontal margins of `n`, an item of the column `p`, and the widest it may get beside them:
 * an item centred by large margins gets auto margins; a large margin on one side stays that share
 * of the column; small margins stay as drawn. An item that keeps its size (a short label, an
 * icon) set off by a large margin towards the right edge is held at that edge: a share of the
 * column would push it past the edge once the column is narrower than the item needs.
 */
export function columnInset(n: DesignNode, p: FrameNode): ColumnInset | undefined {
  const left = n.margin?.left ?? 0;
  const right = n.margin?.right ?? 0;
  if (left === 0 && right === 0) return undefined;
  const width = contentWidth(p);
  const contentLeft = p.box.x + p.layout.padding.left + (p.style.border?.width.left ?? 0);
  const rightGap = contentLeft + width - (n.box.x + n.box.width);
  if (left > SMALL_SPACE && right === 0 && Math.abs(left - rightGap) <= 2) return { left: 'auto', right: 'auto', maxWidth: '100%' };
  const { share, value } = spaceIn(width);
  if (isSmall(n) && left > SMALL_SPACE && right === 0 && rightGap >= 0 && rightGap < left) return { left: 'auto', right: value(rightGap), maxWidth: '100%' };
  const fixed = (share(left) ? 0 : left) + (share(right) ? 0 : right);
  const rest = round(100 - share(left) - share(right));
  return { left: value(left), right: value(right), maxWidth: fixed ? `calc(${rest}% - ${px(fixed)})` : `${rest}%` };
}

/**
 * Padding of a frame in the flow whose containing block is `containing` px wide in the design
 * (padding percentages are of that width): a large side becomes clamp(floor, what is left of the
 * containing block after the content and everything else beside it, as drawn), the large sides
 * sharing what is left as they do in the design. It gives way as soon as the containing block
 * narrows, before the frame itself must.
 */
export function fluidPadding(n: FrameNode, containing: number): Decl[] | undefined {
  const pad = n.layout.padding;
  const large = (v: number) => v > 2 * SMALL_SPACE;
  if (!large(pad.left) && !large(pad.right)) return undefined;
  const b = n.style.border?.width;
  const fixed = (large(pad.left) ? 0 : pad.left) + (large(pad.right) ? 0 : pad.right) + (b?.left ?? 0) + (b?.right ?? 0);
  const keep = contentWidth(n) + fixed + containing - n.box.width;
  const shared = (large(pad.left) ? pad.left : 0) + (large(pad.right) ? pad.right : 0);
  const side = (v: number): string => {
    if (!large(v)) return px(v);
    const share = v / shared;
    const preferred = share === 1 ? `calc(100% - ${px(keep)})` : `calc((100% - ${px(keep)}) * ${round(share)})`;
    return `clamp(${px(PADDING_FLOOR)}, ${preferred}, ${px(v)})`;
  };
  const d: Decl[] = [];
  if (pad.top) d.push(['padding-top', px(pad.top)]);
  if (pad.bottom) d.push(['padding-bottom', px(pad.bottom)]);
  d.push(['padding-left', side(pad.left)], ['padding-right', side(pad.right)]);
  return d.filter(([, v]) => v !== '0');
}

/** How an absolutely placed item keeps its place in its parent below the design's width. */
export interface AbsoluteInset {
  /** The side it is held by, the nearer one, and its distance from it, as a CSS value. */
  side: 'left' | 'right';
  offset: string;
  /** The widest it may get beside that offset. */
  maxWidth: string;
}

/**
 * Where an item placed from its box sits in a parent whose padding box is `width` px wide, `left`
 * and `right` px from its sides: held by the nearer side, at a share of the parent when far from
 * it (as a column's large margins are), and no wider than the parent leaves it beside that offset,
 * so that it stays inside the parent as the parent narrows.
 */
export function absoluteInset(left: number, right: number, width: number): AbsoluteInset {
  const side = right < left ? 'right' : 'left';
  const offset = Math.min(left, right);
  const { share, value } = spaceIn(width);
  const maxWidth = share(offset) ? `${round(100 - share(offset))}%` : offset > 0 ? `calc(100% - ${px(offset)})` : '100%';
  return { side, offset: value(offset), maxWidth };
}

// Space that a design spends on centring or offsetting content, written so that it gives way
// as the viewport narrows: at the design's width it is the design's, below it the content keeps
// its width for as long as it can and the space shrinks first.
import type { DesignNode, FrameNode } from '../ir/schema.ts';
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

/**
 * The horizontal margins of `n`, an item of the column `p`, and the widest it may get beside them:
 * an item centred by large margins gets auto margins; a large margin on one side stays that share
 * of the column; small margins stay as drawn.
 */
export function columnInset(n: DesignNode, p: FrameNode): ColumnInset | undefined {
  const left = n.margin?.left ?? 0;
  const right = n.margin?.right ?? 0;
  if (left === 0 && right === 0) return undefined;
  const width = contentWidth(p);
  const contentLeft = p.box.x + p.layout.padding.left + (p.style.border?.width.left ?? 0);
  const rightGap = contentLeft + width - (n.box.x + n.box.width);
  if (left > SMALL_SPACE && right === 0 && Math.abs(left - rightGap) <= 2) return { left: 'auto', right: 'auto', maxWidth: '100%' };
  const share = (v: number) => (v > SMALL_SPACE ? round((v / width) * 100) : 0);
  const value = (v: number) => (share(v) ? `${share(v)}%` : px(v));
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

// Where a row or a grid stops fitting, read from its content. The page takes the viewport's
// width up to the design's, so every box in the flow loses what the page loses; a row whose
// items cannot shrink any further than their content allows must then wrap them onto more lines.
import type { DesignNode, FrameNode } from '../ir/schema.ts';
import { isSingleLine } from './css-measures.ts';

/** Boxes at most this wide keep their size at every width: icons, avatars, badges. */
export const SMALL_BOX = 96;

/** A paragraph is still readable this many ems wide. */
const READABLE_MEASURE_EM = 16;

/** A picture may scale down to this width before its row stacks. */
const MIN_PICTURE = 160;

/** How a row or grid reflows below its breakpoint. */
export interface Reflow {
  /** Viewport width (px) below which it applies. */
  below: number;
  /** `wrap`: a row's items wrap onto as many lines as they need; `grid`: a grid fits as many columns as its cells allow. */
  mode: 'wrap' | 'grid';
  /** For `grid`: the narrowest a cell may get, px. */
  minCell?: number;
}

/** Whether a node keeps its design size at every width. */
export const isSmall = (n: DesignNode) => n.box.width <= SMALL_BOX;

/** The narrowest `n` can get before its content overflows, px (an estimate from the design). */
export function minWidth(n: DesignNode): number {
  const w = n.box.width;
  if (isSmall(n)) return w;
  switch (n.type) {
    case 'text':
      return isSingleLine(n) ? w : Math.min(w, READABLE_MEASURE_EM * n.style.fontSize);
    case 'image':
    case 'vector':
      return Math.min(w, MIN_PICTURE);
    case 'frame':
      return frameMin(n);
  }
}

function frameMin(n: FrameNode): number {
  const l = n.layout;
  const inner = l.padding.left + l.padding.right + (n.style.border ? n.style.border.width.left + n.style.border.width.right : 0);
  const flow = n.children.filter((c) => !c.absolute);
  if (l.mode === 'none' || flow.length === 0) return n.box.width;
  const mins = flow.map(minWidth);
  // A row that reflows itself needs only its widest item; others need all of them side by side.
  const across = l.mode === 'column' || reflowMode(n) !== undefined ? Math.max(...mins) : mins.reduce((a, b) => a + b, 0) + l.gap * (mins.length - 1);
  return Math.min(n.box.width, across + inner);
}

function reflowMode(n: FrameNode): Reflow['mode'] | undefined {
  const flow = n.children.filter((c) => !c.absolute);
  if (n.layout.mode === 'grid') return (n.layout.columns ?? 1) > 1 ? 'grid' : undefined;
  return n.layout.mode === 'row' && flow.length >= 2 ? 'wrap' : undefined;
}

/**
 * How `n` reflows in a page designed `pageWidth` wide, or undefined when it never needs to.
 * The breakpoint is the viewport width at which `n`, losing what the page loses, gets narrower
 * than its items' narrowest side by side; it stays under the design's width, so the design-width
 * render is the design's.
 */
export function reflowOf(n: FrameNode, pageWidth: number): Reflow | undefined {
  const mode = reflowMode(n);
  if (mode === undefined) return undefined;
  const l = n.layout;
  const inner = n.box.width - l.padding.left - l.padding.right;
  const flow = n.children.filter((c) => !c.absolute);
  let need: number;
  let minCell: number | undefined;
  if (mode === 'grid') {
    const columns = l.columns ?? 1;
    minCell = Math.floor(Math.max(...flow.map(minWidth), 0));
    need = columns * minCell + (columns - 1) * l.gap;
  } else {
    need = flow.map(minWidth).reduce((a, b) => a + b, 0) + l.gap * (flow.length - 1);
  }
  const below = Math.min(Math.ceil(pageWidth - inner + need), Math.floor(pageWidth) - 1);
  return below > 0 ? { below, mode, ...(minCell !== undefined ? { minCell } : {}) } : undefined;
}

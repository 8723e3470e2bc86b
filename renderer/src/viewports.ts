// The widths the preview can be laid out at: the design's own, or a common device's. The frame
// is laid out at that width and scaled down to fit its column, never up.

export const VIEWPORTS = ['design', 'desktop', 'laptop', 'tablet', 'phone'] as const;
export type Viewport = (typeof VIEWPORTS)[number];

const WIDTHS: Record<Exclude<Viewport, 'design'>, number> = { desktop: 1440, laptop: 1280, tablet: 768, phone: 390 };

export const viewportWidth = (viewport: Viewport, designWidth: number): number => (viewport === 'design' ? designWidth : WIDTHS[viewport]);

export const viewportLabel = (viewport: Viewport): string =>
  viewport === 'design' ? 'Design width' : `${viewport[0]!.toUpperCase()}${viewport.slice(1)} ${WIDTHS[viewport]}`;

export interface FrameLayout {
  /** The frame's own size in CSS px: what the page inside it is laid out at. */
  width: number;
  height: number;
  /** How much the frame is scaled to fit (≤ 1). */
  scale: number;
}

/**
 * A frame `width` px wide, shown in a column `columnWidth` px wide and `shownHeight` px tall
 * (the height the design is shown at beside it, so the two line up).
 */
export function frameLayout(width: number, columnWidth: number, shownHeight: number): FrameLayout {
  const scale = Math.min(1, Math.max(columnWidth, 1) / width);
  return { width, height: Math.round(shownHeight / scale), scale };
}

// Rectangles in design px: what boxes are compared by when one has to be matched to another
// (a click to an element, a found element to the true one).
import type { Box } from './schema.ts';

export const area = (b: Box) => b.width * b.height;

export const grow = (b: Box, by: number): Box => ({ x: b.x - by, y: b.y - by, width: b.width + 2 * by, height: b.height + 2 * by });

export const containsPoint = (b: Box, p: { x: number; y: number }) => p.x >= b.x && p.x < b.x + b.width && p.y >= b.y && p.y < b.y + b.height;

/** Whether `inner` lies inside `outer`, give or take `slack` px. */
export const within = (inner: Box, outer: Box, slack = 0) =>
  inner.x >= outer.x - slack && inner.y >= outer.y - slack && inner.x + inner.width <= outer.x + outer.width + slack && inner.y + inner.height <= outer.y + outer.height + slack;

/** The part of `b` inside `within` (empty: zero width or height). */
export function clip(b: Box, within: Box): Box {
  const x = Math.max(b.x, within.x), y = Math.max(b.y, within.y);
  return { x, y, width: Math.max(0, Math.min(b.x + b.width, within.x + within.width) - x), height: Math.max(0, Math.min(b.y + b.height, within.y + within.height) - y) };
}

/** Intersection over union, 0…1. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (area(a) + area(b) - w * h);
}

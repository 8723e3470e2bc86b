export * from './schema.ts';
export { parseDesign } from './validate.ts';
export type { TextBlock } from './text-block.ts';
export { frame, text, noStyle, flowLayout } from './build.ts';
export { area, containsPoint, grow, iou, within } from './geometry.ts';

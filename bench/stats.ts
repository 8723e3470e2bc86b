export const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

// The engine's own, so a benchmark's medians and percentiles are taken as its measurements are.
export { median, percentile } from '../engine/stats.ts';

export const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

export const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

// The engine's own, so a benchmark's medians are taken as its measurements are.
export { median } from '../engine/stats.ts';

export const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

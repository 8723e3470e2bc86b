// Figures of a list of numbers, shared by the engine's measurements and the benchmarks' reports.

/**
 * The middle of the values in order; of an even count, the upper of the two middles (not their
 * mean), so the median is always one of the values: a size or a colour channel that was measured,
 * not one between two. 0 for an empty list.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  return [...values].sort((a, b) => a - b)[values.length >> 1]!;
}

/** Nearest-rank percentile (p in 0..100): like the median, always one of the values. 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

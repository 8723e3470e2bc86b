// Two designs, one page: the reference page rendered at the design's width and at a phone's
// width are the two designs; they are converted into one codebase (pipeline/convert-widths.ts),
// which is scored at the phone's width against that render as the usual row is at the design's.
import type { TwoWidthsReport } from '../engine/codegen/index.ts';
import type { TextBlock } from '../engine/ir/index.ts';
import type { TwoWidthsConversion } from '../engine/pipeline/convert-widths.ts';
import { metricStats, roundedMetrics, type Metric, type PageResult } from './page-results.ts';
import { strictBlockScore } from './reflow.ts';
import { round } from './stats.ts';

export interface AlsoResult {
  /** The second design's width, CSS px. */
  width: number;
  /** The one codebase at that width, scored against the page rendered there. */
  metrics: Record<Metric, number>;
  strictBlock: number;
  merge: TwoWidthsReport;
}

export interface AlsoSummary {
  width: number;
  metrics: Record<Metric, number>;
  medians: Record<Metric, number>;
  /** Of all elements written, the share written once for both designs (the rest shows at one width only). */
  sharedShare: number;
}

/** The conversion's figures at the second design's width, against the page rendered there (its text blocks and size). */
export function alsoResult(c: TwoWidthsConversion, reference: { blocks: TextBlock[]; width: number; height: number }): AlsoResult {
  const n = c.narrow;
  return { width: n.width, metrics: roundedMetrics(n.scores), strictBlock: strictBlockScore(reference.blocks, n.renderBlocks, reference, n.render), merge: c.merge };
}

export function summarizeAlso(results: PageResult[]): AlsoSummary | undefined {
  const rows = results.flatMap((r) => (r.ok && r.also ? [r.also] : []));
  if (rows.length === 0) return undefined;
  const count = (k: keyof Omit<TwoWidthsReport, 'breakpoint'>) => rows.reduce((t, r) => t + r.merge[k], 0);
  return { width: rows[0]!.width, ...metricStats(rows.map((r) => r.metrics)), sharedShare: round(count('shared') / (count('shared') + count('wideOnly') + count('narrowOnly'))) };
}

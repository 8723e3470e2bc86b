// Reflow: whether converted code works at other widths than its design's. The code, converted at
// the design's width, and the original page are both rendered at another viewport width and
// scored against each other with the design width's scorer; and each is asked whether it scrolls
// sideways there, since code that keeps the design's fixed width does where a fluid page reflows.
import { comparePixels, scoreBlocks, type PageSize } from '../engine/compare/index.ts';
import type { TextBlock } from '../engine/ir/index.ts';
import type { RenderPool } from '../engine/render/pool.ts';
import { renderReference } from './reference-pages.ts';
import { renderPage } from './rendered-page.ts';
import { meanAndMedian, metricStats, roundedMetrics, type MeanAndMedian, type Metric, type PageResult } from './page-results.ts';
import { round } from './stats.ts';

export interface ReflowResult {
  /** The viewport width both were rendered at, CSS px. */
  width: number;
  /** The code's render scored against the original's, as at the design's width. */
  metrics: Record<Metric, number>;
  strictBlock: number;
  scrollsSideways: { code: boolean; original: boolean };
}

export interface ReflowSummary {
  width: number;
  /** Means and medians over the pages that converted. */
  metrics: Record<Metric, number>;
  medians: Record<Metric, number>;
  strictBlock: MeanAndMedian;
  /** The pages whose code scrolls sideways at this width where the original does not. */
  scrollsSideways: { pages: number; names: string[] };
}

/** Block-Match with every text block matched on its own, no merging (compare/blocks.ts), rounded as printed. */
export function strictBlockScore(reference: TextBlock[], candidate: TextBlock[], referenceSize: PageSize, candidateSize: PageSize): number {
  return round(scoreBlocks(reference, candidate, referenceSize, candidateSize, { merge: false }).scores.block);
}

/** Renders the original page (cached) and the code's preview at `width` and scores the two. */
export async function scoreReflow(pagePath: string, preview: string, width: number, pool: RenderPool, cacheDir: string): Promise<ReflowResult> {
  const [original, code] = await Promise.all([renderReference(pagePath, width, pool, cacheDir), renderPage(preview, width, pool)]);
  const pixels = await comparePixels(original.png, code.png);
  const { scores } = scoreBlocks(original.blocks, code.blocks, original, code);
  return {
    width,
    metrics: roundedMetrics({ ...scores, ssim: pixels.ssim }),
    strictBlock: strictBlockScore(original.blocks, code.blocks, original, code),
    scrollsSideways: { code: code.scrollsSideways, original: original.scrollsSideways },
  };
}

/** The figures at each reflow width over the pages that converted. */
export function summarizeReflow(results: PageResult[], widths: number[]): ReflowSummary[] {
  return widths.map((width) => {
    const at = results.flatMap((r) => (r.ok ? (r.reflow ?? []).filter((f) => f.width === width).map((f) => ({ page: r.page, ...f })) : []));
    const sideways = at.filter((f) => f.scrollsSideways.code && !f.scrollsSideways.original).map((f) => f.page);
    return {
      width,
      ...metricStats(at.map((f) => f.metrics)),
      strictBlock: meanAndMedian(at.map((f) => f.strictBlock)),
      scrollsSideways: { pages: sideways.length, names: sideways },
    };
  });
}

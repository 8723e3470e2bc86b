// What every page benchmark shares: the pages of a folder in order, one row of figures per page,
// and the summary of the rows (means and medians of the metrics, the worst page's code checks).
import { readdir } from 'node:fs/promises';
import { failedCodeChecks, type CodeChecks } from '../engine/compare/index.ts';
import type { Scores } from '../engine/pipeline/convert.ts';
import { mean, median, percentile, round } from './stats.ts';
import type { ReflowResult, ReflowSummary } from './reflow.ts';
import type { AlsoResult, AlsoSummary } from './two-widths.ts';

export const METRICS = ['block', 'text', 'position', 'color', 'ssim'] as const;
export type Metric = (typeof METRICS)[number];

export interface PageResult {
  page: string;
  ok: boolean;
  error?: string;
  metrics?: Record<Metric, number>;
  /** Block-Match without merging blocks (see compare/blocks.ts), at the design's width. */
  strictBlock?: number;
  /** The same page's code and original rendered at other widths (`--reflow`). */
  reflow?: ReflowResult[];
  /** `--also`: the page at a second width as a second design, one codebase for both, scored there. */
  also?: AlsoResult;
  checks?: CodeChecks;
  convertMs?: number;
  stageMs?: Record<string, number>;
  /** Think mode: repair rounds run, and the round kept (0: the first pass). */
  think?: { rounds: number; kept: number };
  /** A model server's page: requests, tokens, and segments in all and written by the model. */
  modelServer?: { requests: number; promptTokens: number; completionTokens: number; segments: number; fromModel: number };
}

export interface ResultsSummary {
  pages: number;
  failed: number;
  /** Means over the pages that converted. */
  metrics: Record<Metric, number>;
  medians: Record<Metric, number>;
  /** Where the pages have one: the strict block score's mean and median. */
  strictBlock?: MeanAndMedian;
  /** Where the run asked for them: the figures at each reflow width. */
  reflow?: ReflowSummary[];
  /** Where the run asked for it: the one codebase's figures at the second design's width. */
  also?: AlsoSummary;
  /** The worst page's figures, and the pages whose code breaks a limit (see compare/code-checks.ts). */
  checks: { largestImageShare: number; absoluteShare: number; failingPages: string[] };
  timing: { medianMs: number; p95Ms: number };
}

/** The .html pages of a folder in numeric order, the first `limit` of them. */
export async function listPages(dir: string, limit?: number): Promise<string[]> {
  const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  return (await readdir(dir)).filter((f) => f.endsWith('.html')).sort(byNumber).slice(0, limit);
}

/** Runs `bench` on each page in turn, reporting each row as it is done; stops early when aborted. */
export async function benchPages(
  pages: string[],
  bench: (page: string) => Promise<PageResult>,
  options: { signal?: AbortSignal; onPage?: (result: PageResult, index: number, total: number) => void },
): Promise<PageResult[]> {
  const results: PageResult[] = [];
  for (const [i, page] of pages.entries()) {
    if (options.signal?.aborted) break;
    const result = await bench(page);
    results.push(result);
    options.onPage?.(result, i, pages.length);
  }
  return results;
}

/** A converted page's row: its scores and code checks rounded as printed. */
export function scoredPage(page: string, scores: Scores, checks: CodeChecks, convertMs: number): PageResult {
  return { page, ok: true, metrics: roundedMetrics(scores), checks: { ...checks, largestImageShare: round(checks.largestImageShare), absoluteShare: round(checks.absoluteShare) }, convertMs };
}

export const roundedMetrics = (scores: Record<Metric, number>): Record<Metric, number> =>
  Object.fromEntries(METRICS.map((m) => [m, round(scores[m])])) as Record<Metric, number>;

/** Each metric's mean and median over some pages' rows. */
export function metricStats(rows: Array<Record<Metric, number>>): { metrics: Record<Metric, number>; medians: Record<Metric, number> } {
  const over = (f: (xs: number[]) => number) => Object.fromEntries(METRICS.map((m) => [m, round(f(rows.map((r) => r[m])))])) as Record<Metric, number>;
  return { metrics: over(mean), medians: over(median) };
}

export interface MeanAndMedian {
  mean: number;
  median: number;
}

export const meanAndMedian = (xs: number[]): MeanAndMedian => ({ mean: round(mean(xs)), median: round(median(xs)) });

export const failedPage = (page: string, error: unknown): PageResult => ({ page, ok: false, error: error instanceof Error ? error.message : String(error) });

export function summarizeResults(results: PageResult[]): ResultsSummary {
  const ok = results.filter((r) => r.ok);
  const times = ok.map((r) => r.convertMs!);
  const strict = ok.flatMap((r) => (r.strictBlock === undefined ? [] : [r.strictBlock]));
  return {
    pages: results.length,
    failed: results.length - ok.length,
    ...metricStats(ok.map((r) => r.metrics!)),
    ...(strict.length > 0 && { strictBlock: meanAndMedian(strict) }),
    checks: {
      largestImageShare: round(Math.max(0, ...ok.map((r) => r.checks!.largestImageShare))),
      absoluteShare: round(Math.max(0, ...ok.map((r) => r.checks!.absoluteShare))),
      failingPages: ok.filter((r) => failedCodeChecks(r.checks!).length > 0).map((r) => r.page),
    },
    timing: { medianMs: Math.round(median(times)), p95Ms: Math.round(percentile(times, 95)) },
  };
}

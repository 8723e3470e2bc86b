// The Design2Code benchmark: each reference page is rendered to a PNG, the PNG is converted
// as any user's screenshot would be, and the result is scored against the page's own DOM.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeDesignImage } from '../ingest/image.ts';
import { convertImage, type Mode } from '../pipeline/convert.ts';
import { warmPerception } from '../perceive/index.ts';
import type { Stack } from '../codegen/index.ts';
import { failedCodeChecks, type CodeChecks } from '../compare/index.ts';
import type { RenderPool } from '../render/pool.ts';
import { renderReference } from './reference-pages.ts';
import { mean, median, percentile, round } from './stats.ts';

export const BENCH_WIDTH = 1280;
const METRICS = ['block', 'text', 'position', 'color', 'ssim'] as const;
type Metric = (typeof METRICS)[number];

export interface PageResult {
  page: string;
  ok: boolean;
  error?: string;
  metrics?: Record<Metric, number>;
  checks?: CodeChecks;
  convertMs?: number;
  stageMs?: Record<string, number>;
  /** Think mode: repair rounds run, and the round kept (0: the first pass). */
  think?: { rounds: number; kept: number };
}

export interface BenchSummary {
  pages: number;
  failed: number;
  metrics: Record<Metric, number>;
  /** The worst page's figures, and the pages whose code breaks a limit (see compare/code-checks.ts). */
  checks: { largestImageShare: number; absoluteShare: number; failingPages: string[] };
  timing: { medianMs: number; p95Ms: number; rendersPerSecond: number };
  /** Think mode: mean repair rounds per page, and the share of pages where a repaired round was kept. */
  think?: { meanRounds: number; improvedShare: number };
}

export interface BenchOptions {
  pagesDir: string;
  limit?: number;
  stack: Stack;
  mode?: Mode;
  /** Think mode: the time each page's conversion may take, repair rounds included, ms. */
  budgetMs?: number;
  /** Viewport width the reference pages are rendered at (default BENCH_WIDTH): the design's screen size. */
  width?: number;
  pool: RenderPool;
  cacheDir: string;
  signal?: AbortSignal;
  onPage?: (result: PageResult, index: number, total: number) => void;
}

export async function runD2CBench(options: BenchOptions): Promise<{ summary: BenchSummary; results: PageResult[] }> {
  const pages = (await readdir(options.pagesDir)).filter((f) => f.endsWith('.html')).sort(byNumber).slice(0, options.limit);
  // Timings exclude the one-time starts (browser, pages, OCR models), as a running app has them warm.
  await Promise.all([options.pool.warm(), warmPerception()]);
  const results: PageResult[] = [];
  const previews: string[] = [];
  for (const [i, page] of pages.entries()) {
    if (options.signal?.aborted) break;
    const result = await benchPage(page, options, previews);
    results.push(result);
    options.onPage?.(result, i, pages.length);
  }
  const ok = results.filter((r) => r.ok);
  const times = ok.map((r) => r.convertMs!);
  const summary: BenchSummary = {
    pages: results.length,
    failed: results.length - ok.length,
    metrics: Object.fromEntries(METRICS.map((m) => [m, round(mean(ok.map((r) => r.metrics![m])))])) as Record<Metric, number>,
    checks: {
      largestImageShare: round(Math.max(0, ...ok.map((r) => r.checks!.largestImageShare))),
      absoluteShare: round(Math.max(0, ...ok.map((r) => r.checks!.absoluteShare))),
      failingPages: ok.filter((r) => failedCodeChecks(r.checks!).length > 0).map((r) => r.page),
    },
    timing: {
      medianMs: Math.round(median(times)),
      p95Ms: Math.round(percentile(times, 95)),
      rendersPerSecond: round(await warmRenderRate(previews.slice(-8), options.width ?? BENCH_WIDTH, options.pool), 2),
    },
  };
  const thought = ok.filter((r) => r.think);
  if (thought.length > 0) {
    summary.think = {
      meanRounds: round(mean(thought.map((r) => r.think!.rounds)), 2),
      improvedShare: round(thought.filter((r) => r.think!.kept > 0).length / thought.length, 2),
    };
  }
  return { summary, results };
}

async function benchPage(page: string, options: BenchOptions, previews: string[]): Promise<PageResult> {
  try {
    const reference = await renderReference(join(options.pagesDir, page), options.width ?? BENCH_WIDTH, options.pool, options.cacheDir);
    // Timed from the design PNG on: the reference render is the benchmark's, not the user's.
    const started = performance.now();
    const image = await decodeDesignImage(reference.png, page.replace(/\.html$/, '.png'));
    const conversion = await convertImage(image, {
      stack: options.stack,
      mode: options.mode,
      budgetMs: options.budgetMs,
      pool: options.pool,
      signal: options.signal,
      referenceBlocks: reference.blocks,
    });
    const convertMs = Math.round(performance.now() - started);
    previews.push(conversion.preview);
    const { block, text, position, color, ssim } = conversion.scores;
    const metrics = { block: round(block), text: round(text), position: round(position), color: round(color), ssim: round(ssim) };
    const checks = { ...conversion.checks, largestImageShare: round(conversion.checks.largestImageShare), absoluteShare: round(conversion.checks.absoluteShare) };
    const think = conversion.think && { rounds: conversion.think.rounds.length - 1, kept: conversion.think.best };
    return { page, ok: true, metrics, checks, convertMs, stageMs: conversion.timings as Record<string, number>, ...(think && { think }) };
  } catch (error) {
    return { page, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Renders per second of the warm pool, with as many renders in flight as the pool allows. */
async function warmRenderRate(previews: string[], width: number, pool: RenderPool): Promise<number> {
  if (previews.length === 0) return 0;
  const started = performance.now();
  await Promise.all(previews.map((html) => pool.screenshot(html, { width, height: 800 })));
  return previews.length / ((performance.now() - started) / 1000);
}

const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

// The Design2Code benchmark: each reference page is rendered to a PNG, the PNG is converted
// as any user's screenshot would be, and the result is scored against the page's own DOM.
import { join } from 'node:path';
import { decodeDesignImage } from '../engine/ingest/image.ts';
import { convertImage, type ConvertOptions } from '../engine/pipeline/convert.ts';
import type { Mode } from '../engine/think/modes.ts';
import { warmPerception } from '../engine/perceive/index.ts';
import type { Stack } from '../engine/codegen/index.ts';
import type { RenderPool } from '../engine/render/pool.ts';
import { renderReference } from './reference-pages.ts';
import { benchPages, failedPage, listPages, scoredPage, summarizeResults, type PageResult, type ResultsSummary } from './page-results.ts';
import { mean, round } from './stats.ts';
import { scoreReflow, strictBlockScore, summarizeReflow } from './reflow.ts';
import { alsoResult, summarizeAlso } from './two-widths.ts';
import { convertTwoWidths } from '../engine/pipeline/convert-widths.ts';

export type { PageResult };

export const BENCH_WIDTH = 1280;

export interface BenchSummary extends ResultsSummary {
  timing: ResultsSummary['timing'] & { rendersPerSecond: number };
  /** Think mode: mean repair rounds per page, and the share of pages where a repaired round was kept. */
  think?: { meanRounds: number; improvedShare: number };
  /** A model server's pages: requests and tokens used, and segments written by the model or fallen back to perception. */
  modelServer?: { requests: number; promptTokens: number; completionTokens: number; segments: number; fromModel: number; fellBack: number };
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
  /** Other viewport widths the code and the original are also rendered and scored at (see reflow.ts). */
  reflow?: number[];
  /** The page rendered this wide is a second design of it: both converted into one codebase (see two-widths.ts). */
  also?: number;
  pool: RenderPool;
  cacheDir: string;
  signal?: AbortSignal;
  onPage?: (result: PageResult, index: number, total: number) => void;
  /** Who writes the code (default perception). */
  backend?: ConvertOptions['backend'];
}

export async function runD2CBench(options: BenchOptions): Promise<{ summary: BenchSummary; results: PageResult[] }> {
  const pages = await listPages(options.pagesDir, options.limit);
  // Timings exclude the one-time starts (browser, pages, OCR models), as a running app has them warm.
  await Promise.all([options.pool.warm(), warmPerception()]);
  const previews: string[] = [];
  const results = await benchPages(pages, (page) => benchPage(page, options, previews), options);
  const ok = results.filter((r) => r.ok);
  const summarized = summarizeResults(results);
  const summary: BenchSummary = {
    ...summarized,
    ...(options.reflow?.length && { reflow: summarizeReflow(results, options.reflow) }),
    ...(options.also && { also: summarizeAlso(results) }),
    timing: { ...summarized.timing, rendersPerSecond: round(await warmRenderRate(previews.slice(-8), options.width ?? BENCH_WIDTH, options.pool), 2) },
  };
  const thought = ok.filter((r) => r.think);
  if (thought.length > 0) {
    summary.think = {
      meanRounds: round(mean(thought.map((r) => r.think!.rounds)), 2),
      improvedShare: round(thought.filter((r) => r.think!.kept > 0).length / thought.length, 2),
    };
  }
  const served = ok.flatMap((r) => (r.modelServer ? [r.modelServer] : []));
  if (served.length > 0) {
    const total = (k: keyof (typeof served)[number]) => served.reduce((t, m) => t + m[k], 0);
    summary.modelServer = { requests: total('requests'), promptTokens: total('promptTokens'), completionTokens: total('completionTokens'), segments: total('segments'), fromModel: total('fromModel'), fellBack: total('segments') - total('fromModel') };
  }
  return { summary, results };
}

async function benchPage(page: string, options: BenchOptions, previews: string[]): Promise<PageResult> {
  try {
    const pagePath = join(options.pagesDir, page);
    const reference = await renderReference(pagePath, options.width ?? BENCH_WIDTH, options.pool, options.cacheDir);
    // Timed from the design PNG on: the reference render is the benchmark's, not the user's.
    const started = performance.now();
    const image = await decodeDesignImage(reference.png, page.replace(/\.html$/, '.png'));
    const convert = { stack: options.stack, mode: options.mode, budgetMs: options.budgetMs, pool: options.pool, signal: options.signal, referenceBlocks: reference.blocks, backend: options.backend };
    const second = options.also ? await renderReference(pagePath, options.also, options.pool, options.cacheDir) : undefined;
    const twoWidths = second && (await convertTwoWidths(image, await decodeDesignImage(second.png, page.replace(/\.html$/, `@${options.also}.png`)), { ...convert, narrowReferenceBlocks: second.blocks }));
    const conversion = twoWidths || (await convertImage(image, convert));
    const convertMs = Math.round(performance.now() - started);
    previews.push(conversion.preview);
    const think = conversion.think && { rounds: conversion.think.rounds.length - 1, kept: conversion.think.best };
    const server = conversion.modelServer;
    const modelServer = server && { requests: server.requests, promptTokens: server.promptTokens, completionTokens: server.completionTokens, segments: server.segments.length, fromModel: server.segments.filter((s) => s.from === 'model').length };
    const strictBlock = strictBlockScore(reference.blocks, conversion.renderBlocks, image, conversion.render);
    // After the timing: the reflow renders are the benchmark's, not the conversion's.
    const reflow = options.reflow?.length ? await Promise.all(options.reflow.map((width) => scoreReflow(pagePath, conversion.preview, width, options.pool, options.cacheDir))) : undefined;
    const also = second && twoWidths ? alsoResult(twoWidths, second) : undefined;
    return { ...scoredPage(page, conversion.scores, conversion.checks, convertMs), strictBlock, ...(reflow && { reflow }), ...(also && { also }), stageMs: conversion.timings as Record<string, number>, ...(think && { think }), ...(modelServer && { modelServer }) };
  } catch (error) {
    return failedPage(page, error);
  }
}

/** Renders per second of the warm pool, with as many renders in flight as the pool allows. */
async function warmRenderRate(previews: string[], width: number, pool: RenderPool): Promise<number> {
  if (previews.length === 0) return 0;
  const started = performance.now();
  await Promise.all(previews.map((html) => pool.screenshot(html, { width, height: 800 })));
  return previews.length / ((performance.now() - started) / 1000);
}

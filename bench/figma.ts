// The Figma benchmark: each Design2Code page becomes a Figma fixture (the page's DOM exported
// as a Figma nodes response, its images by imageRef, its screenshot as the frame's true PNG),
// the fixture is converted by the Figma path exactly as `loupe convert frame.json --png
// --images` would, and the result is scored against the page's render and its DOM's text.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Stack } from '../engine/codegen/index.ts';
import { exportPageToFigma } from '../testing/figma/dom-export.ts';
import { convertDesign } from '../engine/pipeline/convert-design.ts';
import { readFigmaInput } from '../engine/pipeline/figma-input.ts';
import type { RenderPool } from '../engine/render/pool.ts';
import { BENCH_WIDTH } from './d2c.ts';
import { benchPages, failedPage, listPages, scoredPage, summarizeResults, type PageResult, type ResultsSummary } from './page-results.ts';
import { readReferenceHtml, renderReference } from './reference-pages.ts';

export interface FigmaBenchOptions {
  pagesDir: string;
  limit?: number;
  stack: Stack;
  /** Viewport width the pages are rendered and exported at (default BENCH_WIDTH). */
  width?: number;
  pool: RenderPool;
  /** Reference renders are cached here, and each page's fixture is written under `figma/`. */
  cacheDir: string;
  signal?: AbortSignal;
  onPage?: (result: PageResult, index: number, total: number) => void;
}

export interface Fixture {
  json: string;
  png: string;
  imagesDir: string;
}

/** Figma serves image fills as PNG or JPEG; other formats a page may use are re-encoded as PNG. */
async function imageFile(bytes: Buffer): Promise<{ ext: string; bytes: Buffer }> {
  const format = (await sharp(bytes).metadata().catch(() => undefined))?.format;
  if (format === 'png' || format === 'jpeg' || format === 'webp') return { ext: format, bytes };
  return { ext: 'png', bytes: await sharp(bytes).png().toBuffer() };
}

/** Exports the page's DOM and writes it as a fixture: frame.json, frame.png, images/<imageRef>.*. */
export async function writePageFixture(pagePath: string, png: Buffer, width: number, pool: RenderPool, dir: string): Promise<Fixture> {
  const name = pagePath.split(/[\\/]/).pop()!;
  const html = await readReferenceHtml(pagePath);
  const exported = await pool.withPage(html, { width, height: 800 }, (page) => exportPageToFigma(page, name));
  const fixture = { json: join(dir, 'frame.json'), png: join(dir, 'frame.png'), imagesDir: join(dir, 'images') };
  await rm(dir, { recursive: true, force: true });
  await mkdir(fixture.imagesDir, { recursive: true });
  await writeFile(fixture.json, JSON.stringify(exported.response));
  await writeFile(fixture.png, png);
  for (const [ref, bytes] of exported.images) {
    const file = await imageFile(bytes).catch(() => undefined);
    if (file) await writeFile(join(fixture.imagesDir, `${ref}.${file.ext}`), file.bytes);
  }
  return fixture;
}

async function benchPage(page: string, options: FigmaBenchOptions): Promise<PageResult> {
  try {
    const width = options.width ?? BENCH_WIDTH;
    const pagePath = join(options.pagesDir, page);
    const reference = await renderReference(pagePath, width, options.pool, options.cacheDir);
    const fixture = await writePageFixture(pagePath, reference.png, width, options.pool, join(options.cacheDir, 'figma', page.replace(/\.html$/, '')));
    // Timed from the fixture on disk, as `loupe convert frame.json` runs.
    const started = performance.now();
    const input = await readFigmaInput(fixture.json, { png: fixture.png, imagesDir: fixture.imagesDir });
    const conversion = await convertDesign(input.design, input.reference, { stack: options.stack, pool: options.pool, signal: options.signal, referenceBlocks: reference.blocks });
    const convertMs = Math.round(performance.now() - started);
    return { ...scoredPage(page, conversion.scores, conversion.checks, convertMs), stageMs: conversion.timings as Record<string, number> };
  } catch (error) {
    return failedPage(page, error);
  }
}

export async function runFigmaBench(options: FigmaBenchOptions): Promise<{ summary: ResultsSummary; results: PageResult[] }> {
  const pages = await listPages(options.pagesDir, options.limit);
  await options.pool.warm();
  const results = await benchPages(pages, (page) => benchPage(page, options), options);
  return { summary: summarizeResults(results), results };
}

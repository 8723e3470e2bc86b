// The CLI's and the app's conversion of a file on disk into a folder of outputs.
import { readDesignImage } from '../ingest/image.ts';
import type { CodeChecks } from '../compare/index.ts';
import { convertImage, type Conversion, type ConvertOptions, type Scores } from './convert.ts';
import { writeFilesInside } from './output.ts';
import type { Stage } from './progress.ts';
import type { ThinkReport } from './think.ts';

export interface ConvertFileResult {
  input: string;
  outDir: string;
  stack: ConvertOptions['stack'];
  mode: NonNullable<ConvertOptions['mode']>;
  /** Paths written, relative to outDir. */
  files: string[];
  entry: string;
  scores: Scores;
  checks: CodeChecks;
  timings: Partial<Record<Stage, number>> & { total: number };
  /** Think mode only: the repair rounds, their scores and which one was kept. */
  think?: ThinkReport;
}

export async function convertFile(input: string, outDir: string, options: ConvertOptions): Promise<ConvertFileResult> {
  const started = performance.now();
  const readStarted = performance.now();
  const image = await readDesignImage(input);
  const readMs = performance.now() - readStarted;
  const conversion = await convertImage(image, options);
  options.onProgress?.({ stage: 'write', fraction: 0 });
  const writeStarted = performance.now();
  const files = await writeFilesInside(outDir, outputFiles(conversion));
  options.onProgress?.({ stage: 'write', fraction: 1 });
  const timings = {
    ...conversion.timings,
    ingest: Math.round((conversion.timings.ingest ?? 0) + readMs),
    write: Math.round(performance.now() - writeStarted),
    total: Math.round(performance.now() - started),
  };
  return {
    input,
    outDir,
    stack: options.stack,
    mode: options.mode ?? 'fast',
    files,
    entry: conversion.code.entry,
    scores: conversion.scores,
    checks: conversion.checks,
    timings,
    ...(conversion.think && { think: conversion.think }),
  };
}

function outputFiles(c: Conversion) {
  return [
    ...c.code.files,
    { path: 'preview.html', contents: c.preview },
    { path: 'design.png', contents: c.designPng },
    { path: 'render.png', contents: c.render.png },
    { path: 'diff.png', contents: c.heatmap },
    { path: 'design.ir.json', contents: JSON.stringify(c.design, null, 2) + '\n' },
    { path: 'scores.json', contents: JSON.stringify({ ...c.scores, checks: c.checks, ...(c.think && { think: c.think }) }, null, 2) + '\n' },
  ];
}

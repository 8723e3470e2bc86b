// The CLI's and the app's conversion of a file on disk into a folder of outputs.
import type { ModelServerReport } from '../model-server/write.ts';
import { localModelRefusal, modelServerRefusal } from '../api/contract.ts';
import { LoupeError } from '../errors.ts';
import { readDesignImage } from '../ingest/image.ts';
import type { CodeChecks } from '../compare/index.ts';
import { convertImage, type Conversion, type ConvertOptions, type Scores } from './convert.ts';
import { convertDesign, type MeasuredAgainst } from './convert-design.ts';
import { FIGMA_THINK_REFUSED, isFigmaFile, readFigmaInput, type FigmaInputOptions } from './figma-input.ts';
import { writeFilesInside } from './output.ts';
import type { Stage } from './progress.ts';
import type { ThinkReport } from '../think/think.ts';

export interface ConvertFileResult {
  input: string;
  outDir: string;
  stack: ConvertOptions['stack'];
  mode: NonNullable<ConvertOptions['mode']>;
  /** Paths written, relative to outDir. */
  files: string[];
  entry: string;
  scores: Scores;
  /** What the pixel scores compare the render with: the design's picture, or (a Figma file without its PNG) the IR's own render. */
  measuredAgainst: MeasuredAgainst;
  /** What the input's conversion could not keep as it was (e.g. a Figma image fill without its bytes). */
  warnings: string[];
  checks: CodeChecks;
  timings: Partial<Record<Stage, number>> & { total: number };
  /** Think mode only: the repair rounds, their scores and which one was kept. */
  think?: ThinkReport;
  /** A model server's conversion: where each segment's code came from, requests and tokens. */
  modelServer?: ModelServerReport;
}

export interface ConvertFileOptions extends ConvertOptions {
  /** For a Figma JSON input: the node, its images and its PNG. */
  figma?: FigmaInputOptions;
}

/** A design image is perceived; a Figma JSON file is converted from its exact values. */
async function convertInput(input: string, options: ConvertFileOptions): Promise<{ conversion: Conversion; measuredAgainst: MeasuredAgainst; warnings: string[] }> {
  if (!isFigmaFile(input)) {
    const refusal = options.backend?.kind === 'local' && localModelRefusal(options.stack, options.mode ?? 'fast');
    if (refusal) throw new LoupeError('INVALID_ARGUMENT', `${refusal} With --backend local, use --stack html-css and leave out --mode think.`);
    const serverRefusal = options.backend?.kind === 'openai' && modelServerRefusal(options.stack);
    if (serverRefusal) throw new LoupeError('INVALID_ARGUMENT', `${serverRefusal} Use --stack html-css with --backend openai.`);
    const conversion = await convertImage(await readDesignImage(input), options);
    return { conversion, measuredAgainst: 'design image', warnings: conversion.warnings };
  }
  if (options.mode === 'think') {
    throw new LoupeError('INVALID_ARGUMENT', `${FIGMA_THINK_REFUSED} Leave out --mode think.`);
  }
  if (options.backend) throw new LoupeError('INVALID_ARGUMENT', 'A Figma frame is converted from its exact values, not by a model: leave out --backend.');
  const figma = await readFigmaInput(input, options.figma ?? {});
  const { measuredAgainst, ...conversion } = await convertDesign(figma.design, figma.reference, options);
  return { conversion, measuredAgainst, warnings: figma.warnings };
}

export async function convertFile(input: string, outDir: string, options: ConvertFileOptions): Promise<ConvertFileResult> {
  const started = performance.now();
  const readStarted = performance.now();
  const { conversion, measuredAgainst, warnings } = await convertInput(input, options);
  const readMs = performance.now() - readStarted - sum(conversion.timings);
  options.onProgress?.({ stage: 'write', fraction: 0 });
  const writeStarted = performance.now();
  const files = await writeFilesInside(outDir, outputFiles(conversion, measuredAgainst));
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
    measuredAgainst,
    warnings,
    checks: conversion.checks,
    timings,
    ...(conversion.think && { think: conversion.think }),
    ...(conversion.modelServer && { modelServer: conversion.modelServer }),
  };
}

const sum = (t: Partial<Record<Stage, number>>) => Object.values(t).reduce((a, b) => a + (b ?? 0), 0);

/** A conversion's files: the code, the preview, the pictures, the IR and the scores. */
export function outputFiles(c: Conversion, measuredAgainst: MeasuredAgainst) {
  return [
    ...c.code.files,
    { path: 'preview.html', contents: c.preview },
    { path: 'design.png', contents: c.designPng },
    { path: 'render.png', contents: c.render.png },
    { path: 'diff.png', contents: c.heatmap },
    { path: 'design.ir.json', contents: JSON.stringify(c.design, null, 2) + '\n' },
    { path: 'scores.json', contents: JSON.stringify({ ...c.scores, measuredAgainst, checks: c.checks, ...(c.think && { think: c.think }), ...(c.modelServer && { modelServer: c.modelServer }) }, null, 2) + '\n' },
  ];
}

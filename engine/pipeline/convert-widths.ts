// Two designs of one page at two widths (a desktop and a phone screenshot, or two frames of one
// Figma file) → one codebase: each design's elements are found on their own (perceived from a
// picture, or read exactly from a Figma frame), the two element trees become one
// (codegen/two-widths.ts), and the code is rendered and scored at each design's width against that design.
import type { Design, TextBlock } from '../ir/index.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { decodeDesignImage, encodePng, readDesignImage } from '../ingest/image.ts';
import { perceive } from '../perceive/index.ts';
import { buildPreview, generateTwoWidths, type TwoWidthsReport } from '../codegen/index.ts';
import { comparePixels, scoreBlocks, type CodeChecks } from '../compare/index.ts';
import { LoupeError } from '../errors.ts';
import { generateCode, renderCode } from '../think/attempt.ts';
import type { Conversion, ConvertOptions, Scores } from './convert.ts';
import { irTextBlocks, type MeasuredAgainst } from './convert-design.ts';
import { outputFiles, type ConvertFileResult } from './convert-file.ts';
import { FIGMA_THINK_REFUSED, isFigmaFile, readFigmaInput, type FigmaInput, type FigmaInputOptions } from './figma-input.ts';
import { writeFilesInside } from './output.ts';
import { StageRunner } from './timer.ts';

/** The code at the narrower design's width, scored against that design (and that design as perception read it). */
export type AtNarrowWidth = Pick<Conversion, 'design' | 'designPng' | 'render' | 'renderBlocks' | 'heatmap' | 'scores' | 'checks' | 'textBlocks'> & { width: number };

export interface TwoWidthsConversion extends Conversion {
  narrow: AtNarrowWidth;
  merge: TwoWidthsReport;
}

export interface TwoWidthsOptions extends ConvertOptions {
  /** The narrow design's true text blocks where known (a benchmark page's DOM at that width). */
  narrowReferenceBlocks?: TextBlock[];
}

/** One of the two designs as the merge and the scores take it: its elements, its picture (PNG) and its text. */
interface WidthDesign {
  design: Design;
  picture: DecodedImage;
  png: Buffer;
  textBlocks: TextBlock[];
}

function checkTwoWidths(wide: { width: number }, narrow: { width: number }, options: ConvertOptions): void {
  if (options.backend || options.mode === 'think') throw new LoupeError('INVALID_ARGUMENT', "Two designs of one page are converted by perception in fast mode (two frames of a Figma file, from their exact values): leave out --backend and --mode think.");
  if (narrow.width >= wide.width) throw new LoupeError('INVALID_ARGUMENT', `The second design (${narrow.width} px wide) must be narrower than the first (${wide.width} px): one page at two widths is a desktop design and a narrower phone design of it.`);
}

/** Converts `wide` and `narrow`, two design images of one page, into one codebase; the wider is the page's base. */
export async function convertTwoWidths(wide: DecodedImage, narrow: DecodedImage, options: TwoWidthsOptions): Promise<TwoWidthsConversion> {
  checkTwoWidths(wide, narrow, options);
  const stages = new StageRunner(options.signal, options.onProgress);
  const [widePng, narrowPng] = await stages.run('ingest', () => Promise.all([encodePng(wide), encodePng(narrow)]));
  const perceived = await stages.run('perceive', async (report) => {
    const first = await perceive(wide, { signal: options.signal, onProgress: (f) => report(f / 2) });
    const second = await perceive(narrow, { signal: options.signal, onProgress: (f) => report(0.5 + f / 2) });
    return { wide: first, narrow: second };
  });
  return mergeAndScore(
    { design: perceived.wide.design, picture: wide, png: widePng, textBlocks: perceived.wide.textBlocks },
    { design: perceived.narrow.design, picture: narrow, png: narrowPng, textBlocks: perceived.narrow.textBlocks },
    options,
    stages,
  );
}

/**
 * Converts two frames of one Figma file, `wide` and `narrow`, from their exact values into one
 * codebase. Each is scored against Figma's picture of it where given, else against the render of
 * its own IR converted alone (then SSIM says only how far the merge moved it).
 */
export async function convertTwoFigmaFrames(wide: FigmaInput, narrow: FigmaInput, options: TwoWidthsOptions): Promise<TwoWidthsConversion & { measuredAgainst: MeasuredAgainst }> {
  checkTwoWidths(wide.design.viewport, narrow.design.viewport, options);
  const stages = new StageRunner(options.signal, options.onProgress);
  const [first, second] = await stages.run('ingest', () => Promise.all([wide, narrow].map((frame) => frameDesign(frame, options))));
  const measuredAgainst = wide.reference && narrow.reference ? 'design image' : 'IR render';
  return { ...(await mergeAndScore(first!, second!, options, stages)), measuredAgainst };
}

async function frameDesign({ design, reference }: FigmaInput, options: ConvertOptions): Promise<WidthDesign> {
  const picture = reference ?? (await decodeDesignImage((await renderCode(options.pool, (await generateCode(design, options.stack)).preview, design.viewport, options.signal)).render.png, 'render of the design IR'));
  return { design, picture, png: await encodePng(picture), textBlocks: irTextBlocks(design) };
}

async function mergeAndScore(wide: WidthDesign, narrow: WidthDesign, options: TwoWidthsOptions, stages: StageRunner): Promise<TwoWidthsConversion> {
  const code = await stages.run('generate', () => generateTwoWidths(wide.design, narrow.design, options.stack));
  const preview = await buildPreview(code);
  const [atWide, atNarrow] = await stages.run('render', () => Promise.all([renderCode(options.pool, preview, wide.picture), renderCode(options.pool, preview, narrow.picture)]));
  const [widePixels, narrowPixels] = await stages.run('compare', () => Promise.all([comparePixels(wide.png, atWide.render.png), comparePixels(narrow.png, atNarrow.render.png)]));
  const wideBlocks = scoreBlocks(options.referenceBlocks ?? wide.textBlocks, atWide.blocks, wide.picture, atWide.render);
  const narrowBlocks = scoreBlocks(options.narrowReferenceBlocks ?? narrow.textBlocks, atNarrow.blocks, narrow.picture, atNarrow.render);
  const { merge, ...generated } = code;
  return {
    design: wide.design,
    code: generated,
    preview,
    designPng: wide.png,
    render: atWide.render,
    renderBlocks: atWide.blocks,
    heatmap: widePixels.heatmap,
    scores: { ssim: widePixels.ssim, mismatch: widePixels.mismatchRatio, ...wideBlocks.scores },
    checks: atWide.checks,
    textBlocks: wide.textBlocks,
    timings: stages.timings,
    warnings: [],
    fellBack: false,
    narrow: {
      width: narrow.picture.width,
      design: narrow.design,
      designPng: narrow.png,
      render: atNarrow.render,
      renderBlocks: atNarrow.blocks,
      heatmap: narrowPixels.heatmap,
      scores: { ssim: narrowPixels.ssim, mismatch: narrowPixels.mismatchRatio, ...narrowBlocks.scores },
      checks: atNarrow.checks,
      textBlocks: narrow.textBlocks,
    },
    merge,
  };
}

/** Two designs of one page given in either order: the wider is the page's base. `swapped`: the second was the wider. */
export async function convertEitherOrder(first: DecodedImage, second: DecodedImage, options: TwoWidthsOptions): Promise<{ conversion: TwoWidthsConversion; swapped: boolean }> {
  const swapped = second.width > first.width;
  return { conversion: await convertTwoWidths(swapped ? second : first, swapped ? first : second, options), swapped };
}

export interface TwoWidthsFileResult extends ConvertFileResult {
  /** The second design: its file (and for Figma input, its frame), its width and the code's scores there. */
  also: { input: string; node?: string; width: number; scores: Scores; checks: CodeChecks };
  merge: TwoWidthsReport;
}

/** The second design of the page: another design image, or another frame of the Figma input (and Figma's PNG of it). */
export type SecondDesign = { file: string } | { node: string; png?: string };

export interface TwoWidthsFileOptions extends TwoWidthsOptions {
  /** For Figma input: the first frame, its images and its PNG. */
  figma?: FigmaInputOptions;
}

/**
 * The CLI's conversion of two designs of one page into outDir, whichever is given first: two design
 * images, or two frames of one Figma file. It writes the code, and for each design its picture, the
 * render at its width, the diff and the scores.
 */
export async function convertTwoWidthsFile(input: string, second: SecondDesign, outDir: string, options: TwoWidthsFileOptions): Promise<TwoWidthsFileResult> {
  const started = performance.now();
  const { conversion: c, swapped, measuredAgainst, warnings } = 'node' in second ? await convertFigmaFrames(input, second, options) : await convertImageFiles(input, second.file, options);
  options.onProgress?.({ stage: 'write', fraction: 0 });
  const writeStarted = performance.now();
  const n = c.narrow;
  const files = await writeFilesInside(outDir, [
    ...outputFiles(c, measuredAgainst).filter((f) => f.path !== 'scores.json'),
    { path: 'narrow-design.png', contents: n.designPng },
    { path: 'narrow-render.png', contents: n.render.png },
    { path: 'narrow-diff.png', contents: n.heatmap },
    { path: 'narrow-design.ir.json', contents: JSON.stringify(n.design, null, 2) + '\n' },
    { path: 'scores.json', contents: JSON.stringify({ ...c.scores, measuredAgainst, checks: c.checks, narrow: { width: n.width, ...n.scores, checks: n.checks }, merge: c.merge }, null, 2) + '\n' },
  ]);
  options.onProgress?.({ stage: 'write', fraction: 1 });
  const [first, other] = 'node' in second ? [{ input, node: options.figma?.nodeId }, { input, node: second.node }] : [{ input }, { input: second.file }];
  return {
    input: (swapped ? other : first).input,
    outDir,
    stack: options.stack,
    mode: 'fast',
    files,
    entry: c.code.entry,
    scores: c.scores,
    measuredAgainst,
    warnings,
    checks: c.checks,
    timings: { ...c.timings, write: Math.round(performance.now() - writeStarted), total: Math.round(performance.now() - started) },
    also: { ...(swapped ? first : other), width: n.width, scores: n.scores, checks: n.checks },
    merge: c.merge,
  };
}

type EitherOrder = { conversion: TwoWidthsConversion; swapped: boolean; measuredAgainst: MeasuredAgainst; warnings: string[] };

async function convertImageFiles(input: string, also: string, options: TwoWidthsOptions): Promise<EitherOrder> {
  if ([input, also].some(isFigmaFile)) throw new LoupeError('INVALID_ARGUMENT', 'Two frames of a Figma file are given as its JSON file and --node and --also-node, not --also; --also takes a second design image (PNG, JPEG, WebP).');
  const [first, second] = await Promise.all([readDesignImage(input), readDesignImage(also)]);
  const { conversion, swapped } = await convertEitherOrder(first, second, options);
  return { conversion, swapped, measuredAgainst: 'design image', warnings: conversion.warnings };
}

async function convertFigmaFrames(input: string, also: { node: string; png?: string }, options: TwoWidthsFileOptions): Promise<EitherOrder> {
  if (!isFigmaFile(input)) throw new LoupeError('INVALID_ARGUMENT', `--also-node names a second frame of a Figma JSON file; ${input} is not one. For a second design image, use --also.`);
  if (options.mode === 'think') throw new LoupeError('INVALID_ARGUMENT', `${FIGMA_THINK_REFUSED} Leave out --mode think.`);
  const figma = options.figma ?? {};
  const first = await readFigmaInput(input, figma);
  const second = await readFigmaInput(input, { ...figma, nodeId: also.node, png: also.png });
  const swapped = second.design.viewport.width > first.design.viewport.width;
  const { measuredAgainst, ...conversion } = await convertTwoFigmaFrames(swapped ? second : first, swapped ? first : second, options);
  return { conversion, swapped, measuredAgainst, warnings: [...new Set([...first.warnings, ...second.warnings])] };
}

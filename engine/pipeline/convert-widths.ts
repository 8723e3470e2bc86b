// Two designs of one page at two widths (a desktop and a phone screenshot) → one codebase:
// each design is perceived on its own, the two element trees become one (codegen/two-widths.ts),
// and the code is rendered and scored at each design's width against that design.
import type { TextBlock } from '../ir/index.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { encodePng, readDesignImage } from '../ingest/image.ts';
import { perceive } from '../perceive/index.ts';
import { buildPreview, generateTwoWidths, type TwoWidthsReport } from '../codegen/index.ts';
import { comparePixels, scoreBlocks, type CodeChecks } from '../compare/index.ts';
import { LoupeError } from '../errors.ts';
import { renderCode } from '../think/attempt.ts';
import type { Conversion, ConvertOptions, Scores } from './convert.ts';
import { outputFiles, type ConvertFileResult } from './convert-file.ts';
import { isFigmaFile } from './figma-input.ts';
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

/** Converts `wide` and `narrow`, two designs of one page, into one codebase; the wider is the page's base. */
export async function convertTwoWidths(wide: DecodedImage, narrow: DecodedImage, options: TwoWidthsOptions): Promise<TwoWidthsConversion> {
  if (options.backend || options.mode === 'think') throw new LoupeError('INVALID_ARGUMENT', 'Two designs of one page are converted by perception in fast mode: leave out --backend and --mode think.');
  if (narrow.width >= wide.width) throw new LoupeError('INVALID_ARGUMENT', `The second design (${narrow.width} px wide) must be narrower than the first (${wide.width} px): one page at two widths is a desktop design and a narrower phone design of it.`);
  const stages = new StageRunner(options.signal, options.onProgress);
  const [widePng, narrowPng] = await stages.run('ingest', () => Promise.all([encodePng(wide), encodePng(narrow)]));
  const perceived = await stages.run('perceive', async (report) => {
    const first = await perceive(wide, { signal: options.signal, onProgress: (f) => report(f / 2) });
    const second = await perceive(narrow, { signal: options.signal, onProgress: (f) => report(0.5 + f / 2) });
    return { wide: first, narrow: second };
  });
  const code = await stages.run('generate', () => generateTwoWidths(perceived.wide.design, perceived.narrow.design, options.stack));
  const preview = await buildPreview(code);
  const [atWide, atNarrow] = await stages.run('render', () => Promise.all([renderCode(options.pool, preview, wide), renderCode(options.pool, preview, narrow)]));
  const [widePixels, narrowPixels] = await stages.run('compare', () => Promise.all([comparePixels(widePng, atWide.render.png), comparePixels(narrowPng, atNarrow.render.png)]));
  const wideBlocks = scoreBlocks(options.referenceBlocks ?? perceived.wide.textBlocks, atWide.blocks, wide, atWide.render);
  const narrowBlocks = scoreBlocks(options.narrowReferenceBlocks ?? perceived.narrow.textBlocks, atNarrow.blocks, narrow, atNarrow.render);
  const { merge, ...generated } = code;
  return {
    design: perceived.wide.design,
    code: generated,
    preview,
    designPng: widePng,
    render: atWide.render,
    renderBlocks: atWide.blocks,
    heatmap: widePixels.heatmap,
    scores: { ssim: widePixels.ssim, mismatch: widePixels.mismatchRatio, ...wideBlocks.scores },
    checks: atWide.checks,
    textBlocks: perceived.wide.textBlocks,
    timings: stages.timings,
    warnings: [],
    fellBack: false,
    narrow: {
      width: narrow.width,
      design: perceived.narrow.design,
      designPng: narrowPng,
      render: atNarrow.render,
      renderBlocks: atNarrow.blocks,
      heatmap: narrowPixels.heatmap,
      scores: { ssim: narrowPixels.ssim, mismatch: narrowPixels.mismatchRatio, ...narrowBlocks.scores },
      checks: atNarrow.checks,
      textBlocks: perceived.narrow.textBlocks,
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
  /** The second design: its file, its width and the code's scores there. */
  also: { input: string; width: number; scores: Scores; checks: CodeChecks };
  merge: TwoWidthsReport;
}

/**
 * The CLI's and the app's conversion of two design images of one page into outDir: the code, and
 * for each design its picture, the render at its width, the diff and the scores.
 */
export async function convertTwoWidthsFile(input: string, also: string, outDir: string, options: TwoWidthsOptions): Promise<TwoWidthsFileResult> {
  const started = performance.now();
  if ([input, also].some(isFigmaFile)) throw new LoupeError('INVALID_ARGUMENT', 'Two designs of one page are read from design images (PNG, JPEG, WebP); convert a Figma frame on its own.');
  const [first, second] = await Promise.all([readDesignImage(input), readDesignImage(also)]);
  const { conversion: c, swapped } = await convertEitherOrder(first, second, options);
  options.onProgress?.({ stage: 'write', fraction: 0 });
  const writeStarted = performance.now();
  const n = c.narrow;
  const files = await writeFilesInside(outDir, [
    ...outputFiles(c, 'design image').filter((f) => f.path !== 'scores.json'),
    { path: 'narrow-design.png', contents: n.designPng },
    { path: 'narrow-render.png', contents: n.render.png },
    { path: 'narrow-diff.png', contents: n.heatmap },
    { path: 'narrow-design.ir.json', contents: JSON.stringify(n.design, null, 2) + '\n' },
    { path: 'scores.json', contents: JSON.stringify({ ...c.scores, measuredAgainst: 'design image', checks: c.checks, narrow: { width: n.width, ...n.scores, checks: n.checks }, merge: c.merge }, null, 2) + '\n' },
  ]);
  options.onProgress?.({ stage: 'write', fraction: 1 });
  return {
    input: swapped ? also : input,
    outDir,
    stack: options.stack,
    mode: 'fast',
    files,
    entry: c.code.entry,
    scores: c.scores,
    measuredAgainst: 'design image',
    warnings: c.warnings,
    checks: c.checks,
    timings: { ...c.timings, write: Math.round(performance.now() - writeStarted), total: Math.round(performance.now() - started) },
    also: { input: swapped ? input : also, width: n.width, scores: n.scores, checks: n.checks },
    merge: c.merge,
  };
}

// One conversion: design image → IR → code → rendered preview → scores.
import type { Design, TextBlock } from '../ir/index.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { encodePng } from '../ingest/image.ts';
import { perceive } from '../perceive/index.ts';
import { generate, buildPreview, type GeneratedCode, type Stack } from '../codegen/index.ts';
import { checkCode, comparePixels, extractTextBlocks, scoreBlocks, type CodeChecks } from '../compare/index.ts';
import type { RenderPool, Screenshot } from '../render/pool.ts';
import { StageRunner } from './timer.ts';
import type { ProgressListener, Stage } from './progress.ts';

export interface ConvertOptions {
  stack: Stack;
  pool: RenderPool;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Text blocks of the true design where they are known (e.g. from reference HTML); otherwise perception's are used. */
  referenceBlocks?: TextBlock[];
}

export interface Scores {
  ssim: number;
  /** Share of pixels that differ beyond pixelmatch's threshold. */
  mismatch: number;
  block: number;
  text: number;
  position: number;
  color: number;
}

export interface Conversion {
  design: Design;
  code: GeneratedCode;
  /** The self-contained HTML that was rendered and scored. */
  preview: string;
  designPng: Buffer;
  render: Screenshot;
  heatmap: Buffer;
  scores: Scores;
  /** What the rendered code is made of: picture coverage and absolute positioning. */
  checks: CodeChecks;
  timings: Partial<Record<Stage, number>>;
}

export async function convertImage(image: DecodedImage, options: ConvertOptions): Promise<Conversion> {
  const stages = new StageRunner(options.signal, options.onProgress);
  const designPng = await stages.run('ingest', () => encodePng(image));
  const perception = await stages.run('perceive', (report) => perceive(image, { signal: options.signal, onProgress: report }));
  const { code, preview } = await stages.run('generate', async () => {
    const generated = await generate(perception.design, options.stack);
    return { code: generated, preview: await buildPreview(generated) };
  });
  let renderedBlocks: TextBlock[] = [];
  let checks: CodeChecks | undefined;
  const render = await stages.run('render', () =>
    options.pool.screenshot(preview, { width: image.width, height: Math.min(image.height, 1080) }, {
      inspect: async (page) => {
        renderedBlocks = await extractTextBlocks(page);
        checks = await checkCode(page);
      },
    }),
  );
  const { scores, heatmap } = await stages.run('compare', async () => {
    const pixels = await comparePixels(designPng, render.png);
    const blocks = scoreBlocks(options.referenceBlocks ?? perception.textBlocks, renderedBlocks, image, render);
    return {
      heatmap: pixels.heatmap,
      scores: { ssim: pixels.ssim, mismatch: pixels.mismatchRatio, ...blocks.scores },
    };
  });
  return { design: perception.design, code, preview, designPng, render, heatmap, scores, checks: checks!, timings: stages.timings };
}

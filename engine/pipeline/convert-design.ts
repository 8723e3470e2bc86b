// A conversion that starts from a Design IR someone else made exactly (a Figma frame): no
// perception, so the IR's own text blocks are what the render's are scored against. The
// pixels are compared with the design's picture when there is one, else with the render of
// the IR itself (then SSIM says only that the render is stable, and `measuredAgainst` says so).
import type { Design, DesignNode, TextBlock } from '../ir/index.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { decodeDesignImage, encodePng } from '../ingest/image.ts';
import { comparePixels, scoreBlocks } from '../compare/index.ts';
import { generateCode, renderCode } from '../think/attempt.ts';
import type { Conversion, ConvertOptions } from './convert.ts';
import { StageRunner } from './timer.ts';

/** What the scores compare the render with. */
export type MeasuredAgainst = 'design image' | 'IR render';

function* textNodes(n: DesignNode): Generator<Extract<DesignNode, { type: 'text' }>> {
  if (n.type === 'text') yield n;
  if (n.type === 'frame') for (const c of n.children) yield* textNodes(c);
}

/** The design's text blocks as the IR states them: exact text, box and colour. */
export const irTextBlocks = (design: Design): TextBlock[] =>
  [...textNodes(design.root)].filter((t) => t.text.trim()).map((t) => ({ text: t.text, box: t.box, color: t.style.color }));

export async function convertDesign(
  design: Design,
  reference: DecodedImage | undefined,
  options: ConvertOptions,
): Promise<Conversion & { measuredAgainst: MeasuredAgainst }> {
  const stages = new StageRunner(options.signal, options.onProgress);
  const generated = await stages.run('generate', () => generateCode(design, options.stack));
  const rendered = await stages.run('render', () => renderCode(options.pool, generated.preview, reference ?? design.viewport, options.signal));
  const picture = reference ?? (await decodeDesignImage(rendered.render.png, 'render of the design IR'));
  const designPng = await stages.run('ingest', () => encodePng(picture));
  const pixels = await stages.run('compare', () => comparePixels(designPng, rendered.render.png));
  const textBlocks = irTextBlocks(design);
  // Where the true design's text is known apart from the IR (a benchmark page's DOM), the render is scored against that.
  const blocks = scoreBlocks(options.referenceBlocks ?? textBlocks, rendered.blocks, design.viewport, rendered.render);
  return {
    ...generated,
    ...rendered,
    renderBlocks: rendered.blocks,
    designPng,
    heatmap: pixels.heatmap,
    scores: { ssim: pixels.ssim, mismatch: pixels.mismatchRatio, ...blocks.scores },
    textBlocks,
    timings: stages.timings,
    warnings: [],
    fellBack: false,
    measuredAgainst: reference ? 'design image' : 'IR render',
  };
}

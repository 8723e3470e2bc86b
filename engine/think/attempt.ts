// One candidate of a conversion: an IR turned into code, the code rendered, the render read
// back (text blocks, code checks) and compared pixel by pixel with the design. Fast mode makes
// one; think mode makes one per round.
import type { Design, TextBlock } from '../ir/index.ts';
import { generate, buildPreview, type GeneratedCode, type Stack } from '../codegen/index.ts';
import { checkCode, comparePixels, extractTextBlocks, type CodeChecks, type PixelComparison } from '../compare/index.ts';
import type { RenderPool, Screenshot } from '../render/pool.ts';

export interface Generated {
  design: Design;
  code: GeneratedCode;
  /** The self-contained HTML that is rendered and scored. */
  preview: string;
}

export interface Rendered {
  render: Screenshot;
  /** The render's text blocks, read from its DOM. */
  blocks: TextBlock[];
  checks: CodeChecks;
}

export type Attempt = Generated & Rendered & { pixels: PixelComparison };

export async function generateCode(design: Design, stack: Stack): Promise<Generated> {
  const code = await generate(design, stack);
  return { design, code, preview: await buildPreview(code) };
}

/** Renders at the design's width; the first screen is the design's height, at most 1080 px (full page beyond). `signal` cancels the render. */
export async function renderCode(pool: RenderPool, preview: string, size: { width: number; height: number }, signal?: AbortSignal): Promise<Rendered> {
  let blocks: TextBlock[] = [];
  let checks: CodeChecks | undefined;
  const render = await pool.screenshot(preview, { width: size.width, height: Math.min(size.height, 1080) }, {
    inspect: async (page) => {
      blocks = await extractTextBlocks(page);
      checks = await checkCode(page);
    },
    signal,
  });
  return { render, blocks, checks: checks! };
}

/** The whole candidate in one go: what each think round does. `signal` cancels its render. */
export async function makeAttempt(design: Design, stack: Stack, pool: RenderPool, designPng: Buffer, size: { width: number; height: number }, signal?: AbortSignal): Promise<Attempt> {
  const generated = await generateCode(design, stack);
  const rendered = await renderCode(pool, generated.preview, size, signal);
  return { ...generated, ...rendered, pixels: await comparePixels(designPng, rendered.render.png) };
}

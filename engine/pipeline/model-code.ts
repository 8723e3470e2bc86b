// Code written by a vision-language model instead of generated from the IR: the local MoE engine
// is shown the design and asked for one HTML file. What it writes is used only if it is usable
// code (an HTML document with content, nothing loaded from the network); otherwise the
// conversion falls back to the IR's code and says why, so a weak or broken model never leaves
// the user without a result.
import { LoupeError } from '../errors.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Design } from '../ir/index.ts';
import { EngineClient } from '../moe/runtime/engine-client.ts';
import type { EngineOptions } from '../moe/runtime/engine.ts';
import { pageFromAnswer, type PageAnswer } from '../model-server/answer.ts';
import { pagePrompt } from '../model-server/prompts.ts';

export interface LocalBackend {
  kind: 'local';
  /** A model package (loupe models create-test / convert). */
  modelDir: string;
  /** The most tokens the model may write (default 4096). */
  maxTokens?: number;
  engine?: EngineOptions;
}

export type ModelCodeResult = PageAnswer & { text: string };

/**
 * Asks the local model for the design's code; the model's own words when it is not usable.
 * `onProgress` gets the share of the token limit written so far.
 */
export async function localModelCode(image: DecodedImage, design: Design, backend: LocalBackend, signal?: AbortSignal, onProgress?: (fraction: number) => void): Promise<ModelCodeResult> {
  const client = await EngineClient.open(backend.modelDir, backend.engine);
  try {
    // A cancel that came while the model was loading ends the job now: the engine would first look
    // at it after the prefill (the image encoded, the whole prompt run).
    if (signal?.aborted) throw new LoupeError('CANCELLED', `${image.name}: cancelled.`);
    const maxTokens = backend.maxTokens ?? 4096;
    let pieces = 0;
    const { result } = await client.generate(
      {
        messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: pagePrompt(design) }] }],
        images: [{ rgba: new Uint8Array(image.rgba), width: image.width, height: image.height }],
        maxTokens,
      },
      () => onProgress?.(Math.min(1, ++pieces / maxTokens)),
      signal,
    );
    if (result.stoppedBy === 'cancelled') throw new LoupeError('CANCELLED', `${image.name}: cancelled.`);
    return { ...pageFromAnswer(result.text), text: result.text };
  } finally {
    await client.close();
  }
}

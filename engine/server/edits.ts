// Hand edits of a finished conversion: the edited text files replace the generated ones, the
// preview is rebuilt (fast: no browser), and on request rendered and scored against the design.
import { buildPreview, type GeneratedCode } from '../codegen/index.ts';
import { comparePixels, scoreBlocks } from '../compare/index.ts';
import { renderCode } from '../pipeline/attempt.ts';
import type { RenderPool } from '../render/pool.ts';
import { LoupeError } from '../errors.ts';
import type { EditResult, TextFile } from '../api/contract.ts';
import type { ArtifactStore } from './artifacts.ts';
import type { FinishedJob } from './jobs.ts';

export async function applyEdit(job: FinishedJob, files: TextFile[], score: boolean, pool: RenderPool, artifacts: ArtifactStore): Promise<EditResult> {
  const started = performance.now();
  const { conversion, image } = job;
  const known = new Map(conversion.code.files.map((f) => [f.path, f] as const));
  for (const f of files) {
    if (!known.has(f.path)) throw new LoupeError('INVALID_ARGUMENT', `The code has no file ${f.path}; edit one of the generated files.`);
    if (typeof known.get(f.path)!.contents !== 'string') throw new LoupeError('INVALID_ARGUMENT', `${f.path} is a binary file and cannot be edited as text.`);
  }
  const edited = new Map(files.map((f) => [f.path, f.contents] as const));
  const code: GeneratedCode = { ...conversion.code, files: conversion.code.files.map((f) => ({ path: f.path, contents: edited.get(f.path) ?? f.contents })) };
  const preview = await buildPreview(code);
  const result: EditResult = { preview: artifacts.put(preview, 'text/html', 'html'), ms: 0 };
  if (score) {
    const rendered = await renderCode(pool, preview, image);
    const pixels = await comparePixels(conversion.designPng, rendered.render.png);
    const blocks = scoreBlocks(conversion.textBlocks, rendered.blocks, image, rendered.render);
    result.scored = {
      render: artifacts.put(rendered.render.png, 'image/png', 'png'),
      diff: artifacts.put(pixels.heatmap, 'image/png', 'png'),
      scores: { ssim: pixels.ssim, mismatch: pixels.mismatchRatio, ...blocks.scores },
    };
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}

// How close a candidate's render is to the design, on the whole page or inside one region, by
// the figures a model's code must not make worse: Design2Code's block, position and colour
// scores (perception's text blocks against the render's) and SSIM against the design's pixels.
import sharp from 'sharp';
import { comparePixels, scoreBlocks } from '../compare/index.ts';
import type { Box, TextBlock } from '../ir/index.ts';
import type { Attempt } from '../think/attempt.ts';

export interface Fidelity {
  block: number;
  text: number;
  position: number;
  color: number;
  ssim: number;
}

/** The figures a kept candidate must not lower (text similarity follows from the blocks). */
const FIGURES = ['block', 'position', 'color', 'ssim'] as const;
/** Render noise is smaller than this; a figure that drops by less has not dropped. */
const TOLERANCE = 1e-4;

export interface Reference {
  designPng: Buffer;
  size: { width: number; height: number };
  /** Perception's text blocks of the design. */
  blocks: TextBlock[];
}

/** The whole page's figures. */
export function pageFidelity(attempt: Attempt, reference: Reference): Fidelity {
  const { scores } = scoreBlocks(reference.blocks, attempt.blocks, reference.size, attempt.render);
  return { block: scores.block, text: scores.text, position: scores.position, color: scores.color, ssim: attempt.pixels.ssim };
}

/** The figures inside `box`: the blocks whose centre lies in it, and SSIM of the two crops. */
export async function regionFidelity(attempt: Attempt, reference: Reference, box: Box): Promise<Fidelity> {
  const inside = (b: TextBlock) => b.box.x + b.box.width / 2 >= box.x && b.box.x + b.box.width / 2 <= box.x + box.width && b.box.y + b.box.height / 2 >= box.y && b.box.y + b.box.height / 2 <= box.y + box.height;
  const { scores } = scoreBlocks(reference.blocks.filter(inside), attempt.blocks.filter(inside), reference.size, attempt.render);
  const height = Math.min(reference.size.height, attempt.render.height);
  const [design, render] = await Promise.all([crop(reference.designPng, box, reference.size.width, height), crop(attempt.render.png, box, attempt.render.width, height)]);
  const ssim = design && render ? (await comparePixels(design, render)).ssim : 1;
  return { block: scores.block, text: scores.text, position: scores.position, color: scores.color, ssim };
}

/** Whether `candidate` is at least as close to the design as `base` on every figure. */
export const noWorse = (candidate: Fidelity, base: Fidelity) => FIGURES.every((f) => candidate[f] >= base[f] - TOLERANCE);

/** The figure that dropped most, for the reason a candidate was not kept. */
export function worstDrop(candidate: Fidelity, base: Fidelity): string {
  const f = FIGURES.reduce((worst, f) => (candidate[f] - base[f] < candidate[worst] - base[worst] ? f : worst));
  return `${f} ${base[f].toFixed(3)} → ${candidate[f].toFixed(3)}`;
}

/** A PNG of the part of `png` inside `box`, clamped to width × height; undefined when nothing is left. */
export async function crop(png: Buffer, box: Box, width: number, height: number): Promise<Buffer | undefined> {
  const left = Math.max(0, Math.floor(box.x));
  const top = Math.max(0, Math.floor(box.y));
  const w = Math.min(width, Math.ceil(box.x + box.width)) - left;
  const h = Math.min(height, Math.ceil(box.y + box.height)) - top;
  if (w < 1 || h < 1) return undefined;
  return sharp(png).extract({ left, top, width: w, height: h }).png().toBuffer();
}

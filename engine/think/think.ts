// Think mode: after the first render, compare the render with the design where it matters,
// repair the IR, regenerate, re-render, and go on while the score improves and the time budget
// lasts; the best candidate wins. A round that does not improve is retried once without the
// kind of repair (shape or paint) behind the figure that fell. The score is what a user can compute: perception's text
// blocks against the render's, plus SSIM against the design's pixels; never a reference page.
import sharp from 'sharp';
import type { Box, Design } from '../ir/index.ts';
import type { TextBlock } from '../ir/text-block.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { colorSimilarity, scoreBlocks } from '../compare/index.ts';
import { LoupeError } from '../errors.ts';
import type { Attempt } from './attempt.ts';
import { PAINT_REPAIRS, repairDesign, REPAIR_KINDS, SHAPE_REPAIRS, type RepairCounts, type RepairKind } from './repair.ts';
import { inkPair } from './ink.ts';
import { matchRenderedText, textNodes, type RenderedText } from './text-match.ts';

/** A page's whole conversion in think mode, first pass included, ms. */
export const DEFAULT_THINK_BUDGET_MS = 8000;

/** The figures the loop steers by, each 0–1 (see evaluate()); `score` is their mean. */
export interface ThinkScores {
  block: number;
  text: number;
  position: number;
  color: number;
  ssim: number;
  score: number;
}

export interface ThinkRound {
  /** 0 is the first pass, before any repair. */
  round: number;
  /** The repairs that made this round's IR (none for round 0). */
  repairs: RepairCounts;
  scores: ThinkScores;
  ms: number;
}

export interface ThinkReport {
  rounds: ThinkRound[];
  /** The round whose result was kept. */
  best: number;
  stoppedBy: 'no-gain' | 'budget' | 'nothing-to-repair';
  /** Best minus first, per figure. */
  gain: ThinkScores;
}

export interface ThinkOptions {
  image: DecodedImage;
  /** Perception's text blocks: the design as far as the user knows it. */
  perceived: TextBlock[];
  /** When the rounds must be over (a performance.now() time): no round starts that would end past it. */
  deadline: number;
  /** How long the first pass took to generate, render and compare: the guess for a round's cost. */
  firstRoundMs: number;
  /** Generates, renders and compares a repaired IR. */
  attempt: (design: Design) => Promise<Attempt>;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** A score must rise by more than this to count as better (render noise is smaller). */
const MIN_GAIN = 1e-4;

export async function think(first: Attempt, options: ThinkOptions): Promise<{ best: Attempt; report: ThinkReport }> {
  const started = performance.now();
  const check = () => {
    if (options.signal?.aborted) throw new LoupeError('CANCELLED', 'Cancelled.');
  };
  const targets = new Map(textNodes(first.design.root).map((n) => [n.id, n.box]));
  const none = Object.fromEntries(REPAIR_KINDS.map((k) => [k, 0])) as RepairCounts;
  let current = await evaluate(first, targets, options);
  const rounds: ThinkRound[] = [{ round: 0, repairs: none, scores: current.scores, ms: 0 }];
  let best = current;
  let roundMs = options.firstRoundMs;
  let stoppedBy: ThinkReport['stoppedBy'] = 'budget';
  let kinds: readonly RepairKind[] = REPAIR_KINDS;
  for (;;) {
    check();
    const now = performance.now();
    options.onProgress?.(Math.min(1, (now - started) / Math.max(1, options.deadline - started)));
    if (now + roundMs > options.deadline) break;
    const roundStarted = performance.now();
    const { design, repairs } = repairDesign({
      design: current.attempt.design,
      targets,
      rendered: current.matched,
      designPixels: options.image,
      renderPixels: current.pixels,
      kinds,
    });
    if (REPAIR_KINDS.every((k) => repairs[k] === 0)) {
      stoppedBy = 'nothing-to-repair';
      break;
    }
    const next = await evaluate(await options.attempt(design), targets, options);
    check();
    roundMs = performance.now() - roundStarted;
    rounds.push({ round: rounds.length, repairs, scores: next.scores, ms: Math.round(roundMs) });
    if (next.scores.score > best.scores.score + MIN_GAIN) {
      best = current = next;
      kinds = REPAIR_KINDS;
      continue;
    }
    // A round that lost overall may have won on one side: retry it once without the kind of
    // repair behind the figure that fell.
    const blamed = next.scores.color < best.scores.color ? PAINT_REPAIRS : next.scores.position < best.scores.position ? SHAPE_REPAIRS : undefined;
    if (kinds !== REPAIR_KINDS || !blamed) {
      stoppedBy = 'no-gain';
      break;
    }
    kinds = REPAIR_KINDS.filter((k) => !blamed.includes(k));
  }
  options.onProgress?.(1);
  const bestRound = rounds.findIndex((r) => r.scores === best.scores);
  const gain = Object.fromEntries(
    Object.entries(best.scores).map(([k, v]) => [k, round4(v - rounds[0].scores[k as keyof ThinkScores])]),
  ) as unknown as ThinkScores;
  return { best: best.attempt, report: { rounds, best: bestRound, stoppedBy, gain } };
}

/** An attempt as the loop sees it: scored, with its pixels and its text matched to the IR. */
interface Evaluated {
  attempt: Attempt;
  pixels: DecodedImage;
  matched: RenderedText[];
  scores: ThinkScores;
}

/**
 * Block, text and position: perception's blocks against the render's (Design2Code's scores).
 * Colour: the glyphs' colour in the render against the design's, measured alike on both sides
 * (the render's CSS colours are perception's own guesses, so comparing those would only
 * measure how far a repair moved away from the guess). SSIM: the render against the design.
 */
async function evaluate(attempt: Attempt, targets: ReadonlyMap<string, Box>, options: Pick<ThinkOptions, 'perceived' | 'image'>): Promise<Evaluated> {
  const pixels = await decodeRender(attempt.render.png);
  const matched = matchRenderedText(attempt.design.root, attempt.blocks);
  const { scores } = scoreBlocks(options.perceived, attempt.blocks, options.image, attempt.render);
  const colors: number[] = [];
  for (const m of matched) {
    const target = targets.get(m.node.id);
    const ink = target && inkPair(options.image, target, pixels, m.box);
    if (ink) colors.push(colorSimilarity(ink.design.color, ink.render.color));
  }
  const figures = { ...scores, color: colors.length ? colors.reduce((t, v) => t + v, 0) / colors.length : scores.color, ssim: attempt.pixels.ssim };
  const score = (figures.block + figures.text + figures.position + figures.color + figures.ssim) / 5;
  const rounded = Object.fromEntries(Object.entries({ ...figures, score }).map(([k, v]) => [k, round4(v)])) as unknown as ThinkScores;
  return { attempt, pixels, matched, scores: rounded };
}

async function decodeRender(png: Buffer): Promise<DecodedImage> {
  const { data, info } = await sharp(png).flatten({ background: '#ffffff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { name: 'render.png', width: info.width, height: info.height, rgba: data };
}

const round4 = (v: number) => Math.round(v * 10000) / 10000;

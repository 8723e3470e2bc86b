// Think mode with a model server: the render's difference map, the worst regions and the code go
// back to the model, and its repaired page is kept only if the score rises; rounds go on while
// they gain and the budget lasts.
import sharp from 'sharp';
import { buildPreview, type GeneratedCode } from '../codegen/index.ts';
import { comparePixels } from '../compare/index.ts';
import { LoupeError, isLoupeError } from '../errors.ts';
import type { ChatClient } from '../openai/chat.ts';
import type { RenderPool } from '../render/pool.ts';
import { renderCode, type Attempt } from '../think/attempt.ts';
import type { ThinkReport, ThinkScores } from '../think/think.ts';
import { REPAIR_KINDS, type RepairCounts } from '../think/repair.ts';
import { pageFromAnswer } from './answer.ts';
import { pageFidelity, type Reference } from './fidelity.ts';
import { repairPrompt, type DiffRegion } from './prompts.ts';

export interface ModelRepair {
  client: ChatClient;
  pool: RenderPool;
  reference: Reference;
  /** When the rounds must be over (epoch ms): no round starts after it. */
  deadline: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** A score must rise by more than this to count (render noise is smaller). */
const MIN_GAIN = 1e-4;
/** Regions the model is pointed at, each a cell of this grid over the page. */
const GRID = 6;
const WORST_REGIONS = 3;

export async function repairWithModel(first: Attempt, r: ModelRepair): Promise<{ best: Attempt; report: ThinkReport }> {
  const started = Date.now();
  const none = Object.fromEntries(REPAIR_KINDS.map((k) => [k, 0])) as RepairCounts;
  let best = { attempt: first, scores: scoresOf(first, r.reference) };
  const rounds: ThinkReport['rounds'] = [{ round: 0, repairs: none, scores: best.scores, ms: 0 }];
  let stoppedBy: ThinkReport['stoppedBy'] = 'budget';
  while (Date.now() < r.deadline) {
    r.onProgress?.(Math.min(1, (Date.now() - started) / Math.max(1, r.deadline - started)));
    const roundStarted = Date.now();
    const html = entryHtml(best.attempt.code);
    if (html === undefined) {
      stoppedBy = 'nothing-to-repair';
      break;
    }
    const regions = await worstRegions(best.attempt.pixels.heatmap);
    let answer;
    try {
      answer = await r.client.complete({ text: repairPrompt(html, regions, r.reference.size), images: [r.reference.designPng, best.attempt.pixels.heatmap], maxTokens: 16384 }, { signal: r.signal, deadline: r.deadline });
    } catch (error) {
      if (!isLoupeError(error) || error.code === 'CANCELLED') throw error;
      stoppedBy = 'budget';
      break;
    }
    const page = pageFromAnswer(answer.content);
    if (!('code' in page)) {
      stoppedBy = 'no-gain';
      break;
    }
    const code: GeneratedCode = { ...best.attempt.code, files: best.attempt.code.files.map((f) => (f.path === best.attempt.code.entry ? page.code.files[0]! : f)) };
    if (r.signal?.aborted) throw new LoupeError('CANCELLED', 'Cancelled.');
    const preview = await buildPreview(code);
    const rendered = await renderCode(r.pool, preview, r.reference.size, r.signal);
    const next: Attempt = { design: best.attempt.design, code, preview, ...rendered, pixels: await comparePixels(r.reference.designPng, rendered.render.png) };
    const scores = scoresOf(next, r.reference);
    rounds.push({ round: rounds.length, repairs: none, scores, ms: Date.now() - roundStarted });
    if (scores.score <= best.scores.score + MIN_GAIN) {
      stoppedBy = 'no-gain';
      break;
    }
    best = { attempt: next, scores };
  }
  r.onProgress?.(1);
  const bestRound = rounds.findIndex((round) => round.scores === best.scores);
  const gain = Object.fromEntries(Object.entries(best.scores).map(([k, v]) => [k, v - rounds[0]!.scores[k as keyof ThinkScores]])) as unknown as ThinkScores;
  return { best: best.attempt, report: { rounds, best: bestRound, stoppedBy, gain } };
}

function scoresOf(a: Attempt, reference: Reference): ThinkScores {
  const f = pageFidelity(a, reference);
  return { ...f, score: (f.block + f.text + f.position + f.color + f.ssim) / 5 };
}

/** The page's single HTML file, which the model can rewrite whole; undefined for stacks it cannot. */
const entryHtml = (code: GeneratedCode) => (code.stack === 'html-css' ? String(code.files.find((f) => f.path === code.entry)?.contents ?? '') || undefined : undefined);

/** The grid cells where most pixels differ (pixelmatch draws them red on the heat map). */
async function worstRegions(heatmap: Buffer): Promise<DiffRegion[]> {
  const { data, info } = await sharp(heatmap).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const cw = Math.ceil(info.width / GRID);
  const ch = Math.ceil(info.height / GRID);
  const red = new Array<number>(GRID * GRID).fill(0);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * 3;
      if (data[i]! > 200 && data[i + 1]! < 80 && data[i + 2]! < 80) red[Math.floor(y / ch) * GRID + Math.floor(x / cw)]!++;
    }
  }
  return red
    .map((count, cell) => {
      const x = (cell % GRID) * cw;
      const y = Math.floor(cell / GRID) * ch;
      const width = Math.min(cw, info.width - x);
      const height = Math.min(ch, info.height - y);
      return { x, y, width, height, mismatch: width > 0 && height > 0 ? count / (width * height) : 0 };
    })
    .filter((c) => c.mismatch > 0)
    .sort((a, b) => b.mismatch - a.mismatch)
    .slice(0, WORST_REGIONS);
}

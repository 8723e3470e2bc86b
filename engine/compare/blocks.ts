// Design2Code's low-level visual metrics (Si et al. 2024, "Design2Code: How Far Are We From
// Automating Front-End Engineering?", NoviScl/Design2Code metrics/visual_score.py), over text
// blocks read from two rendered pages.
//
// What the original does, and what this does too:
//  1. Blocks with identical boxes are merged (text joined with a space, colour averaged).
//  2. Blocks are matched one-to-one by text similarity (difflib SequenceMatcher ratio) with the
//     Hungarian algorithm. Before the final matching, the original greedily merges pairs of
//     consecutive blocks on either side when merging improves the matching (difference of means
//     of the changed assignment costs > 0.05), and repeats until nothing changes.
//  3. The final matching adds a context bonus (0.1 × the two best neighbouring similarities in a
//     ±1 window) to every cell above 0.5, then drops matches whose plain ratio is < 0.5.
//  4. Block-Match = Σ areas of matched blocks (both sides) / Σ areas of all blocks (both sides),
//     so unmatched blocks on either side penalise. Text = mean ratio over matches. Position =
//     mean of 1 − max(|Δcx|, |Δcy|) of block centres, each side normalised by its own page size.
//     Color = mean of max(0, 1 − CIEDE2000/100) (sRGB → CIELAB D65, as colormath does).
//
// Strict scores (`merge: false`, not in the original): step 2's merge search is left out (step 1
// stays: blocks with the very same box are one), so each text block can only match one block of
// the other page, and a paragraph cut into one element per line matches with one line while the
// other lines count as unmatched area.
//
// Deviations from the original, and why:
//  - Blocks come from the DOM (see extract.ts), not from the original's OCR-free image pass;
//    colour is the computed CSS colour, not a colour sampled from the screenshot.
//  - No CLIP score and no combined 0.2-weighted final score: the caller weighs the four scores
//    with its own visual scores (SSIM, pixel mismatch).
//  - The merge search only tries a pair of consecutive blocks when the merged block is more
//    similar to some block on the other side than either part is on its own (a merge that does
//    not bring a better counterpart can hardly raise the matching). The original re-runs the
//    Hungarian for every consecutive pair every round, O(n) assignments per round, which is
//    seconds on long pages. Similarities are cached by text pair.
//  - The original crashes (min() of an empty list) when every changed assignment cost cancels out
//    on one side; here an empty side counts as "no best cost" (+∞).
//  - Empty inputs: the original gives 0 for everything when either side has no blocks. Here both
//    sides empty → every score 1 (nothing to get wrong); one side empty → every score 0; blocks on
//    both sides but no match ≥ 0.5 → every score 0 (as the original).
//  - If every block has zero area (cannot happen with extract.ts, which skips them), Block-Match
//    falls back to the share of blocks matched, by count.
import { linearSumAssignment } from 'linear-sum-assignment';
import { differenceCiede2000 } from 'culori';
import { hexToRgb, toHex } from '../ir/color.ts';
import type { TextBlock } from '../ir/text-block.ts';
import { prepareText, quickRatioBound, sequenceRatio, type PreparedText } from './sequence-ratio.ts';

export interface D2CScores {
  /** Block-Match: area of matched blocks over area of all blocks, both pages. */
  block: number;
  /** Mean SequenceMatcher ratio of matched blocks' text. */
  text: number;
  /** Mean 1 − Chebyshev distance of normalised block centres. */
  position: number;
  /** Mean 1 − CIEDE2000/100 of matched blocks' text colours. */
  color: number;
}

export interface BlockMatch {
  /** The reference block (possibly several consecutive blocks merged). */
  reference: TextBlock;
  /** The candidate block (possibly several consecutive blocks merged). */
  candidate: TextBlock;
  textSimilarity: number;
}

export interface PageSize {
  width: number;
  height: number;
}

/** The original's threshold: matches with a lower text ratio are dropped. */
export const MIN_TEXT_SIMILARITY = 0.5;
/** A merge is kept when it improves the changed assignment costs by more than this. */
const MERGE_GAIN = 0.05;
/** Context bonus of the final matching (original: consecutive_bonus=0.1, window_size=1). */
const CONTEXT_BONUS = 0.1;
const CONTEXT_WINDOW = 1;

/** A block in the matcher: the page box in CSS px plus a float colour, as merging averages it. */
interface Block {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
  rgb: [number, number, number];
}

/**
 * Design2Code's Block-Match, Text, Position and Color scores between the reference page's text
 * blocks and the candidate's. Boxes are CSS px; each side is normalised by its own page size.
 * `merge: false` gives the strict scores (see the header): no block merged with its neighbours.
 */
export function scoreBlocks(
  reference: TextBlock[],
  candidate: TextBlock[],
  referenceSize: PageSize,
  candidateSize: PageSize,
  options: { merge?: boolean } = {},
): { scores: D2CScores; matches: BlockMatch[] } {
  checkSize(referenceSize, 'referenceSize');
  checkSize(candidateSize, 'candidateSize');
  if (reference.length === 0 && candidate.length === 0) return { scores: uniform(1), matches: [] };
  if (reference.length === 0 || candidate.length === 0) return { scores: uniform(0), matches: [] };

  const sim = new Similarity();
  // The original's orientation: A (rows) is the prediction, B (columns) the original.
  const [cand, ref] = (options.merge === false ? keepBlocks : findPossibleMerge)(
    mergeByBox(candidate.map(toBlock)),
    mergeByBox(reference.map(toBlock)),
    sim,
  );
  const pairs = finalMatching(cand, ref, sim);

  const area = (b: Block, size: PageSize) => (b.width / size.width) * (b.height / size.height);
  const matches: BlockMatch[] = [];
  const textScores: number[] = [];
  const positionScores: number[] = [];
  const colorScores: number[] = [];
  let matchedArea = 0;
  const matchedCand = new Set<number>();
  const matchedRef = new Set<number>();
  for (const [i, j] of pairs) {
    const c = cand[i];
    const r = ref[j];
    const ratio = sim.ratio(c.text, r.text);
    if (ratio < MIN_TEXT_SIMILARITY) continue;
    matchedCand.add(i);
    matchedRef.add(j);
    matchedArea += area(c, candidateSize) + area(r, referenceSize);
    textScores.push(ratio);
    const dx = Math.abs((c.x + c.width / 2) / candidateSize.width - (r.x + r.width / 2) / referenceSize.width);
    const dy = Math.abs((c.y + c.height / 2) / candidateSize.height - (r.y + r.height / 2) / referenceSize.height);
    positionScores.push(clamp01(1 - Math.max(dx, dy)));
    colorScores.push(colorSimilarity(c.rgb, r.rgb));
    matches.push({ reference: toTextBlock(r), candidate: toTextBlock(c), textSimilarity: ratio });
  }
  if (matches.length === 0) return { scores: uniform(0), matches };

  let unmatchedArea = 0;
  cand.forEach((b, i) => (unmatchedArea += matchedCand.has(i) ? 0 : area(b, candidateSize)));
  ref.forEach((b, j) => (unmatchedArea += matchedRef.has(j) ? 0 : area(b, referenceSize)));
  const totalArea = matchedArea + unmatchedArea;
  const block = totalArea > 0 ? matchedArea / totalArea : (2 * matches.length) / (cand.length + ref.length);

  return {
    scores: { block, text: mean(textScores), position: mean(positionScores), color: mean(colorScores) },
    matches,
  };
}

/** max(0, 1 − ΔE00/100) between two sRGB colours given as 0–255 channels. */
export function colorSimilarity(a: readonly number[], b: readonly number[]): number {
  const de = ciede2000(
    { mode: 'rgb', r: a[0] / 255, g: a[1] / 255, b: a[2] / 255 },
    { mode: 'rgb', r: b[0] / 255, g: b[1] / 255, b: b[2] / 255 },
  );
  return Math.max(0, 1 - de / 100);
}

/** Python's difflib.SequenceMatcher(None, a, b).ratio() (defaults: autojunk on), exactly. */
export function textSimilarity(a: string, b: string): number {
  return sequenceRatio(a, b);
}

const ciede2000 = differenceCiede2000();

/** Ratios cached by text pair (the merge search asks for the same pairs again and again). */
class Similarity {
  private readonly cache = new Map<string, number>();
  private readonly prepared = new Map<string, PreparedText>();
  ratio(a: string, b: string): number {
    const key = `${a}\u0000${b}`;
    let r = this.cache.get(key);
    if (r === undefined) {
      r = sequenceRatio(this.prepare(a), this.prepare(b));
      this.cache.set(key, r);
    }
    return r;
  }
  /** The ratio of an uncached text (a trial merge) against a block's text. */
  ratioOf(a: PreparedText, b: string): number {
    return sequenceRatio(a, this.prepare(b));
  }
  /** Whether `a` is more similar than `floor` to any of `texts`; bounds first, exact ratios only where needed. */
  beatsAny(a: PreparedText, texts: string[], floor: number): boolean {
    for (const t of texts) {
      const b = this.prepare(t);
      const n = a.points.length + b.points.length;
      if (n > 0 && (2 * Math.min(a.points.length, b.points.length)) / n <= floor) continue;
      if (quickRatioBound(a, b) <= floor) continue;
      if (sequenceRatio(a, b) > floor) return true;
    }
    return false;
  }
  private prepare(text: string): PreparedText {
    let p = this.prepared.get(text);
    if (!p) this.prepared.set(text, (p = prepareText(text)));
    return p;
  }
  matrix(rows: Block[], cols: Block[]): number[][] {
    return rows.map((r) => cols.map((c) => this.ratio(r.text, c.text)));
  }
}

interface Assignment {
  pairs: Array<[number, number]>;
  /** The assigned cells' costs (negated, possibly context-adjusted similarities), row order. */
  costs: number[];
}

/** Hungarian assignment maximising similarity; rectangular: min(n, m) pairs. */
function assign(similarity: number[][], bonus: number, window: number): Assignment {
  const n = similarity.length;
  const m = n > 0 ? similarity[0].length : 0;
  if (n === 0 || m === 0) return { pairs: [], costs: [] };
  const cost = adjustForContext(similarity, bonus, window).map((row) => row.map((s) => -s));
  const { rowAssignments } = linearSumAssignment(cost, { maximaze: false });
  const pairs: Array<[number, number]> = [];
  const costs: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = rowAssignments[i];
    if (j >= 0) {
      pairs.push([i, j]);
      costs.push(cost[i][j]);
    }
  }
  return { pairs, costs };
}

/**
 * The original's adjust_cost_for_context: every cell with similarity > 0.5 gains
 * bonus × (sum of the 2·window highest other similarities in its (2·window+1)² neighbourhood).
 */
function adjustForContext(similarity: number[][], bonus: number, window: number): number[][] {
  if (bonus === 0 || window <= 0) return similarity;
  const n = similarity.length;
  const m = similarity[0].length;
  return similarity.map((row, i) =>
    row.map((s, j) => {
      if (s <= 0.5) return s;
      const near: number[] = [];
      for (let a = Math.max(0, i - window); a < Math.min(n, i + window + 1); a++)
        for (let b = Math.max(0, j - window); b < Math.min(m, j + window + 1); b++) if (a !== i || b !== j) near.push(similarity[a][b]);
      near.sort((p, q) => q - p);
      return s + bonus * near.slice(0, 2 * window).reduce((t, v) => t + v, 0);
    }),
  );
}

/**
 * The original's difference_of_means over two lists of assignment costs: drop the costs both
 * share (as multisets), compare the means of what is left; a positive result (the update is
 * cheaper) only counts when the update's best remaining cost beats the current one's.
 */
function differenceOfMeans(current: number[], updated: number[]): number {
  const counts = new Map<number, number>();
  for (const c of current) counts.set(c, (counts.get(c) ?? 0) + 1);
  const onlyUpdated: number[] = [];
  for (const u of updated) {
    const k = counts.get(u) ?? 0;
    if (k > 0) counts.set(u, k - 1);
    else onlyUpdated.push(u);
  }
  const onlyCurrent: number[] = [];
  for (const [c, k] of counts) for (let t = 0; t < k; t++) onlyCurrent.push(c);
  const d = mean0(onlyCurrent) - mean0(onlyUpdated);
  if (d > 0) return min(onlyCurrent) > min(onlyUpdated) ? d : 0;
  return d;
}

/**
 * The original's find_possible_merge, up to its final matching: greedily merge consecutive blocks
 * on either side while that improves the matching. `a` is rows (candidate), `b` columns.
 */
function findPossibleMerge(a: Block[], b: Block[], sim: Similarity): [Block[], Block[]] {
  for (;;) {
    const mergedA = mergeSide(a, b, sim, false);
    if (mergedA) a = mergedA;
    const mergedB = mergeSide(b, a, sim, true);
    if (mergedB) b = mergedB;
    if (!mergedA && !mergedB) break;
  }
  return [a, b];
}

/** The strict scores' stand-in for the merge search: the blocks as they are. */
const keepBlocks = (a: Block[], b: Block[]): [Block[], Block[]] => [a, b];

/** The original's final matching: one to one, with the context bonus. `a` is rows (candidate), `b` columns. */
function finalMatching(a: Block[], b: Block[], sim: Similarity): Array<[number, number]> {
  return assign(sim.matrix(a, b), CONTEXT_BONUS, CONTEXT_WINDOW).pairs;
}

/**
 * One side's merge round: tries each consecutive pair of `side` against `other`, and merges the
 * pairs that improve the matching, best first, never reusing a block. Returns the new list, or
 * undefined when nothing merged. `transposed` says `side` is the columns (reference) side.
 */
function mergeSide(side: Block[], other: Block[], sim: Similarity, transposed: boolean): Block[] | undefined {
  if (side.length < 2) return undefined;
  const base = sim.matrix(side, other); // side × other
  const orient = (mat: number[][]) => (transposed ? transpose(mat, other.length) : mat);
  const current = assign(orient(base), 0, 0).costs;
  const bestOf = base.map(max0);
  const otherTexts = other.map((o) => o.text);
  const candidates: Array<[number, number, number]> = [];
  for (let i = 0; i < side.length - 1; i++) {
    const merged = prepareText(`${side[i].text} ${side[i + 1].text}`);
    // Pruning (a deviation, see the header): a merge must bring a better counterpart.
    if (!sim.beatsAny(merged, otherTexts, Math.max(bestOf[i], bestOf[i + 1]))) continue;
    const row = other.map((o) => sim.ratioOf(merged, o.text));
    const mat = [...base.slice(0, i), row, ...base.slice(i + 2)];
    const diff = differenceOfMeans(current, assign(orient(mat), 0, 0).costs);
    if (diff > MERGE_GAIN) candidates.push([i, i + 1, diff]);
  }
  if (candidates.length === 0) return undefined;
  candidates.sort((p, q) => q[2] - p[2]); // stable, like Python's sort
  return mergeByList(side, candidates);
}

/** The original's merge_blocks_by_list: merge pairs best first, skipping pairs that touch a merged block. */
function mergeByList(blocks: Block[], list: Array<[number, number, number]>): Block[] {
  const out = blocks.slice();
  const dropped = new Set<number>();
  let pending = list;
  while (pending.length > 0) {
    const [i, j] = pending[0];
    out[i] = mergeBlocks(out[i], out[j]);
    dropped.add(j);
    pending = pending.slice(1).filter(([p, q]) => p !== i && q !== i && p !== j && q !== j);
  }
  return out.filter((_, k) => !dropped.has(k));
}

/** The original's merge_blocks_wo_check: texts joined by a space, union box, colour averaged (floored). */
function mergeBlocks(p: Block, q: Block): Block {
  const x = Math.min(p.x, q.x);
  const y = Math.min(p.y, q.y);
  return {
    text: `${p.text} ${q.text}`,
    x,
    y,
    width: Math.max(p.x + p.width, q.x + q.width) - x,
    height: Math.max(p.y + p.height, q.y + q.height) - y,
    rgb: [Math.floor((p.rgb[0] + q.rgb[0]) / 2), Math.floor((p.rgb[1] + q.rgb[1]) / 2), Math.floor((p.rgb[2] + q.rgb[2]) / 2)],
  };
}

/** The original's merge_blocks_by_bbox: blocks with exactly the same box become one. */
function mergeByBox(blocks: Block[]): Block[] {
  const byBox = new Map<string, Block>();
  for (const b of blocks) {
    const key = `${b.x},${b.y},${b.width},${b.height}`;
    const seen = byBox.get(key);
    if (seen) {
      seen.text += ` ${b.text}`;
      seen.rgb = [(seen.rgb[0] + b.rgb[0]) / 2, (seen.rgb[1] + b.rgb[1]) / 2, (seen.rgb[2] + b.rgb[2]) / 2];
    } else byBox.set(key, { ...b, rgb: [...b.rgb] });
  }
  return [...byBox.values()];
}

function toBlock(t: TextBlock): Block {
  return { text: t.text, x: t.box.x, y: t.box.y, width: t.box.width, height: t.box.height, rgb: hexToRgb(t.color) };
}

function toTextBlock(b: Block): TextBlock {
  return { text: b.text, box: { x: b.x, y: b.y, width: b.width, height: b.height }, color: toHex(b.rgb) };
}

function transpose(mat: number[][], cols: number): number[][] {
  return Array.from({ length: cols }, (_, j) => mat.map((row) => row[j]));
}

function checkSize(size: PageSize, name: string): void {
  if (!(size.width > 0 && size.height > 0 && Number.isFinite(size.width) && Number.isFinite(size.height)))
    throw new RangeError(`${name} must have a positive width and height, got ${size.width}×${size.height}`);
}

const uniform = (v: number): D2CScores => ({ block: v, text: v, position: v, color: v });
const mean = (xs: number[]) => xs.reduce((t, v) => t + v, 0) / xs.length;
const mean0 = (xs: number[]) => (xs.length ? mean(xs) : 0);
const min = (xs: number[]) => xs.reduce((t, v) => Math.min(t, v), Infinity);
const max0 = (xs: number[]) => xs.reduce((t, v) => Math.max(t, v), 0);
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

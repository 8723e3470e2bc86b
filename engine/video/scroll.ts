// How far the page scrolled between two frames. Scrolling moves the content between a fixed
// header and footer (either may be absent) up or down as one block, so the shift is the one
// that makes the frames' rows agree: searched coarsely on a 16-value signature of each row,
// then to the pixel on the full rows.
import { rowDifference, type Luma } from './frame-analysis.ts';

const SIGNATURE = 16;
/** Mean luminance difference of a row below which it counts as unchanged. */
const ROW_STILL = 2;
/** The frames must share at least this share of the scrolling band to be called a scroll. */
const MIN_OVERLAP = 0.25;
/**
 * Share of the frame's rows that the changed rows must span (from the first to the last) for a
 * scroll to be looked for: a cursor or a highlight changes a short run of rows, a scroll changes
 * rows all down the page, even when it moves only a pixel or two as it eases out.
 */
const MIN_BAND = 0.25;
/** Mean row difference under which two runs of rows show the same content (video noise stays well below it). */
export const ROWS_AGREE = 4;

export interface Alignment {
  /** The content moved up by dy pixels (the page scrolled down by dy); 0 when it did not scroll. */
  dy: number;
  /** Rows at the top and the bottom of the frame that stayed put (a fixed header or footer). */
  staticTop: number;
  staticBottom: number;
}

/** Each row's luminance averaged into SIGNATURE column bands. */
function rowSignatures(l: Luma): Float32Array {
  const out = new Float32Array(l.rows * SIGNATURE);
  const per = l.cols / SIGNATURE;
  for (let y = 0; y < l.rows; y++) {
    for (let s = 0; s < SIGNATURE; s++) {
      const c0 = Math.floor(s * per);
      const c1 = Math.max(c0 + 1, Math.floor((s + 1) * per));
      let sum = 0;
      for (let c = c0; c < c1; c++) sum += l.data[y * l.cols + c]!;
      out[y * SIGNATURE + s] = sum / (c1 - c0);
    }
  }
  return out;
}

/** A frame's luminance, and its row signatures, worked out only when a scroll is looked for. */
export class AnalysedFrame {
  private rowSignatures?: Float32Array;

  constructor(readonly luma: Luma) {}

  get signatures(): Float32Array {
    return (this.rowSignatures ??= rowSignatures(this.luma));
  }
}

/** A luminance sample (4 px wide) that moves by more than this has changed: codec noise on a still picture stays far below. */
const SAMPLE_CHANGED = 24;

/**
 * Whether two frames show the same picture (a paused recording, a page being read): every 4th
 * row checked sample by sample, so that even the cursor's 20 px tip moving counts as a change.
 */
export function samePicture(a: Luma, b: Luma): boolean {
  for (let y = 0; y < b.rows; y += 4) {
    const row = y * b.cols;
    for (let c = 0; c < b.cols; c++) if (Math.abs(a.data[row + c]! - b.data[row + c]!) > SAMPLE_CHANGED) return false;
  }
  return true;
}

/**
 * The mean of `diff(r, r + shift)` over rows r in [from, to), every `step`th, keeping those whose
 * partner row r + shift lies in [lo, hi) and whose `diff` is a number (NaN leaves a row out);
 * and how many rows that was. Every search below (frame against frame, frame against page) is
 * this, over row signatures or over whole rows.
 */
function shiftedCost(diff: (r: number, partner: number) => number, from: number, to: number, shift: number, lo: number, hi: number, step = 1): { cost: number; rows: number } {
  let sum = 0;
  let rows = 0;
  for (let r = Math.max(from, lo - shift); r < Math.min(to, hi - shift); r += step) {
    const d = diff(r, r + shift);
    if (Number.isNaN(d)) continue;
    sum += d;
    rows++;
  }
  return { cost: rows ? sum / rows : Infinity, rows };
}

/** Mean difference of row `ra` of signatures `a` and row `rb` of `b`. */
function signatureDifference(a: Float32Array, ra: number, b: Float32Array, rb: number): number {
  let sum = 0;
  for (let s = 0; s < SIGNATURE; s++) sum += Math.abs(a[ra * SIGNATURE + s]! - b[rb * SIGNATURE + s]!);
  return sum / SIGNATURE;
}

export function alignFrames(prev: AnalysedFrame, cur: AnalysedFrame): Alignment {
  const rows = cur.luma.rows;
  // Each row against the same row before: what standing still would cost, row by row.
  const stay = Float64Array.from({ length: rows }, (_, y) => rowDifference(cur.luma, y, prev.luma, y));
  const still = (y: number) => stay[y]! <= ROW_STILL;
  let staticTop = 0;
  while (staticTop < rows && still(staticTop)) staticTop++;
  if (staticTop === rows) return { dy: 0, staticTop: rows, staticBottom: 0 };
  let staticBottom = 0;
  while (staticBottom < rows - staticTop && still(rows - 1 - staticBottom)) staticBottom++;
  const top = staticTop;
  const bottom = rows - staticBottom;
  const band = bottom - top;
  const maxShift = Math.floor(band * (1 - MIN_OVERLAP));
  if (maxShift < 1 || band < rows * MIN_BAND) return { dy: 0, staticTop, staticBottom };

  const rowsCost = (dy: number) => shiftedCost((r, p) => rowDifference(cur.luma, r, prev.luma, p), top, bottom, dy, top, bottom);
  // Coarse: every shift, every 4th row, on signatures; keep the three best for the fine pass.
  const best: Array<{ dy: number; cost: number }> = [];
  for (let dy = -maxShift; dy <= maxShift; dy++) {
    if (dy === 0) continue;
    const { cost } = shiftedCost((r, p) => signatureDifference(cur.signatures, r, prev.signatures, p), top, bottom, dy, top, bottom, 4);
    best.push({ dy, cost });
  }
  best.sort((a, b) => a.cost - b.cost);
  let found = { dy: 0, cost: Infinity };
  for (const { dy } of best.slice(0, 3)) {
    for (let d = dy - 3; d <= dy + 3; d++) {
      if (d === 0 || Math.abs(d) > maxShift) continue;
      const { cost } = rowsCost(d);
      if (cost < found.cost) found = { dy: d, cost };
    }
  }
  // A shift is believed only when it explains the band better than standing still does, and
  // far better on the rows that changed (uniform areas match at any shift; a new screen matches
  // at none). Judged on all rows alone, a page of look-alike rows (a table) makes standing still
  // look nearly as good as the true shift.
  const changedCost = (dy: number) => shiftedCost((r, p) => (still(r) ? NaN : rowDifference(cur.luma, r, prev.luma, p)), top, bottom, dy, top, bottom).cost;
  const stayCost = shiftedCost((r) => stay[r]!, top, bottom, 0, top, bottom).cost;
  const changedStayCost = shiftedCost((r) => (still(r) ? NaN : stay[r]!), top, bottom, 0, top, bottom).cost;
  const believed = found.cost < ROWS_AGREE && found.cost < stayCost && changedCost(found.dy) < changedStayCost * 0.5;
  return { dy: believed ? found.dy : 0, staticTop, staticBottom };
}

/**
 * Where `frame` sits in a taller `page` (a stitched screen): the offset, among 0…maxY, at which
 * the frame's rows from `top` down agree best with the page's, and how well (mean row difference).
 */
export function offsetInPage(page: AnalysedFrame, frame: AnalysedFrame, maxY: number, top: number): { y: number; cost: number } {
  const rows = frame.luma.rows;
  const coarse = Array.from({ length: maxY + 1 }, (_, y) => ({
    y,
    cost: shiftedCost((r, p) => signatureDifference(frame.signatures, r, page.signatures, p), top, rows, y, 0, page.luma.rows, 4).cost,
  }))
    .sort((a, b) => a.cost - b.cost)
    .slice(0, 3);
  let best = { y: 0, cost: Infinity };
  for (const c of coarse) {
    for (let y = Math.max(0, c.y - 3); y <= Math.min(maxY, c.y + 3); y++) {
      const { cost } = shiftedCost((r, p) => rowDifference(frame.luma, r, page.luma, p), top, rows, y, 0, page.luma.rows);
      if (cost < best.cost) best = { y, cost };
    }
  }
  return best;
}

/**
 * The scroll offset near `guess` at which the frame's scrolling rows [top, bottom) agree best
 * with the page painted so far (`page` holds the page's rows from `pageFrom` down). Each shift
 * between two compressed frames can be a pixel out; lining every frame up with the page itself
 * keeps those errors from adding up down a long page. `guess` when too little of the frame
 * overlaps what is painted, or nothing agrees.
 */
export function offsetNear(page: Luma, pageFrom: number, frame: Luma, guess: number, top: number, bottom: number, reach = 6): number {
  let best = { y: guess, cost: Infinity };
  for (let y = Math.max(0, guess - reach); y <= guess + reach; y++) {
    const { cost, rows } = shiftedCost((r, p) => rowDifference(frame, r, page, p), top, bottom, y - pageFrom, 0, page.rows);
    if (rows >= (bottom - top) * MIN_OVERLAP && cost < best.cost) best = { y, cost };
  }
  return best.cost < ROWS_AGREE ? best.y : guess;
}

// difflib.SequenceMatcher(None, a, b).ratio() from Python's standard library, for strings,
// reimplemented for speed (the block matcher computes it for every pair of blocks, and again for
// every candidate merge). Same algorithm and result as Python: elements are Unicode code points;
// with b of 200+ elements, elements occurring more than 1% of len(b) + 1 times are "popular" and
// do not seed matches (autojunk); there is no junk function. ratio = 2·M / (len(a) + len(b)),
// M = total size of the matching blocks found by recursive longest-match splitting.

/** Python's SequenceMatcher(None, a, b).ratio(); 1 for two empty strings. */
export function sequenceRatio(a: string | PreparedText, b: string | PreparedText): number {
  const pa = typeof a === 'string' ? prepareText(a) : a;
  const pb = typeof b === 'string' ? prepareText(b) : b;
  if (pa.text === pb.text) return 1;
  const total = pa.points.length + pb.points.length;
  if (total === 0) return 1;
  return (2 * matchingSize(pa.points, pb)) / total;
}

/** A string split into code points, with its b2j index: prepare once, compare many times. */
export interface PreparedText {
  readonly text: string;
  readonly points: Int32Array;
  /** Positions of each (non-popular) element, ascending. */
  readonly b2j: ReadonlyMap<number, readonly number[]>;
  /** How often each element occurs (popular ones included). */
  readonly counts: ReadonlyMap<number, number>;
}

/**
 * Python's quick_ratio(): an upper bound of the ratio from the elements both strings share,
 * ignoring order. Cheap next to the ratio itself.
 */
export function quickRatioBound(a: PreparedText, b: PreparedText): number {
  const total = a.points.length + b.points.length;
  if (total === 0) return 1;
  if (2 * Math.min(a.points.length, b.points.length) <= 0) return 0;
  let shared = 0;
  for (const [elt, n] of a.counts) shared += Math.min(n, b.counts.get(elt) ?? 0);
  return (2 * shared) / total;
}

export function prepareText(text: string): PreparedText {
  const points = codePoints(text);
  const lb = points.length;
  const b2j = new Map<number, number[]>();
  for (let j = 0; j < lb; j++) {
    const list = b2j.get(points[j]);
    if (list) list.push(j);
    else b2j.set(points[j], [j]);
  }
  const counts = new Map<number, number>();
  for (const [elt, list] of b2j) counts.set(elt, list.length);
  if (lb >= 200) {
    const ntest = Math.floor(lb / 100) + 1;
    for (const [elt, list] of b2j) if (list.length > ntest) b2j.delete(elt);
  }
  return { text, points, b2j, counts };
}

function codePoints(s: string): Int32Array {
  const out = new Int32Array(s.length);
  let n = 0;
  for (const ch of s) out[n++] = ch.codePointAt(0)!;
  return n === s.length ? out : out.subarray(0, n);
}

// j2len as two arrays indexed by j + 1, shared between calls; every touched entry is reset to 0
// before a call returns.
let prev = new Int32Array(256);
let next = new Int32Array(256);
let prevTouched: number[] = [];
let nextTouched: number[] = [];

// The current problem, set by matchingSize for longest(), which writes its result to best*.
let A: Int32Array = new Int32Array(0);
let B: Int32Array = new Int32Array(0);
let B2J: ReadonlyMap<number, readonly number[]> = new Map();
let besti = 0;
let bestj = 0;
let bestsize = 0;

function matchingSize(a: Int32Array, pb: PreparedText): number {
  A = a;
  B = pb.points;
  B2J = pb.b2j;
  const lb = B.length;
  if (prev.length < lb + 1) {
    prev = new Int32Array(2 * (lb + 1));
    next = new Int32Array(2 * (lb + 1));
  }
  let matched = 0;
  // The recursion of get_matching_blocks, as a stack of (alo, ahi, blo, bhi).
  const stack: number[] = [0, a.length, 0, lb];
  while (stack.length > 0) {
    const bhi = stack.pop()!;
    const blo = stack.pop()!;
    const ahi = stack.pop()!;
    const alo = stack.pop()!;
    longest(alo, ahi, blo, bhi);
    const i = besti;
    const j = bestj;
    const k = bestsize;
    if (k === 0) continue;
    matched += k;
    if (alo < i && blo < j) stack.push(alo, i, blo, j);
    if (i + k < ahi && j + k < bhi) stack.push(i + k, ahi, j + k, bhi);
  }
  return matched;
}

/** find_longest_match(alo, ahi, blo, bhi) without junk; the result goes to besti, bestj, bestsize. */
function longest(alo: number, ahi: number, blo: number, bhi: number): void {
  const a = A;
  const b = B;
  besti = alo;
  bestj = blo;
  bestsize = 0;
  for (let i = alo; i < ahi; i++) {
    const js = B2J.get(a[i]);
    if (js) {
      for (let x = 0; x < js.length; x++) {
        const j = js[x];
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = prev[j] + 1; // prev[j] holds j2len[j − 1]
        next[j + 1] = k;
        nextTouched.push(j + 1);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
    }
    for (let t = 0; t < prevTouched.length; t++) prev[prevTouched[t]] = 0;
    prevTouched.length = 0;
    const p = prev;
    prev = next;
    next = p;
    const pt = prevTouched;
    prevTouched = nextTouched;
    nextTouched = pt;
  }
  for (let t = 0; t < prevTouched.length; t++) prev[prevTouched[t]] = 0;
  prevTouched.length = 0;
  // Extend over equal elements the b2j pass could not see (popular ones); no junk here.
  while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
    besti--;
    bestj--;
    bestsize++;
  }
  while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
}

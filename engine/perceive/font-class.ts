// Font class (sans, serif, mono) from the glyph pixels of a paragraph's lines. Monospace
// glyphs sit in equal cells, so a grid at the text's pitch falls in the gaps between them;
// serif stems end in feet that reach out on both sides, and serif faces draw their
// horizontals thinner than their stems. Each line votes; a paragraph leaves sans only on a
// clear majority, since most pages are set in sans and a wrong face costs more than a missed one.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { median } from '../stats.ts';
import type { FaceClass } from './font-metrics.ts';
import type { Rgb } from '../ir/color.ts';
import { dist, type IntRect } from './pixels.ts';

export interface GlyphLine {
  ink: IntRect;
  background: Rgb;
  color: Rgb;
  /** median stem width, px */
  stroke: number;
  text: string;
}

/** Coverage 0..1 of text colour over the background, row-major over the ink box. */
interface Coverage {
  w: number;
  h: number;
  at: (x: number, y: number) => number;
}

function coverage(img: DecodedImage, l: GlyphLine): Coverage {
  const { x0, y0, x1, y1 } = l.ink;
  const w = x1 - x0, h = y1 - y0;
  const contrast = Math.max(1, dist(l.color, l.background));
  const cov = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = ((y + y0) * img.width + x + x0) * 4;
      cov[y * w + x] = Math.min(1, dist([img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]], l.background) / contrast);
    }
  return { w, h, at: (x, y) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : cov[y * w + x]) };
}

/**
 * How well a grid of equal cells fits the gaps between glyphs: the ink on the cell
 * boundaries over the line's mean ink per column, at the best pitch near ink width over the
 * character count, and the best phase. Monospace text scores near 0, proportional text
 * stays well above. Also returns that pitch, px.
 */
function cellFit(c: Coverage, chars: number): { score: number; pitch: number } {
  const col = new Float64Array(c.w);
  let total = 0;
  for (let x = 0; x < c.w; x++) {
    for (let y = 0; y < c.h; y++) col[x] += c.at(x, y);
    total += col[x];
  }
  const mean = total / Math.max(1, c.w);
  const sample = (x: number) => {
    const a = Math.floor(x), f = x - a;
    return (a >= 0 && a < c.w ? col[a] * (1 - f) : 0) + (a + 1 >= 0 && a + 1 < c.w ? col[a + 1] * f : 0);
  };
  // The first and last glyphs' side bearings make the ink a little narrower than the cells.
  const estimate = c.w / Math.max(1, chars - 0.15);
  let best = { score: Infinity, pitch: estimate };
  for (let k = -8; k <= 8; k++) {
    const pitch = estimate * (1 + k / 100);
    for (let phase = 0; phase < pitch; phase += 0.25) {
      let sum = 0, n = 0;
      for (let x = phase; x < c.w; x += pitch) {
        sum += sample(x);
        n++;
      }
      const score = sum / Math.max(1, n) / Math.max(1e-6, mean);
      if (score < best.score) best = { score, pitch };
    }
  }
  return best;
}

/** Rows of the x-height band: where most of the line's ink lies (below it only descenders, above it ascenders and capitals). */
function xBand(c: Coverage): { top: number; base: number } {
  const rows = Array.from({ length: c.h }, (_, y) => {
    let s = 0;
    for (let x = 0; x < c.w; x++) s += c.at(x, y);
    return s;
  });
  const max = Math.max(...rows);
  const inked = rows.flatMap((s, y) => (s >= 0.35 * max ? [y] : []));
  return { top: inked[0] ?? 0, base: inked[inked.length - 1] ?? c.h - 1 };
}

/**
 * Share of the stems crossing the middle of the x-height band whose foot reaches out on both
 * sides beyond the stem (a serif). Round letters and joins reach out on one side at most; a
 * sans 'a' is the rare stem that reaches both ways.
 */
function footedShare(c: Coverage, stroke: number): { stems: number; share: number } {
  const { top, base } = xBand(c);
  if (base - top < 4) return { stems: 0, share: 0 };
  const mid = Math.round((top + base) / 2);
  const reach = Math.max(2, Math.round(1.2 * stroke));
  const foot = (x: number) => Math.max(c.at(x, base), c.at(x, base - 1)) - c.at(x, mid);
  const gain = (from: number, to: number) => {
    let s = 0;
    for (let x = from; x <= to; x++) s += Math.max(0, foot(x));
    return s;
  };
  let stems = 0, footed = 0;
  for (let x = 0; x < c.w; x++) {
    if (c.at(x, mid) < 0.5) continue;
    let end = x;
    while (end + 1 < c.w && c.at(end + 1, mid) >= 0.5) end++;
    const a = x;
    x = end;
    // Wider than a stem: a bar or a bowl's bottom, not a stem.
    if (end - a + 1 > 2.5 * stroke + 1) continue;
    const centre = (a + end) >> 1;
    let straight = true;
    for (let y = mid; y <= base - 1 && straight; y++) straight = Math.max(c.at(centre, y), c.at(a, y), c.at(end, y)) >= 0.4;
    if (!straight) continue;
    stems++;
    if (gain(a - reach, a - 1) >= 0.5 && gain(end + 1, end + reach) >= 0.5) footed++;
  }
  return { stems, share: stems ? footed / stems : 0 };
}

/**
 * Thickness of the horizontal strokes over the stems' width: the median coverage-weighted
 * vertical run across the x-height band (most columns cross bars and bowls, few run down a
 * stem), over the stem width. ~1 for sans, ~0.5 for high-contrast serifs.
 */
function strokeContrast(c: Coverage, stroke: number): number {
  const { top, base } = xBand(c);
  const runs: number[] = [];
  for (let x = 0; x < c.w; x++) {
    let run = 0;
    for (let y = top; y <= base + 1; y++) {
      const v = y <= base ? c.at(x, y) : 0;
      if (v >= 0.15) run += v;
      else if (run) {
        runs.push(run);
        run = 0;
      }
    }
  }
  return runs.length ? median(runs) / Math.max(0.5, stroke) : 1;
}

/** Least characters (and letters among them) a line needs to show its cells: fewer fit a grid by chance. */
const CELL_CHARS = 20;
const CELL_LETTERS = 12;
/** Boundary ink over mean column ink under which the glyphs sit in equal cells (monospace ~0.05–0.3, proportional 0.4 and up). */
const MONO_CELLS = 0.3;
/** Least stems for the feet to say anything; a line with fewer than SURE_STEMS needs more of them footed. */
const SERIF_STEMS = 10;
const SURE_STEMS = 20;
/**
 * Serif evidence: the footed share, raised by stroke contrast below sans's ~0.8 (and lowered
 * above it). Sans lines stay under ~0.4; serif ones from ~16 px up score 0.45 and more.
 */
const SERIF_SCORE = 0.45;
const SHORT_SERIF_SCORE = 0.6;
const CONTRAST_WEIGHT = 2;
const SANS_CONTRAST = 0.8;
/** Stem width over ink height from which type is too heavy for its contrast to tell: bold sans bars measure thin against merged stems. */
const HEAVY = 0.2;
/** Share of the voting characters a class needs to replace sans. */
const MAJORITY = 0.6;

/** One line's vote, weighed by its characters; undefined when the line is too short to tell. */
function lineVote(img: DecodedImage, l: GlyphLine): FaceClass | undefined {
  const chars = [...l.text].length;
  const letters = l.text.replace(/[^\p{L}]/gu, '').length;
  // Tabular digits are monospaced in sans faces too: only letters show monospace.
  const cells = chars >= CELL_CHARS && letters >= CELL_LETTERS;
  const c = coverage(img, l);
  // Recognisers set code's punctuation apart with spaces it does not have: the count without them is tried too.
  const tight = [...l.text.replace(/\s+(?=[^\p{L}\p{N}\s])|(?<=[^\p{L}\p{N}\s])\s+/gu, '')].length;
  if (cells && Math.min(cellFit(c, chars).score, cellFit(c, tight).score) < MONO_CELLS) return 'mono';
  const { stems, share } = footedShare(c, l.stroke);
  if (stems < SERIF_STEMS) return cells ? 'sans' : undefined;
  const contrast = l.stroke < HEAVY * c.h ? strokeContrast(c, l.stroke) : SANS_CONTRAST;
  const score = share + CONTRAST_WEIGHT * (SANS_CONTRAST - contrast);
  return score >= (stems >= SURE_STEMS ? SERIF_SCORE : SHORT_SERIF_SCORE) ? 'serif' : 'sans';
}

/** The paragraph's class: serif or mono on a clear majority of its telling lines' characters, sans otherwise. */
export function fontClass(img: DecodedImage, lines: GlyphLine[]): FaceClass {
  const weight: Record<FaceClass, number> = { sans: 0, serif: 0, mono: 0 };
  for (const l of lines) {
    const vote = lineVote(img, l);
    if (vote) weight[vote] += l.text.length;
  }
  const total = weight.sans + weight.serif + weight.mono;
  if (total === 0) return 'sans';
  if (weight.mono >= MAJORITY * total) return 'mono';
  return weight.serif >= MAJORITY * total ? 'serif' : 'sans';
}

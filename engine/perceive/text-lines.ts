// From detector boxes to text lines: the local background around each box, the box cut into
// runs (at column gaps, colour changes, tinted chips), each run's ink (tight box), text colour,
// stem width, slant and underline. The words are read in read-lines.ts.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { median, percentile } from '../stats.ts';
import type { PixelBox } from './text-detect.ts';
import type { Rgb } from '../ir/color.ts';
import { clampRect, dist, dominantColour, rectPixels, ringPixels, type IntRect } from './pixels.ts';

export interface TextLine {
  /** tight box around the ink, image px */
  ink: IntRect;
  /** detector box, clamped */
  det: IntRect;
  background: Rgb;
  color: Rgb;
  /** median stem width, px (see stemWidth) */
  stroke: number;
  /** a line drawn under the whole run */
  underline: boolean;
  /** horizontal shift per row up that makes the glyphs' stems upright: ~0 roman, ~0.1–0.25 italic */
  slant: number;
  text: string;
  confidence: number;
  /** The words as read, left to right, with the image columns each spans. */
  words: ReadWord[];
  /** A sentence's pieces in inks of their own (a link inside it), left to right; absent when the line is in one ink. */
  runs?: InkRun[];
}

export interface InkRun {
  text: string;
  color: Rgb;
  underline: boolean;
  /** Bold words in a line that is regular otherwise (emphasis.ts). */
  bold?: boolean;
  /** Italic words in a line that is upright otherwise (emphasis.ts). */
  italic?: boolean;
}

/** The line's pieces in their inks: its runs, or the line itself when it is in one ink. */
export const inkRuns = (l: TextLine): InkRun[] => l.runs ?? [{ text: l.text, color: l.color, underline: l.underline }];

export interface ReadWord { text: string; x0: number; x1: number }

/** Minimum colour distance for a pixel to count as ink against the local background. */
export const INK = 40;
/** Share of the farthest ink distance from the background that makes a pixel part of the glyph core. */
const CORE = 0.92;
/** Share of a run's width an underline covers (a row of glyph ink never comes close). */
const UNDERLINE_COVER = 0.92;
/** Word gap, in ink-band heights: letters of a word sit closer than this. */
const WORD_GAP = 0.25;
/** Least column gap, in ink-band heights: wider than a word space. */
const COLUMN_GAP = 0.8;
/** Colour distance between neighbouring words, beyond anti-aliasing, that makes them separate runs (a link in a sentence). */
const RUN_COLOUR = 48;

export type MeasuredLine = Omit<TextLine, 'text' | 'confidence' | 'words' | 'runs'>;

/**
 * Measures one detected box: background, ink band, and the line's runs. The detector may join
 * text that is set apart on the page (two columns, a label and its link), so the box is cut
 * where the gap between words is wider than any word space, or where the ink colour changes.
 */
export function measureLines(img: DecodedImage, b: PixelBox): MeasuredLine[] {
  const det = clampRect(img, b.x, b.y, b.x + b.width, b.y + b.height);
  if (det.x1 - det.x0 < 2 || det.y1 - det.y0 < 2) return [];
  const { color: background } = dominantColour(img, ringPixels(img, det, 1));
  const band = inkBand(img, det, background);
  if (!band) return [];
  const h = band.y1 - band.y0;
  const { words, letterGap } = inkWords(img, { ...det, ...band }, background, Math.max(2, Math.round(WORD_GAP * h)));
  // A column gap is wider than the line's own word spaces (justified text stretches them all,
  // letter-spaced text widens them too). The word space is the lower quartile of the gaps, not
  // their median: in a row of links (a nav, a footer's menu) most gaps are the gaps between
  // items, and the few word spaces inside items are what sets them apart.
  const gaps = words.slice(1).map((w, k) => w.x0 - words[k].x1);
  const columnGap = Math.max(COLUMN_GAP * h + letterGap, gaps.length >= 3 ? 2 * percentile(gaps, 25) : 0);
  const runs: Array<{ x0: number; x1: number; background: Rgb }> = [];
  let prev: { x1: number; color: Rgb; chip: boolean } | undefined;
  for (const w of words) {
    // A word on its own tinted chip is read against the chip (its ink is what differs from it).
    const inside = { x0: w.x0 + 1, x1: w.x1 - 1, y0: band.y0 + 1, y1: band.y1 - 1 };
    if (w.chip) {
      runs.push({ ...inside, background: dominantColour(img, rectPixels(img, inside)).color });
      prev = { x1: w.x1, color: background, chip: true };
      continue;
    }
    const color = inkColour(img, { x0: w.x0, x1: w.x1, ...band }, background);
    const apart = !prev || prev.chip || w.x0 - prev.x1 > columnGap || (color && !sameInk(color, prev.color, background));
    if (apart) runs.push({ x0: w.x0, x1: w.x1, background });
    else runs[runs.length - 1].x1 = w.x1;
    prev = { x1: w.x1, color: color ?? prev?.color ?? background, chip: false };
  }
  const out: MeasuredLine[] = [];
  for (const [k, r] of runs.entries()) {
    // Each run keeps the detector's margin, but never reaches into its neighbours.
    const x0 = k === 0 ? det.x0 : Math.max(det.x0, Math.ceil((runs[k - 1].x1 + r.x0) / 2));
    const x1 = k === runs.length - 1 ? det.x1 : Math.min(det.x1, Math.floor((r.x1 + runs[k + 1].x0) / 2));
    const chip = r.background !== background;
    const m = measureRun(img, { x0: r.x0, x1: r.x1, y0: band.y0 + (chip ? 1 : 0), y1: band.y1 - (chip ? 1 : 0) }, r.background);
    if (m) out.push({ ...m, det: chip ? { x0: r.x0, x1: r.x1, y0: det.y0, y1: det.y1 } : { x0, x1, y0: det.y0, y1: det.y1 }, background: r.background });
  }
  return out;
}

/**
 * Whether two words' core colours are one ink: thin strokes never reach their full colour, so
 * their core is the colour blended towards the background. One colour counts as the other when
 * it lies near the line from the background to the other.
 */
export function sameInk(a: Rgb, b: Rgb, background: Rgb): boolean {
  return Math.min(offLine(a, background, b), offLine(b, background, a)) <= RUN_COLOUR;
}

/** Distance from `c` to the segment from `p` to `q`. */
function offLine(c: Rgb, p: Rgb, q: Rgb): number {
  const d = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
  const len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  const t = len2 ? Math.max(0, Math.min(1, ((c[0] - p[0]) * d[0] + (c[1] - p[1]) * d[1] + (c[2] - p[2]) * d[2]) / len2)) : 0;
  return dist(c, [p[0] + t * d[0], p[1] + t * d[1], p[2] + t * d[2]]);
}

/** The run of inked rows around the box's middle: the detector box may reach into the lines above and below when lines are set tight. */
function inkBand(img: DecodedImage, det: IntRect, background: Rgb): { y0: number; y1: number } | null {
  const { rgba, width } = img;
  const rowInk = new Int32Array(det.y1 - det.y0);
  for (let y = det.y0; y < det.y1; y++) {
    let c = 0;
    for (let x = det.x0; x < det.x1; x++) {
      const i = (y * width + x) * 4;
      if (dist([rgba[i], rgba[i + 1], rgba[i + 2]], background) >= INK) c++;
    }
    rowInk[y - det.y0] = c;
  }
  let mid = (rowInk.length >> 1);
  // Start from the most inked row near the middle, in case the middle falls between words' gaps.
  for (let k = Math.floor(rowInk.length * 0.3); k < Math.ceil(rowInk.length * 0.7); k++) if (rowInk[k] > rowInk[mid]) mid = k;
  if (rowInk[mid] === 0) return null;
  let top = mid, bottom = mid;
  while (top > 0 && rowInk[top - 1] > 0) top--;
  while (bottom < rowInk.length - 1 && rowInk[bottom + 1] > 0) bottom++;
  return { y0: det.y0 + top, y1: det.y0 + bottom + 1 };
}

/**
 * Column ranges of ink in a band, joined across gaps narrower than `gap` (letters into words).
 * A run of columns inked from top to bottom, wider than a stem, is a tinted chip behind text
 * (a badge, a highlighted cell): it is a word of its own, never joined to its neighbours.
 */
function inkWords(img: DecodedImage, r: IntRect, background: Rgb, gap: number): { words: InkWord[]; letterGap: number } {
  const { rgba, width } = img;
  const h = r.y1 - r.y0;
  const count = new Int32Array(r.x1 - r.x0);
  for (let y = r.y0; y < r.y1; y++)
    for (let x = r.x0; x < r.x1; x++) {
      const i = (y * width + x) * 4;
      if (dist([rgba[i], rgba[i + 1], rgba[i + 2]], background) >= INK) count[x - r.x0]++;
    }
  const full = (x: number) => count[x - r.x0] >= 0.85 * h;
  const words: InkWord[] = [];
  // Every blank stretch between inked columns: mostly the spaces between letters.
  const blanks: number[] = [];
  let lastInk = -1;
  for (let x = r.x0; x < r.x1; x++) {
    if (count[x - r.x0] === 0) continue;
    if (lastInk >= 0 && x - lastInk > 1) blanks.push(x - lastInk - 1);
    lastInk = x;
    let end = x;
    while (end < r.x1 && full(end)) end++;
    if (end - x >= Math.max(4, h)) {
      words.push({ x0: x, x1: end, chip: true });
      x = lastInk = end - 1;
      continue;
    }
    const last = words[words.length - 1];
    if (last && !last.chip && x - last.x1 < gap) last.x1 = x + 1;
    else words.push({ x0: x, x1: x + 1, chip: false });
  }
  return { words, letterGap: median(blanks) };
}

interface InkWord { x0: number; x1: number; chip: boolean }

/**
 * Text colour: the core of the glyphs, i.e. the pixels farthest from the background
 * (anti-aliased edges blend towards it); the median of that core, channel by channel. The
 * core is kept narrow, as small text has few pixels at full colour.
 */
function inkColour(img: DecodedImage, r: IntRect, background: Rgb): Rgb | null {
  const { rgba, width } = img;
  let maxD = 0;
  for (let y = r.y0; y < r.y1; y++)
    for (let x = r.x0; x < r.x1; x++) {
      const i = (y * width + x) * 4;
      maxD = Math.max(maxD, dist([rgba[i], rgba[i + 1], rgba[i + 2]], background));
    }
  if (maxD < INK) return null;
  const core: Rgb[] = [];
  for (let y = r.y0; y < r.y1; y++)
    for (let x = r.x0; x < r.x1; x++) {
      const i = (y * width + x) * 4;
      const c: Rgb = [rgba[i], rgba[i + 1], rgba[i + 2]];
      if (dist(c, background) >= CORE * maxD) core.push(c);
    }
  const channel = (k: 0 | 1 | 2) => median(core.map((c) => c[k]));
  return [channel(0), channel(1), channel(2)];
}

/** One run of a line: the tight ink box, colour, stem width, slant and underline of the ink inside `r`. */
export function measureRun(img: DecodedImage, r: IntRect, background: Rgb): Omit<MeasuredLine, 'det' | 'background'> | null {
  // A chip's inside on a band one or two rows high is empty: no ink to measure.
  if (r.x1 <= r.x0 || r.y1 <= r.y0) return null;
  const { rgba, width } = img;
  const isInk = (x: number, y: number) => {
    const i = (y * width + x) * 4;
    return dist([rgba[i], rgba[i + 1], rgba[i + 2]], background) >= INK;
  };
  const rowInk = new Int32Array(r.y1 - r.y0);
  let x0 = r.x1, x1 = -1, n = 0;
  for (let y = r.y0; y < r.y1; y++)
    for (let x = r.x0; x < r.x1; x++) {
      if (!isInk(x, y)) continue;
      n++;
      rowInk[y - r.y0]++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
    }
  if (n < 4) return null;
  // An underline is a row inked along the whole run, in the lower part of the line or just
  // under it; it is decoration, not glyph ink, so it does not count in the ink box.
  const w = x1 + 1 - x0;
  // It ends with the text: a border or rule under it runs on past the run's ends.
  const full = (y: number) => {
    let c = 0;
    for (let x = x0; x < x1 + 1; x++) if (isInk(x, y)) c++;
    const past = (x: number) => x >= 0 && x < width && isInk(x, y);
    return c >= UNDERLINE_COVER * w && !past(x0 - 3) && !past(x1 + 3);
  };
  const h = r.y1 - r.y0;
  let underline = false;
  const glyphRows: number[] = [];
  for (let y = r.y0; y < r.y1; y++) {
    if (rowInk[y - r.y0] === 0) continue;
    if (w >= 2 * h && y >= r.y0 + 0.6 * h && rowInk[y - r.y0] >= UNDERLINE_COVER * w && full(y)) underline = true;
    else glyphRows.push(y);
  }
  for (let y = r.y1; !underline && y < Math.min(img.height, r.y1 + Math.ceil(0.3 * h)); y++) underline = w >= 2 * h && full(y);
  if (glyphRows.length === 0) {
    // Nothing but full rows: a rule or dashes, drawn as they are.
    underline = false;
    for (let y = r.y0; y < r.y1; y++) if (rowInk[y - r.y0] > 0) glyphRows.push(y);
  }
  const ink = { x0, y0: glyphRows[0], x1: x1 + 1, y1: glyphRows[glyphRows.length - 1] + 1 };
  const color = inkColour(img, ink, background);
  if (!color) return null;
  return { ink, color, stroke: stemWidth(img, ink, background, color), slant: slant(img, ink, background, color), underline };
}

/**
 * The slant of the glyphs: the shear under which the ink's column profile is sharpest (upright
 * stems stack into few columns). Each pixel adds its coverage, split between the two columns
 * it falls between, so the staircase of rounding does not favour one shear. Shears from -0.1
 * to 0.4 px per px, in steps of 0.025.
 */
function slant(img: DecodedImage, ink: IntRect, background: Rgb, color: Rgb): number {
  const { rgba, width } = img;
  const contrast = Math.max(1, dist(color, background));
  const xs: number[] = [], ys: number[] = [], ws: number[] = [];
  for (let y = ink.y0; y < ink.y1; y++)
    for (let x = ink.x0; x < ink.x1; x++) {
      const i = (y * width + x) * 4;
      const cover = Math.min(1, dist([rgba[i], rgba[i + 1], rgba[i + 2]], background) / contrast);
      if (cover >= 0.15) { xs.push(x - ink.x0); ys.push(ink.y1 - y); ws.push(cover); }
    }
  const h = ink.y1 - ink.y0;
  const profile = new Float64Array(ink.x1 - ink.x0 + h + 2);
  let best = 0, bestSharpness = -1;
  for (let k = -4; k <= 16; k++) {
    const shear = k * 0.025;
    profile.fill(0);
    for (let j = 0; j < xs.length; j++) {
      // Offset by the largest shear's reach so every index stays in range.
      const p = xs[j] - shear * ys[j] + 0.4 * h;
      const p0 = Math.floor(p), f = p - p0;
      profile[p0] += ws[j] * (1 - f);
      profile[p0 + 1] += ws[j] * f;
    }
    let sharpness = 0;
    for (const v of profile) sharpness += v * v;
    if (sharpness > bestSharpness) { bestSharpness = sharpness; best = shear; }
  }
  return best;
}

/**
 * Median stem width, px: along every other row, each horizontal run of ink is weighed by its
 * coverage (0..1 of the way from background to text colour), so anti-aliased edges count for
 * what they cover and a 1-px stem smeared over 2 px still measures ~1 px.
 */
function stemWidth(img: DecodedImage, ink: IntRect, background: Rgb, color: Rgb): number {
  const { rgba, width } = img;
  const contrast = Math.max(1, dist(color, background));
  const runs: number[] = [];
  for (let y = ink.y0; y < ink.y1; y += 2) {
    let run = 0;
    for (let x = ink.x0; x <= ink.x1; x++) {
      const i = (y * width + x) * 4;
      const cover = x < ink.x1 ? Math.min(1, dist([rgba[i], rgba[i + 1], rgba[i + 2]], background) / contrast) : 0;
      if (cover >= 0.15) run += cover;
      else if (run) { runs.push(run); run = 0; }
    }
  }
  return runs.length ? median(runs) : 1;
}

/**
 * Stem width, px, as twice the ink's area over the length of its outline (a stroke of width w and
 * length L covers w·L and is outlined by about 2·L), both weighed by coverage. Unlike the median
 * run across rows (stemWidth), it does not depend on which letters a word has (the bars of e and
 * s are long runs), so it weighs one word against another.
 */
export function outlineStroke(img: DecodedImage, r: IntRect, background: Rgb, color: Rgb): number {
  const { rgba, width } = img;
  const contrast = Math.max(1, dist(color, background));
  const cover = (x: number, y: number) => {
    if (x < r.x0 || x >= r.x1 || y < r.y0 || y >= r.y1) return 0;
    const i = (y * width + x) * 4;
    return Math.min(1, dist([rgba[i], rgba[i + 1], rgba[i + 2]], background) / contrast);
  };
  let area = 0, outline = 0;
  for (let y = r.y0 - 1; y < r.y1; y++)
    for (let x = r.x0 - 1; x < r.x1; x++) {
      const c = cover(x, y);
      area += c;
      outline += Math.abs(c - cover(x + 1, y)) + Math.abs(c - cover(x, y + 1));
    }
  return outline ? (2 * area) / outline : 0;
}

export { readLines } from './read-lines.ts';

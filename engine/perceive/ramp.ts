// A colour that changes along one axis only: a flat fill (one colour), or a linear gradient
// running top to bottom or left to right. Regions are filled with ramps, and what lies behind
// a search area is a ramp too, so content on a gradient band is found against the gradient.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Paint } from '../ir/schema.ts';
import { toHex, type Rgb } from '../ir/color.ts';
import type { IntRect } from './pixels.ts';

export interface Ramp {
  axis: 'x' | 'y';
  /** the coordinate of the first line along the axis */
  start: number;
  /** r, g, b of each line from `start` on; lines past either end take the nearest end's colour */
  colours: Float32Array;
}

export const flat = (c: Rgb): Ramp => ({ axis: 'y', start: 0, colours: Float32Array.of(c[0], c[1], c[2]) });

export const isFlat = (r: Ramp): boolean => r.colours.length === 3;

/** Index into `colours` (a multiple of 3) of the line through coordinate `v`. */
export function lineAt(r: Ramp, v: number): number {
  const n = r.colours.length / 3;
  return Math.max(0, Math.min(n - 1, Math.round(v - r.start))) * 3;
}

export function colourAt(r: Ramp, x: number, y: number): Rgb {
  const i = lineAt(r, r.axis === 'y' ? y : x);
  return [r.colours[i], r.colours[i + 1], r.colours[i + 2]];
}

/** Largest colour step between the two ends of a gradient that still reads as one flat fill. */
const FLAT_SPAN = 6;
/** Largest RMS distance of a pixel from its line's mean colour in a gradient. */
const SMOOTH = 3;

/**
 * Fits a gradient to `pixels` (image indices inside `rect`), leaving out text (`textOf` ≥ 0):
 * the mean colour of every row and of every column, and whichever axis explains the pixels
 * best. Null when neither does (a picture, or a box with content), or when the colour hardly
 * changes (a flat fill is found by other means).
 */
export function fitRamp(img: DecodedImage, rect: IntRect, pixels: Int32Array, textOf: Int32Array): Ramp | null {
  const w = rect.x1 - rect.x0, h = rect.y1 - rect.y0;
  const rows = new Float64Array(h * 4), cols = new Float64Array(w * 4);
  const rgba = img.rgba;
  for (let j = 0; j < pixels.length; j++) {
    const p = pixels[j], i = p * 4;
    if (textOf[p] >= 0) continue;
    const x = (p % img.width) - rect.x0, y = ((p / img.width) | 0) - rect.y0;
    rows[y * 4] += rgba[i]; rows[y * 4 + 1] += rgba[i + 1]; rows[y * 4 + 2] += rgba[i + 2]; rows[y * 4 + 3]++;
    cols[x * 4] += rgba[i]; cols[x * 4 + 1] += rgba[i + 1]; cols[x * 4 + 2] += rgba[i + 2]; cols[x * 4 + 3]++;
  }
  const rowRamp = means(rows, rect.y0, 'y'), colRamp = means(cols, rect.x0, 'x');
  if (!rowRamp || !colRamp) return null;
  let rowErr = 0, colErr = 0, own = 0;
  for (let j = 0; j < pixels.length; j++) {
    const p = pixels[j], i = p * 4;
    if (textOf[p] >= 0) continue;
    own++;
    const x = p % img.width, y = (p / img.width) | 0;
    const a = lineAt(rowRamp, y), b = lineAt(colRamp, x);
    for (let c = 0; c < 3; c++) {
      rowErr += (rgba[i + c] - rowRamp.colours[a + c]) ** 2;
      colErr += (rgba[i + c] - colRamp.colours[b + c]) ** 2;
    }
  }
  const best = rowErr <= colErr ? rowRamp : colRamp;
  const err = Math.sqrt(Math.min(rowErr, colErr) / Math.max(1, own));
  if (err > SMOOTH) return null;
  const n = best.colours.length / 3;
  if (n < 8) return null;
  const first = best.colours.subarray(0, 3), last = best.colours.subarray(best.colours.length - 3);
  const span = Math.hypot(first[0] - last[0], first[1] - last[1], first[2] - last[2]);
  return span > FLAT_SPAN ? best : null;
}

/** Mean colour per line; null when lines without any pixel are more than a few. */
function means(sums: Float64Array, start: number, axis: 'x' | 'y'): Ramp | null {
  const n = sums.length / 4;
  const colours = new Float32Array(n * 3);
  let empty = 0;
  for (let k = 0; k < n; k++) {
    const count = sums[k * 4 + 3];
    if (count === 0) empty++;
    for (let c = 0; c < 3; c++) colours[k * 3 + c] = count ? sums[k * 4 + c] / count : NaN;
  }
  if (empty > 0.1 * n) return null;
  // Lines with no pixel of their own (all text) take the previous line's colour.
  for (let k = 0; k < n; k++) {
    if (!Number.isNaN(colours[k * 3])) continue;
    const from = k > 0 ? k - 1 : colours.findIndex((v) => !Number.isNaN(v)) / 3;
    for (let c = 0; c < 3; c++) colours[k * 3 + c] = colours[from * 3 + c];
  }
  return { axis, start, colours };
}

/** Largest distance of the ramp from the straight line between two of its stops that a stop list may leave. */
const STOP_TOLERANCE = 2.5;
const MAX_STOPS = 6;

/** The ramp as an IR paint over a box starting at `from` (its top, or its left) and `length` long. */
export function rampPaint(r: Ramp, from: number, length: number): Paint {
  if (isFlat(r)) return { type: 'solid', color: toHex(colourAt(r, 0, 0)) };
  const n = r.colours.length / 3;
  const at = (k: number): Rgb => [r.colours[k * 3], r.colours[k * 3 + 1], r.colours[k * 3 + 2]];
  // Douglas–Peucker on the colour curve: split at the line farthest from the chord until close.
  const keep = new Set([0, n - 1]);
  const split = (a: number, b: number) => {
    let worst = -1, worstD = STOP_TOLERANCE;
    for (let k = a + 1; k < b; k++) {
      const t = (k - a) / (b - a), ca = at(a), cb = at(b), ck = at(k);
      const d = Math.hypot(...([0, 1, 2] as const).map((c) => ck[c] - (ca[c] + t * (cb[c] - ca[c]))));
      if (d > worstD) { worst = k; worstD = d; }
    }
    if (worst < 0 || keep.size >= MAX_STOPS) return;
    keep.add(worst);
    split(a, worst);
    split(worst, b);
  };
  split(0, n - 1);
  const stops = [...keep].sort((a, b) => a - b).map((k) => ({
    color: toHex(at(k)),
    position: Math.max(0, Math.min(1, (r.start + k + 0.5 - from) / length)),
  }));
  return { type: 'linear-gradient', angle: r.axis === 'y' ? 180 : 90, stops };
}

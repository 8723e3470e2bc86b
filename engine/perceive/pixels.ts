// Small pixel helpers shared by the perception steps: colour distance, dominant colours.
// Everything works on the ingest's RGBA buffer in place, without copies.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Rgb } from '../ir/color.ts';

/** Colour distance within which two pixels are the same colour (one fill, one run). */
export const SAME_COLOUR = 12;

export interface IntRect {
  x0: number;
  y0: number;
  /** exclusive */
  x1: number;
  /** exclusive */
  y1: number;
}

// Math.hypot guards against overflow that 8-bit channels cannot reach, at several times the cost
// in V8; this runs for most pixels of every page.
export const dist = (a: Rgb, b: Rgb): number => {
  const r = a[0] - b[0], g = a[1] - b[1], bl = a[2] - b[2];
  return Math.sqrt(r * r + g * g + bl * bl);
};

export function pixel(img: DecodedImage, x: number, y: number): Rgb {
  const i = (y * img.width + x) * 4;
  return [img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]];
}

/** Key of a colour quantised to 5 bits a channel. */
export const q5 = (r: number, g: number, b: number): number => ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);

/**
 * The most frequent colour among the sampled pixels: votes go to 5-bit bins, and the answer
 * is the exact colour most often seen inside the winning bin (so a flat fill comes back exact).
 */
export function dominantColour(img: DecodedImage, pixels: Iterable<number>): { color: Rgb; share: number } {
  const rgba = img.rgba;
  const idx = pixels instanceof Int32Array ? pixels : Int32Array.from(pixels);
  let best = -1;
  let bestN = 0;
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j] * 4;
    const k = q5(rgba[i], rgba[i + 1], rgba[i + 2]);
    const n = ++bins[k];
    if (n > bestN) { best = k; bestN = n; }
  }
  // Inside the winning bin a colour is known by the low 3 bits of each channel.
  let bestExact = 0;
  let bestExactN = -1;
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j] * 4;
    const r = rgba[i], g = rgba[i + 1], b = rgba[i + 2];
    const k = q5(r, g, b);
    bins[k] = 0;
    if (k !== best) continue;
    const e = ((r & 7) << 6) | ((g & 7) << 3) | (b & 7);
    const n = ++exact[e];
    if (n > bestExactN) { bestExact = (r << 16) | (g << 8) | b; bestExactN = n; }
  }
  exact.fill(0);
  return { color: [(bestExact >> 16) & 255, (bestExact >> 8) & 255, bestExact & 255], share: idx.length ? bestN / idx.length : 0 };
}

// Histograms reused by every call (left zeroed after each): this runs for every line, word and
// region of a page, and a fresh 128 KB array each time cost more than the counting.
const bins = new Uint32Array(32768);
const exact = new Uint32Array(512);

/** Pixel indices of a rectangle, every `step` px. */
export function* rectPixels(img: DecodedImage, r: IntRect, step = 1): Generator<number> {
  for (let y = r.y0; y < r.y1; y += step) for (let x = r.x0; x < r.x1; x += step) yield y * img.width + x;
}

/** Pixel indices of the one-pixel ring just outside a rectangle (clipped to the image). */
export function* ringPixels(img: DecodedImage, r: IntRect, pad = 1): Generator<number> {
  const x0 = Math.max(0, r.x0 - pad), x1 = Math.min(img.width - 1, r.x1 - 1 + pad);
  const y0 = Math.max(0, r.y0 - pad), y1 = Math.min(img.height - 1, r.y1 - 1 + pad);
  for (let x = x0; x <= x1; x++) {
    yield y0 * img.width + x;
    if (y1 !== y0) yield y1 * img.width + x;
  }
  for (let y = y0 + 1; y < y1; y++) {
    yield y * img.width + x0;
    if (x1 !== x0) yield y * img.width + x1;
  }
}

export function clampRect(img: DecodedImage, x0: number, y0: number, x1: number, y1: number): IntRect {
  return {
    x0: Math.max(0, Math.min(img.width, Math.floor(x0))),
    y0: Math.max(0, Math.min(img.height, Math.floor(y0))),
    x1: Math.max(0, Math.min(img.width, Math.ceil(x1))),
    y1: Math.max(0, Math.min(img.height, Math.ceil(y1))),
  };
}

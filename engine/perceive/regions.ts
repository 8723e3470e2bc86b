// Regions: connected areas that differ from their surroundings. An area of one colour becomes
// a solid frame (and is searched again inside, against its own colour); a many-coloured area
// becomes a picture; a rectangle outline becomes a bordered frame. Text is masked out first
// (it stays live text): a text box counts as its own local background.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { dist, dominantColour, q5, type IntRect, type Rgb } from './pixels.ts';

export interface Region {
  kind: 'solid' | 'picture';
  rect: IntRect;
  /** the fill; null for an outline with no fill of its own */
  color: Rgb | null;
  /** uniform border colour, when the region is a rectangle outline around its content */
  border?: Rgb;
  children: Region[];
}

export interface TextMask {
  /** the text's detector box */
  rect: IntRect;
  background: Rgb;
}

/** Colour distance under which two pixels are the same fill. */
const SAME = 12;
const MIN_AREA = 48;
const MAX_DEPTH = 4;

export interface RegionOptions {
  /** largest picture, as a share of the page area */
  maxPictureShare: number;
}

export function findRegions(img: DecodedImage, background: Rgb, texts: TextMask[], options: RegionOptions = { maxPictureShare: 0.3 }): Region[] {
  // For every pixel, the colour it stands for: text boxes stand for their own background.
  const textOf = new Int32Array(img.width * img.height).fill(-1);
  texts.forEach((t, k) => {
    // A little beyond the detector box, which can clip ascenders, descenders and accents.
    const padY = Math.round((t.rect.y1 - t.rect.y0) * 0.2), padX = 2;
    const y0 = Math.max(0, t.rect.y0 - padY), y1 = Math.min(img.height, t.rect.y1 + padY);
    const x0 = Math.max(0, t.rect.x0 - padX), x1 = Math.min(img.width, t.rect.x1 + padX);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const p = y * img.width + x;
        if (textOf[p] < 0) textOf[p] = k;
      }
    }
  });
  const ctx = { img, texts, textOf, maxPicture: options.maxPictureShare * img.width * img.height };
  return search(ctx, { x0: 0, y0: 0, x1: img.width, y1: img.height }, background, 0);
}

interface Ctx {
  img: DecodedImage;
  texts: TextMask[];
  textOf: Int32Array;
  maxPicture: number;
}

/** Regions inside `rect` against background `bg`. */
function search(ctx: Ctx, rect: IntRect, bg: Rgb, depth: number): Region[] {
  const { img, textOf, texts } = ctx;
  const w = rect.x1 - rect.x0, h = rect.y1 - rect.y0;
  if (w < 3 || h < 3) return [];
  const rgba = img.rgba;
  const far = texts.map((t) => dist(t.background, bg) > SAME);
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let p = (rect.y0 + y) * img.width + rect.x0;
    for (let x = 0; x < w; x++, p++) {
      const k = textOf[p];
      let on: boolean;
      if (k >= 0) on = far[k];
      else {
        const i = p * 4;
        const dr = rgba[i] - bg[0], dg = rgba[i + 1] - bg[1], db = rgba[i + 2] - bg[2];
        on = dr * dr + dg * dg + db * db > SAME * SAME;
      }
      if (on) mask[y * w + x] = 1;
    }
  }
  // Flood fill with typed arrays: components are disjoint, so every component's pixels (as
  // image indices) fit one after another in `members`; big pages have millions of them.
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const members = new Int32Array(w * h);
  let used = 0;
  const out: Region[] = [];
  for (let s = 0; s < w * h; s++) {
    if (!mask[s] || seen[s]) continue;
    const start = used;
    let top = 0;
    seen[s] = 1;
    stack[top++] = s;
    let x0 = w, y0 = h, x1 = -1, y1 = -1;
    while (top > 0) {
      const p = stack[--top];
      const x = p % w, y = (p - x) / w;
      members[used++] = (rect.y0 + y) * img.width + rect.x0 + x;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x > 0 && mask[p - 1] && !seen[p - 1]) { seen[p - 1] = 1; stack[top++] = p - 1; }
      if (x < w - 1 && mask[p + 1] && !seen[p + 1]) { seen[p + 1] = 1; stack[top++] = p + 1; }
      if (y > 0 && mask[p - w] && !seen[p - w]) { seen[p - w] = 1; stack[top++] = p - w; }
      if (y < h - 1 && mask[p + w] && !seen[p + w]) { seen[p + w] = 1; stack[top++] = p + w; }
    }
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    if (used - start < MIN_AREA || bw < 2 || bh < 2) continue;
    const r: IntRect = { x0: rect.x0 + x0, y0: rect.y0 + y0, x1: rect.x0 + x1 + 1, y1: rect.y0 + y1 + 1 };
    const region = classify(ctx, r, members.subarray(start, used), bw * bh, depth);
    if (region) out.push(region);
  }
  return out;
}

function classify(ctx: Ctx, r: IntRect, pixels: Int32Array, boxArea: number, depth: number): Region | null {
  const { img } = ctx;
  // Colour statistics over the non-text pixels (sampled on big areas). Plain loops: typed
  // array filter() with a closure costs seconds on full-page components.
  let ownCount = 0;
  for (let i = 0; i < pixels.length; i++) if (ctx.textOf[pixels[i]] < 0) ownCount++;
  const step = Math.max(1, Math.floor(ownCount / 40000));
  const sample = new Int32Array(Math.ceil(ownCount / step));
  for (let i = 0, n = 0, taken = 0; i < pixels.length; i++) {
    if (ctx.textOf[pixels[i]] >= 0) continue;
    if (n++ % step === 0) sample[taken++] = pixels[i];
  }
  const { color, share } = dominantColour(img, sample);
  const bins = new Set<number>();
  for (const p of sample) {
    const i = p * 4;
    bins.add(q5(img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]));
  }
  const fill = pixels.length / boxArea;
  const w = r.x1 - r.x0, h = r.y1 - r.y0;
  const area = w * h;

  // A rectangle outline (a bordered box): pixels hug the edges, the inside is open.
  if (fill < 0.5 && w > 8 && h > 8 && isOutline(ctx, r, pixels)) {
    return { kind: 'solid', rect: r, color: null, border: color, children: [] };
  }
  if (share >= 0.6) {
    // Mostly one colour: the fill's own extent (shadows and anti-aliased edges left out).
    const t = tightBox(ctx, pixels, color);
    const tw = t.rect.x1 - t.rect.x0, th = t.rect.y1 - t.rect.y0;
    if (tw >= 2 && th >= 2 && t.count >= 0.8 * tw * th && (share >= 0.85 || tw * th > 40000 || fill >= 0.8)) {
      const region: Region = { kind: 'solid', rect: t.rect, color, children: [] };
      if (depth < MAX_DEPTH && tw > 6 && th > 6) region.children = search(ctx, t.rect, color, depth + 1);
      // What the component holds outside the fill (e.g. a badge overlapping its edge) is lost; fine for now.
      return region;
    }
  }
  const big = area > 40000;
  if (area <= ctx.maxPicture && ownCount >= 0.25 * pixels.length && w >= 8 && h >= 8 && (!big || share < 0.6) && (bins.size >= 3 || share < 0.85)) {
    // Many colours, or a non-rectangular shape of a few (icon, logo): a picture.
    return { kind: 'picture', rect: r, color, children: [] };
  }
  if (big && depth < MAX_DEPTH) {
    // Too big, or too plain, to be one picture: keep its main colour and look for parts inside.
    return { kind: 'solid', rect: r, color: share >= 0.5 ? color : null, children: search(ctx, r, color, depth + 1) };
  }
  return null;
}

/** Bounding box and count of the component's pixels that have the colour `c` (text boxes count by their background). */
function tightBox(ctx: Ctx, pixels: Int32Array, c: Rgb): { rect: IntRect; count: number } {
  const { img } = ctx;
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1, count = 0;
  for (const p of pixels) {
    const k = ctx.textOf[p];
    let same: boolean;
    if (k >= 0) same = dist(ctx.texts[k].background, c) <= SAME;
    else {
      const i = p * 4;
      const dr = img.rgba[i] - c[0], dg = img.rgba[i + 1] - c[1], db = img.rgba[i + 2] - c[2];
      same = dr * dr + dg * dg + db * db <= SAME * SAME;
    }
    if (!same) continue;
    count++;
    const x = p % img.width, y = (p / img.width) | 0;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { rect: { x0, y0, x1: x1 + 1, y1: y1 + 1 }, count };
}

/** True when most of the component lies on the 3-px band along its bounding box's edges. */
function isOutline(ctx: Ctx, r: IntRect, pixels: Int32Array): boolean {
  const { img } = ctx;
  let edge = 0;
  for (const p of pixels) {
    const x = p % img.width, y = (p / img.width) | 0;
    if (x - r.x0 < 3 || r.x1 - 1 - x < 3 || y - r.y0 < 3 || r.y1 - 1 - y < 3) edge++;
  }
  const perimeter = 2 * (r.x1 - r.x0 + r.y1 - r.y0);
  return edge >= 0.8 * pixels.length && edge >= 0.8 * perimeter;
}

// Regions: connected areas that differ from what lies behind them. An area of one colour
// becomes a frame with that fill, its border ring, rounded corners and drop shadow (and is
// searched again inside, against its own colour); an area whose colour runs smoothly along one
// axis becomes a gradient frame; a thin line becomes a divider; a many-coloured area becomes a
// picture; a rectangle outline becomes a bordered frame. Text is masked out first (it stays
// live text): a text box counts as its own local background.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { median } from '../stats.ts';
import { borderAround, cornerRadii, dropShadow, type BorderRing, type DropShadow } from './box-edges.ts';
import type { Rgb } from '../ir/color.ts';
import { SAME_COLOUR, dist, dominantColour, pixel, q5, type IntRect } from './pixels.ts';
import { colourAt, fitRamp, flat, lineAt, type Ramp } from './ramp.ts';

export interface Region {
  kind: 'solid' | 'picture' | 'divider';
  rect: IntRect;
  /** the fill; null for an outline with no fill of its own */
  fill: Ramp | null;
  border?: BorderRing;
  /** corner radii: top-left, top-right, bottom-right, bottom-left */
  radius?: [number, number, number, number];
  shadow?: DropShadow;
  /** a picture of a few flat colours (icon, logo) rather than a photo */
  flatColours?: boolean;
  children: Region[];
}

export interface TextMask {
  /** the text's detector box */
  rect: IntRect;
  background: Rgb;
}

/** Least colour distance from the backdrop that marks a pixel as part of something, on a noiseless image. */
const DIFFERS = 4;
const MIN_AREA = 48;
/** Thin lines at least this long are dividers. */
const MIN_LINE = 16;
const MAX_DEPTH = 4;
/** Widest fringe a drop shadow casts past its box. */
const MAX_FRINGE = 48;
/** Darkest shadow a ring may be read as (a darker ring is a line drawn around something). */
const MAX_SHADE = 0.6;

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
  const ctx: Ctx = { img, texts, textOf, differs: differsOn(img, background), maxPicture: options.maxPictureShare * img.width * img.height };
  return search(ctx, { x0: 0, y0: 0, x1: img.width, y1: img.height }, flat(background), 0);
}

/**
 * The threshold that separates things from their backdrop: a few levels on a clean render, more
 * on a noisy (JPEG, scanned) image, judged by how far the pixels near the page background
 * typically stray from it.
 */
function differsOn(img: DecodedImage, background: Rgb): number {
  const near: number[] = [];
  for (let p = 0; p < img.width * img.height; p += 97) {
    const i = p * 4;
    const d = Math.hypot(img.rgba[i] - background[0], img.rgba[i + 1] - background[1], img.rgba[i + 2] - background[2]);
    if (d <= SAME_COLOUR) near.push(d);
  }
  return Math.max(DIFFERS, 3 * median(near));
}

interface Ctx {
  img: DecodedImage;
  texts: TextMask[];
  textOf: Int32Array;
  differs: number;
  maxPicture: number;
}

/**
 * Only some pixels of the rectangle are searched (`allowed`, a byte per pixel of it): for the
 * parts that differ from the backdrop (by `differs`), or (`same`) for those that match it.
 */
interface Within {
  allowed: Uint8Array;
  same: boolean;
  differs: number;
}

/**
 * Regions inside `rect` against what lies behind them. `spare` is an array the caller no longer
 * needs, at least as long as the rectangle's pixels, used rather than a new one: the searches
 * nested inside a 50-megapixel page then share one 200 MB array instead of one per level.
 */
function search(ctx: Ctx, rect: IntRect, behind: Ramp, depth: number, within?: Within, spare?: Int32Array): Region[] {
  const { img, textOf, texts } = ctx;
  const w = rect.x1 - rect.x0, h = rect.y1 - rect.y0;
  if (w < 3 || h < 3) return [];
  const allowed = within?.allowed;
  const wanted = !within?.same;
  const rgba = img.rgba;
  const differs = within?.differs ?? ctx.differs;
  const far = texts.map((t) => dist(t.background, colourAt(behind, (t.rect.x0 + t.rect.x1) >> 1, (t.rect.y0 + t.rect.y1) >> 1)) > differs);
  const limit = differs * differs;
  const bg = behind.colours;
  // 1: part of something, not reached yet; 2: reached.
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let p = (rect.y0 + y) * img.width + rect.x0;
    for (let x = 0; x < w; x++, p++) {
      const k = textOf[p];
      let on: boolean;
      if (k >= 0) on = far[k];
      else {
        const i = p * 4, b = lineAt(behind, behind.axis === 'y' ? rect.y0 + y : rect.x0 + x);
        const dr = rgba[i] - bg[b], dg = rgba[i + 1] - bg[b + 1], db = rgba[i + 2] - bg[b + 2];
        on = dr * dr + dg * dg + db * db > limit;
      }
      if (on === wanted && (!allowed || allowed[y * w + x])) mask[y * w + x] = 1;
    }
  }
  // Flood fill with typed arrays: components are disjoint, so every component's pixels (as
  // image indices) fit one after another at the front of `pixels`. The fill's stack grows down
  // from its end: a pixel is on the stack or among the members, never both, so the two never
  // meet, and one array does for both. Once a component is classified its pixels are not read
  // again, so the array is lent to the searches nested inside it.
  const n = w * h;
  const pixels = spare && spare.length >= n ? spare : new Int32Array(n);
  const end = pixels.length;
  let used = 0;
  const out: Region[] = [];
  for (let s = 0; s < n; s++) {
    if (mask[s] !== 1) continue;
    const start = used;
    let top = 0;
    const push = (q: number) => {
      mask[q] = 2;
      pixels[end - 1 - top++] = q;
    };
    push(s);
    let x0 = w, y0 = h, x1 = -1, y1 = -1;
    while (top > 0) {
      const p = pixels[end - top--];
      const x = p % w, y = (p - x) / w;
      pixels[used++] = (rect.y0 + y) * img.width + rect.x0 + x;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x > 0 && mask[p - 1] === 1) push(p - 1);
      if (x < w - 1 && mask[p + 1] === 1) push(p + 1);
      if (y > 0 && mask[p - w] === 1) push(p - w);
      if (y < h - 1 && mask[p + w] === 1) push(p + w);
    }
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    if (used - start < MIN_AREA || Math.max(bw, bh) < MIN_LINE && Math.min(bw, bh) < 2) continue;
    const r: IntRect = { x0: rect.x0 + x0, y0: rect.y0 + y0, x1: rect.x0 + x1 + 1, y1: rect.y0 + y1 + 1 };
    const region = classify(ctx, r, pixels.subarray(start, used), bw * bh, behind, depth, pixels);
    if (region) out.push(region);
  }
  return out;
}

/** What the component `pixels` (within `r`) is; `spare` is lent to the searches inside it once its pixels are no longer read. */
function classify(ctx: Ctx, r: IntRect, pixels: Int32Array, boxArea: number, behind: Ramp, depth: number, spare: Int32Array): Region | null {
  const { img } = ctx;
  const { ownCount, sample } = ownSample(ctx.textOf, pixels);
  const { color, share } = dominantColour(img, sample);
  const bins = new Map<number, number>();
  for (const p of sample) {
    const i = p * 4;
    const k = q5(img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]);
    bins.set(k, (bins.get(k) ?? 0) + 1);
  }
  const fill = pixels.length / boxArea;
  const w = r.x1 - r.x0, h = r.y1 - r.y0;
  const area = w * h;

  if (fill < 0.5 && w > 8 && h > 8) {
    // A rectangle outline (a bordered box): the ring's pixels hug its edges, the inside is open.
    const ring = tightBox(ctx, pixels, color);
    if (isOutline(ctx, ring.rect, pixels, color)) return outlineRegion(ctx, ring.rect, r, color, behind);
    const box = hollowBox(ctx, r, pixels);
    const shadow = box && dropShadow(img, box, r, behind);
    if (box && shadow && shadow.alpha <= MAX_SHADE) {
      // A box of the backdrop's own colour, seen only by the shadow it casts around itself.
      return { kind: 'solid', rect: box, fill: flat(colourAt(behind, box.x0, box.y0)), shadow, children: [] };
    }
  }
  if (share >= 0.6) {
    // Mostly one colour: the fill's own extent (shadows, borders and anti-aliased edges left out).
    const t = tightBox(ctx, pixels, color);
    const tw = t.rect.x1 - t.rect.x0, th = t.rect.y1 - t.rect.y0;
    const line = Math.min(tw, th) <= 3 && Math.max(tw, th) >= MIN_LINE;
    if ((tw >= 2 && th >= 2 || line) && t.count >= 0.8 * tw * th && (share >= 0.85 || tw * th > 40000 || fill >= 0.8)) {
      if (line) return { kind: 'divider', rect: t.rect, fill: flat(color), children: [] };
      return boxRegion(ctx, t.rect, r, color, behind, depth, spare);
    }
  }
  if (fill >= 0.85 && w >= 8 && h >= 8 && area >= 2000) {
    // A smooth run of colour along one axis: a gradient band, with its content searched against it.
    const ramp = fitRamp(img, r, pixels, ctx.textOf);
    if (ramp) {
      const region: Region = { kind: 'solid', rect: r, fill: ramp, children: [] };
      decorate(ctx, region, r, behind);
      if (depth < MAX_DEPTH) region.children = search(ctx, r, ramp, depth + 1, undefined, spare).filter((c) => !inCorner(c, r, region.radius, behind));
      return region;
    }
  }
  const big = area > 40000;
  if (area <= ctx.maxPicture && ownCount >= 0.25 * pixels.length && w >= 8 && h >= 8 && (!big || share < 0.6) && (bins.size >= 3 || share < 0.85)) {
    // Many colours, or a non-rectangular shape of a few (icon, logo): a picture.
    return { kind: 'picture', rect: r, fill: flat(color), flatColours: topShare(bins, 8, sample.length) >= 0.9, children: [] };
  }
  if (big && depth < MAX_DEPTH) {
    // Too big, or too plain, to be one picture.
    const main = tightBox(ctx, pixels, color).rect;
    const underAll = (main.x1 - main.x0) * (main.y1 - main.y0) >= 0.9 * area;
    if ((share < 0.5 && fill < 0.9) || (!underAll && topShare(bins, 8, sample.length) >= 0.9)) {
      // A tangle of flat parts (bars, bands, margins; no one colour under all of them) joined at
      // their edges or by faint fringes (shadows, anti-aliasing): its parts that stand out clearly
      // from the backdrop, each on their own; failing that, its parts of the main colour and
      // those of other colours.
      const allowed = bitmap(ctx.img, r, pixels);
      const clear = search(ctx, r, behind, depth + 1, { allowed, same: false, differs: SAME_COLOUR }, spare);
      const apart = clear.length > 1 || (clear.length === 1 && !sameRect(clear[0].rect, r));
      const parts = (same: boolean) => search(ctx, r, flat(color), depth + 1, { allowed, same, differs: ctx.differs }, spare);
      return { kind: 'solid', rect: r, fill: null, children: apart ? clear : [...parts(true), ...parts(false)] };
    }
    // A background of its main colour (its mean, for a texture) with its parts found inside. A
    // part as big as the whole is the same texture again: its own parts are kept instead.
    const c = share >= 0.5 ? color : meanOf(img, sample);
    const children = search(ctx, r, flat(c), depth + 1, undefined, spare).flatMap((k) => (sameRect(k.rect, r) ? k.children : [k]));
    return { kind: 'solid', rect: r, fill: flat(c), children };
  }
  return null;
}

/**
 * How many of the component's pixels are not text, and every k-th of them (about 40,000 in all),
 * for colour statistics. Plain loops, and no copy of the pixels: typed array filter() with a
 * closure costs seconds on full-page components, and a copy 200 MB at 50 megapixels.
 */
function ownSample(textOf: Int32Array, pixels: Int32Array): { ownCount: number; sample: Int32Array } {
  let ownCount = 0;
  for (let i = 0; i < pixels.length; i++) if (textOf[pixels[i]] < 0) ownCount++;
  const step = Math.max(1, Math.floor(ownCount / 40000));
  const sample = new Int32Array(Math.ceil(ownCount / step));
  for (let i = 0, own = 0, taken = 0; i < pixels.length; i++) {
    if (textOf[pixels[i]] >= 0) continue;
    if (own++ % step === 0) sample[taken++] = pixels[i];
  }
  return { ownCount, sample };
}

/** A filled box: its fill rectangle `fill` grown by any border ring, with corners and shadow measured within `outer`. */
function boxRegion(ctx: Ctx, fill: IntRect, outer: IntRect, color: Rgb, behind: Ramp, depth: number, spare: Int32Array): Region {
  const { img } = ctx;
  const border = borderAround(img, fill, outer, color, behind) ?? undefined;
  const [bt, br, bb, bl] = border?.width ?? [0, 0, 0, 0];
  const rect = { x0: fill.x0 - bl, y0: fill.y0 - bt, x1: fill.x1 + br, y1: fill.y1 + bb };
  const region: Region = { kind: 'solid', rect, fill: flat(color), border, children: [] };
  decorate(ctx, region, outer, behind);
  const w = fill.x1 - fill.x0, h = fill.y1 - fill.y0;
  // What the component holds outside the fill (e.g. a badge overlapping its edge) is lost; fine for now.
  if (depth < MAX_DEPTH && w > 6 && h > 6) region.children = search(ctx, fill, flat(color), depth + 1, undefined, spare).filter((c) => !inCorner(c, fill, region.radius, behind));
  return region;
}

/** A ring of one colour around open space: a bordered frame with no fill of its own. */
function outlineRegion(ctx: Ctx, ring: IntRect, outer: IntRect, color: Rgb, behind: Ramp): Region {
  const width: BorderRing['width'] = [0, 0, 0, 0];
  // Ring widths, read inward at the middle of each side.
  const mx = (ring.x0 + ring.x1) >> 1, my = (ring.y0 + ring.y1) >> 1;
  const probes = [[mx, ring.y0, 0, 1], [ring.x1 - 1, my, -1, 0], [mx, ring.y1 - 1, 0, -1], [ring.x0, my, 1, 0]] as const;
  probes.forEach(([x, y, dx, dy], s) => {
    while (width[s] < 4 && dist(pixel(ctx.img, x + dx * width[s], y + dy * width[s]), color) <= SAME_COLOUR) width[s]++;
    width[s] = Math.max(1, width[s]);
  });
  const region: Region = { kind: 'solid', rect: ring, fill: null, border: { color, width }, children: [] };
  decorate(ctx, region, outer, behind);
  return region;
}

/**
 * The open rectangle a ring-shaped component encloses, read from the middle of its bounding box
 * outward to the ring's first pixel on each side; null when a side is not closed or the ring is
 * thicker than a shadow's fringe.
 */
function hollowBox(ctx: Ctx, r: IntRect, pixels: Int32Array): IntRect | null {
  const { img } = ctx;
  const w = r.x1 - r.x0, h = r.y1 - r.y0;
  const own = bitmap(img, r, pixels);
  const mx = w >> 1, my = h >> 1;
  if (own[my * w + mx]) return null;
  const reach = (dx: number, dy: number) => {
    for (let x = mx, y = my; x >= 0 && x < w && y >= 0 && y < h; x += dx, y += dy) if (own[y * w + x]) return dx ? x : y;
    return -1;
  };
  const left = reach(-1, 0), right = reach(1, 0), top = reach(0, -1), bottom = reach(0, 1);
  // A light shadow offset downward may leave the top fringe too faint to join the ring: one
  // open side ends at the ring's own extent.
  if ([left, right, top, bottom].filter((v) => v < 0).length > 1) return null;
  const box = {
    x0: left < 0 ? r.x0 : r.x0 + left + 1,
    y0: top < 0 ? r.y0 : r.y0 + top + 1,
    x1: right < 0 ? r.x1 : r.x0 + right,
    y1: bottom < 0 ? r.y1 : r.y0 + bottom,
  };
  const thickest = Math.max(box.x0 - r.x0, r.x1 - box.x1, box.y0 - r.y0, r.y1 - box.y1);
  return box.x1 - box.x0 >= 16 && box.y1 - box.y0 >= 16 && thickest <= MAX_FRINGE ? box : null;
}

/** A byte per pixel of `r`: 1 where `pixels` (image indices inside it) has one. */
function bitmap(img: DecodedImage, r: IntRect, pixels: Int32Array): Uint8Array {
  const w = r.x1 - r.x0;
  const on = new Uint8Array(w * (r.y1 - r.y0));
  for (const p of pixels) on[(((p / img.width) | 0) - r.y0) * w + (p % img.width) - r.x0] = 1;
  return on;
}

/** Sets the box region's corner radii, when any is rounded, and its drop shadow, when it casts one. */
function decorate(ctx: Ctx, region: Region, outer: IntRect, behind: Ramp): void {
  const radius = cornerRadii(ctx.img, region.rect, behind);
  if (radius.some((v) => v > 0)) region.radius = radius;
  const shadow = dropShadow(ctx.img, region.rect, outer, behind);
  if (shadow) region.shadow = shadow;
}

/**
 * True when `child` is the backdrop showing past the rounded corners of `box`: of the backdrop's
 * colour, on the box's edge, within a corner's reach of a side (a pill's whole end cap).
 */
function inCorner(child: Region, box: IntRect, radius: Region['radius'], behind: Ramp): boolean {
  if (!radius) return false;
  const r = child.rect;
  const c = child.fill ? colourAt(child.fill, r.x0, r.y0) : child.border?.color;
  if (!c || dist(c, colourAt(behind, r.x0, r.y0)) > SAME_COLOUR) return false;
  const [tl, tr, br, bl] = radius;
  const touches = r.x0 <= box.x0 || r.y0 <= box.y0 || r.x1 >= box.x1 || r.y1 >= box.y1;
  return touches && (r.x1 <= box.x0 + Math.max(tl, bl) + 1 || r.x0 >= box.x1 - Math.max(tr, br) - 1
    || r.y1 <= box.y0 + Math.max(tl, tr) + 1 || r.y0 >= box.y1 - Math.max(bl, br) - 1);
}

const sameRect = (a: IntRect, b: IntRect) => a.x0 === b.x0 && a.y0 === b.y0 && a.x1 === b.x1 && a.y1 === b.y1;

/** Share of the `n` most common bins. */
function topShare(bins: Map<number, number>, n: number, total: number): number {
  const top = [...bins.values()].sort((a, b) => b - a).slice(0, n);
  return top.reduce((a, b) => a + b, 0) / Math.max(1, total);
}

function meanOf(img: DecodedImage, pixels: Int32Array): Rgb {
  const m: Rgb = [0, 0, 0];
  for (const p of pixels) for (let c = 0; c < 3; c++) m[c] += img.rgba[p * 4 + c];
  return m.map((v) => Math.round(v / Math.max(1, pixels.length))) as Rgb;
}

/** Bounding box and count of the component's pixels that have the colour `c` (text boxes count by their background). */
function tightBox(ctx: Ctx, pixels: Int32Array, c: Rgb): { rect: IntRect; count: number } {
  const { img } = ctx;
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1, count = 0;
  for (const p of pixels) {
    if (!sameColour(ctx, p, c)) continue;
    count++;
    const x = p % img.width, y = (p / img.width) | 0;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { rect: { x0, y0, x1: x1 + 1, y1: y1 + 1 }, count };
}

function sameColour(ctx: Ctx, p: number, c: Rgb): boolean {
  const k = ctx.textOf[p];
  if (k >= 0) return dist(ctx.texts[k].background, c) <= SAME_COLOUR;
  const i = p * 4, rgba = ctx.img.rgba;
  const dr = rgba[i] - c[0], dg = rgba[i + 1] - c[1], db = rgba[i + 2] - c[2];
  return dr * dr + dg * dg + db * db <= SAME_COLOUR * SAME_COLOUR;
}

/** True when the pixels of colour `c` lie on the 3-px band along the edges of `r`, all the way round. */
function isOutline(ctx: Ctx, r: IntRect, pixels: Int32Array, c: Rgb): boolean {
  const { img } = ctx;
  let edge = 0, all = 0;
  for (const p of pixels) {
    if (!sameColour(ctx, p, c)) continue;
    all++;
    const x = p % img.width, y = (p / img.width) | 0;
    if (x - r.x0 < 3 || r.x1 - 1 - x < 3 || y - r.y0 < 3 || r.y1 - 1 - y < 3) edge++;
  }
  const perimeter = 2 * (r.x1 - r.x0 + r.y1 - r.y0);
  return r.x1 - r.x0 > 8 && r.y1 - r.y0 > 8 && edge >= 0.8 * all && edge >= 0.8 * perimeter;
}

// From detector boxes to text lines: the local background around each box, the ink inside
// it (tight box), the text colour, a font size and weight guess, and the words read by
// Tesseract from one strip image holding every line normalised to dark-on-light.
import sharp from 'sharp';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { PixelBox } from './text-detect.ts';
import { clampRect, dist, dominantColour, ringPixels, type IntRect, type Rgb } from './pixels.ts';
import { RECOGNISERS, recogniser } from './ocr.ts';

export interface TextLine {
  /** tight box around the ink, image px */
  ink: IntRect;
  /** detector box, clamped */
  det: IntRect;
  background: Rgb;
  color: Rgb;
  /** ink pixels / ink-box area; bold text scores higher */
  density: number;
  /** median stroke run length across rows, px */
  stroke: number;
  text: string;
  confidence: number;
}

/** Minimum colour distance for a pixel to count as ink against the local background. */
const INK = 40;

/** Measures one detected box: background, ink box and ink colour. Null when it holds no ink. */
export function measureLine(img: DecodedImage, b: PixelBox): Omit<TextLine, 'text' | 'confidence'> | null {
  const det = clampRect(img, b.x, b.y, b.x + b.width, b.y + b.height);
  if (det.x1 - det.x0 < 2 || det.y1 - det.y0 < 2) return null;
  const { color: background } = dominantColour(img, ringPixels(img, det, 1));
  const { rgba, width } = img;
  // Ink rows: the detector box may reach into the lines above and below when lines are set
  // tight, so keep only the run of inked rows around the box's middle.
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
  const band = { y0: det.y0 + top, y1: det.y0 + bottom + 1 };
  let x0 = det.x1, y0 = band.y1, x1 = -1, y1 = -1, n = 0, maxD = 0;
  for (let y = band.y0; y < band.y1; y++) {
    for (let x = det.x0; x < det.x1; x++) {
      const i = (y * width + x) * 4;
      const d = dist([rgba[i], rgba[i + 1], rgba[i + 2]], background);
      if (d < INK) continue;
      n++;
      if (d > maxD) maxD = d;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (n < 4) return null;
  const ink = { x0, y0, x1: x1 + 1, y1: y1 + 1 };
  // Text colour: the core of the glyphs, i.e. the pixels farthest from the background
  // (anti-aliased edges blend towards it); the median of that core, channel by channel.
  const core: Rgb[] = [];
  for (let y = ink.y0; y < ink.y1; y++) {
    for (let x = ink.x0; x < ink.x1; x++) {
      const i = (y * width + x) * 4;
      const c: Rgb = [rgba[i], rgba[i + 1], rgba[i + 2]];
      if (dist(c, background) >= 0.8 * maxD) core.push(c);
    }
  }
  const median = (k: 0 | 1 | 2) => core.map((c) => c[k]).sort((a, b) => a - b)[core.length >> 1];
  const color: Rgb = [median(0), median(1), median(2)];
  // Stroke width: median length of horizontal ink runs (cheap bold cue).
  const runs: number[] = [];
  const half = 0.5 * dist(color, background);
  for (let y = ink.y0; y < ink.y1; y += 2) {
    let run = 0;
    for (let x = ink.x0; x <= ink.x1; x++) {
      const i = (y * width + x) * 4;
      const on = x < ink.x1 && dist([rgba[i], rgba[i + 1], rgba[i + 2]], background) >= half;
      if (on) run++;
      else if (run) { runs.push(run); run = 0; }
    }
  }
  runs.sort((a, b) => a - b);
  const area = (ink.x1 - ink.x0) * (ink.y1 - ink.y0);
  return { ink, det, background, color, density: n / area, stroke: runs.length ? runs[runs.length >> 1] : 1 };
}

/** Height the strip gives each line's ink, px: Tesseract reads best around 20–40 px text. */
const STRIP_LINE = 18;
const STRIP_GAP = 14;
const STRIP_MARGIN = 12;

interface Slot { y0: number; y1: number }

/**
 * Builds one grey strip: every line resampled to a common height and mapped to dark ink on
 * white by its distance from its own background (so light-on-dark reads like dark-on-light).
 */
export function buildStrip(img: DecodedImage, lines: Array<Omit<TextLine, 'text' | 'confidence'>>) {
  const pads = 3;
  const plans = lines.map((l) => {
    const h = l.ink.y1 - l.ink.y0 + 2 * pads;
    const scale = Math.max(0.5, Math.min(3, STRIP_LINE / Math.max(1, l.ink.y1 - l.ink.y0)));
    return { l, scale, w: Math.ceil((l.ink.x1 - l.ink.x0 + 2 * pads) * scale), h: Math.ceil(h * scale) };
  });
  const width = Math.max(64, ...plans.map((p) => p.w + 2 * STRIP_MARGIN));
  const height = plans.reduce((s, p) => s + p.h + STRIP_GAP, STRIP_MARGIN * 2);
  const grey = Buffer.alloc(width * height, 255);
  const slots: Slot[] = [];
  let top = STRIP_MARGIN;
  const { rgba } = img;
  for (const { l, scale, w, h } of plans) {
    const contrast = Math.max(1, dist(l.color, l.background));
    const sx0 = l.ink.x0 - pads, sy0 = l.ink.y0 - pads;
    for (let ty = 0; ty < h; ty++) {
      const fy = sy0 + (ty + 0.5) / scale - 0.5;
      for (let tx = 0; tx < w; tx++) {
        const fx = sx0 + (tx + 0.5) / scale - 0.5;
        // Bilinear sample of the "inkness" (distance from the background, 0..1).
        const xa = Math.floor(fx), ya = Math.floor(fy), ax = fx - xa, ay = fy - ya;
        let v = 0;
        for (const [dx, dy, wgt] of [[0, 0, (1 - ax) * (1 - ay)], [1, 0, ax * (1 - ay)], [0, 1, (1 - ax) * ay], [1, 1, ax * ay]] as const) {
          const x = Math.min(img.width - 1, Math.max(0, xa + dx)), y = Math.min(img.height - 1, Math.max(0, ya + dy));
          if (x < l.det.x0 || x >= l.det.x1 || y < l.ink.y0 - 1 || y >= l.ink.y1 + 1) continue;
          const i = (y * img.width + x) * 4;
          v += wgt * Math.min(1, dist([rgba[i], rgba[i + 1], rgba[i + 2]], l.background) / contrast);
        }
        grey[(top + ty) * width + STRIP_MARGIN + tx] = 255 - Math.round(255 * v);
      }
    }
    slots.push({ y0: top, y1: top + h });
    top += h + STRIP_GAP;
  }
  return { grey, width, height, slots };
}

/** Reads the text of every line; returns the lines with text (empty string where none was read). */
export async function readLines(img: DecodedImage, lines: Array<Omit<TextLine, 'text' | 'confidence'>>): Promise<TextLine[]> {
  if (lines.length === 0) return [];
  // Split the lines into as many strips as there are recognisers, balanced by ink area.
  const groups: number[][] = Array.from({ length: Math.min(RECOGNISERS, lines.length) }, () => []);
  const load = groups.map(() => 0);
  const order = lines.map((_, i) => i).sort((a, b) => area(lines[b]) - area(lines[a]));
  for (const i of order) {
    const g = load.indexOf(Math.min(...load));
    groups[g].push(i);
    load[g] += area(lines[i]);
  }
  const out: TextLine[] = new Array(lines.length);
  await Promise.all(groups.map(async (g, slot) => {
    g.sort((a, b) => a - b);
    const read = await readStrip(img, g.map((i) => lines[i]), slot);
    g.forEach((i, k) => (out[i] = read[k]));
  }));
  return out;
}

const area = (l: { ink: IntRect }) => (l.ink.x1 - l.ink.x0) * Math.min(STRIP_LINE, l.ink.y1 - l.ink.y0);

async function readStrip(img: DecodedImage, lines: Array<Omit<TextLine, 'text' | 'confidence'>>, slot: number): Promise<TextLine[]> {
  const strip = buildStrip(img, lines);
  const png = await sharp(strip.grey, { raw: { width: strip.width, height: strip.height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();
  const worker = await recogniser(slot);
  const { data } = await worker.recognize(png, {}, { blocks: true, text: false });
  const words: Array<{ text: string; cx: number; cy: number; conf: number }> = [];
  for (const block of data.blocks ?? [])
    for (const para of block.paragraphs)
      for (const line of para.lines)
        for (const w of line.words)
          words.push({ text: w.text, cx: (w.bbox.x0 + w.bbox.x1) / 2, cy: (w.bbox.y0 + w.bbox.y1) / 2, conf: w.confidence });
  const perSlot: Array<typeof words> = strip.slots.map(() => []);
  for (const w of words) {
    const s = strip.slots.findIndex((sl) => w.cy >= sl.y0 - STRIP_GAP / 2 && w.cy < sl.y1 + STRIP_GAP / 2);
    if (s >= 0) perSlot[s].push(w);
  }
  return lines.map((l, i) => {
    const ws = perSlot[i].sort((a, b) => a.cx - b.cx);
    const text = ws.map((w) => w.text).join(' ').trim();
    const confidence = ws.length ? ws.reduce((s, w) => s + w.conf, 0) / ws.length / 100 : 0;
    return { ...l, text, confidence };
  });
}

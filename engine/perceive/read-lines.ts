// Reading the measured text lines with Tesseract: each line resampled to a common ink height,
// grey, dark ink on white whatever the design's colours, and stacked into one strip image per
// recogniser worker.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { dist, type IntRect } from './pixels.ts';
import { median } from '../stats.ts';
import { DESCENDING_GLYPHS } from './font-metrics.ts';
import { RECOGNISERS, recognise } from './ocr.ts';
import type { MeasuredLine, TextLine } from './text-lines.ts';

/**
 * A line's ink resampled by `scale` into a w × h grey image starting `pad` source px above and
 * left of the ink, dark ink on white by each pixel's distance from the line's own background
 * (so light-on-dark reads like dark-on-light). Only the line's own rows and columns are
 * sampled: what lies beyond is its neighbours' ink.
 */
function lineGrey(img: DecodedImage, l: MeasuredLine, pad: number, scale: number, w: number, h: number): Uint8Array {
  // The "inkness" (distance from the background, 0..1) of the window sampled, computed once:
  // upscaled lines would otherwise measure each source pixel many times over.
  // An underline sits just under the ink box: left in, it reads as '_' and fills the word gaps.
  const wx0 = Math.max(0, l.det.x0), wx1 = Math.min(img.width, l.det.x1);
  const wy0 = Math.max(0, l.ink.y0 - 1), wy1 = Math.min(img.height, l.ink.y1 + (l.underline ? 0 : 1));
  const ww = wx1 - wx0;
  const inkness = new Float32Array(Math.max(0, ww * (wy1 - wy0)));
  const contrast = Math.max(1, dist(l.color, l.background));
  const { rgba } = img;
  for (let y = wy0; y < wy1; y++)
    for (let x = wx0; x < wx1; x++) {
      const i = (y * img.width + x) * 4;
      inkness[(y - wy0) * ww + x - wx0] = Math.min(1, dist([rgba[i], rgba[i + 1], rgba[i + 2]], l.background) / contrast);
    }
  const at = (x: number, y: number) => (x >= wx0 && x < wx1 && y >= wy0 && y < wy1 ? inkness[(y - wy0) * ww + x - wx0] : 0);
  const out = new Uint8Array(w * h);
  const sx0 = l.ink.x0 - pad, sy0 = l.ink.y0 - pad;
  for (let ty = 0; ty < h; ty++) {
    const fy = sy0 + (ty + 0.5) / scale - 0.5;
    const ya = Math.floor(fy), ay = fy - ya;
    for (let tx = 0; tx < w; tx++) {
      const fx = sx0 + (tx + 0.5) / scale - 0.5;
      const xa = Math.floor(fx), ax = fx - xa;
      const v = (1 - ay) * ((1 - ax) * at(xa, ya) + ax * at(xa + 1, ya)) + ay * ((1 - ax) * at(xa, ya + 1) + ax * at(xa + 1, ya + 1));
      out[ty * w + tx] = 255 - Math.round(255 * v);
    }
  }
  return out;
}

/** Height the strip gives each line's ink, px: Tesseract reads best around 20–40 px text. */
const STRIP_LINE = 18;
const STRIP_GAP = 14;
const STRIP_MARGIN = 12;

/** Where a line sits in the strip: its rows, and how its columns map back to the image's. */
interface Slot { y0: number; y1: number; scale: number; x0: number }

/** Builds one grey strip of every line, each resampled to a common ink height. */
function buildStrip(img: DecodedImage, lines: MeasuredLine[]) {
  const pad = 3;
  const plans = lines.map((l) => {
    const scale = Math.max(0.5, Math.min(3, STRIP_LINE / Math.max(1, l.ink.y1 - l.ink.y0)));
    return { l, scale, w: Math.ceil((l.ink.x1 - l.ink.x0 + 2 * pad) * scale), h: Math.ceil((l.ink.y1 - l.ink.y0 + 2 * pad) * scale) };
  });
  const width = Math.max(64, ...plans.map((p) => p.w + 2 * STRIP_MARGIN));
  const height = plans.reduce((s, p) => s + p.h + STRIP_GAP, STRIP_MARGIN * 2);
  const grey = Buffer.alloc(width * height, 255);
  const slots: Slot[] = [];
  let top = STRIP_MARGIN;
  for (const { l, scale, w, h } of plans) {
    const line = lineGrey(img, l, pad, scale, w, h);
    for (let ty = 0; ty < h; ty++) grey.set(line.subarray(ty * w, (ty + 1) * w), (top + ty) * width + STRIP_MARGIN);
    slots.push({ y0: top, y1: top + h, scale, x0: l.ink.x0 - pad });
    top += h + STRIP_GAP;
  }
  return { grey, width, height, slots };
}

/** Reads the text of every line; returns the lines with text (empty string where none was read). `signal` cancels the reading. */
export async function readLines(img: DecodedImage, lines: MeasuredLine[], signal?: AbortSignal): Promise<TextLine[]> {
  if (lines.length === 0) return [];
  // One strip per recogniser, balanced by ink area.
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
    const read = await readStrip(img, g.map((i) => lines[i]), slot, signal);
    g.forEach((i, k) => (out[i] = read[k]));
  }));
  return out;
}

const area = (l: { ink: IntRect }) => (l.ink.x1 - l.ink.x0) * Math.min(STRIP_LINE, l.ink.y1 - l.ink.y0);

interface StripWord { text: string; cx: number; cy: number; conf: number; sx0: number; sx1: number; sy1: number }

/** How far below the line's baseline, strip px (a line's ink is STRIP_LINE high), a bar must reach to descend. */
const BAR_DESCENT = 2;

/**
 * A line's words with every bar that stands on the baseline read as the capital I it is: Tesseract
 * reads a sans-serif I on its own (`So I roll`) as a bar, but a separator's bar (`Home | Shop`)
 * reaches below the baseline, as low as a g's tail, and an I ends on it with the other letters.
 */
function barsOnTheBaseline(ws: StripWord[]): StripWord[] {
  // The baseline: where the words end that have nothing to reach below it.
  const bottoms = ws.filter((w) => w.text.length > 1 && !DESCENDING_GLYPHS.test(w.text) && !w.text.includes('|')).map((w) => w.sy1);
  if (bottoms.length === 0) return ws;
  const baseline = median(bottoms);
  return ws.map((w) => (w.text.trim() === '|' && w.sy1 <= baseline + BAR_DESCENT ? { ...w, text: 'I' } : w));
}

async function readStrip(img: DecodedImage, lines: MeasuredLine[], slot: number, signal: AbortSignal | undefined): Promise<TextLine[]> {
  const strip = buildStrip(img, lines);
  // A binary PGM, the raw grey bytes behind a short header: Leptonica reads it as is, where a
  // PNG costs an encode here and a decode in the WASM worker (~15% of the reading time).
  const pgm = Buffer.concat([Buffer.from(`P5\n${strip.width} ${strip.height}\n255\n`), strip.grey]);
  const data = await recognise(pgm, slot, signal);
  const words: StripWord[] = [];
  for (const block of data.blocks ?? [])
    for (const para of block.paragraphs)
      for (const line of para.lines)
        for (const w of line.words)
          words.push({ text: w.text, cx: (w.bbox.x0 + w.bbox.x1) / 2, cy: (w.bbox.y0 + w.bbox.y1) / 2, conf: w.confidence, sx0: w.bbox.x0, sx1: w.bbox.x1, sy1: w.bbox.y1 });
  const perSlot: Array<typeof words> = strip.slots.map(() => []);
  for (const w of words) {
    const s = strip.slots.findIndex((sl) => w.cy >= sl.y0 - STRIP_GAP / 2 && w.cy < sl.y1 + STRIP_GAP / 2);
    if (s >= 0) perSlot[s].push(w);
  }
  return lines.map((l, i) => {
    const ws = barsOnTheBaseline(perSlot[i].sort((a, b) => a.cx - b.cx));
    const text = ws.map((w) => w.text).join(' ').trim();
    const confidence = ws.length ? ws.reduce((s, w) => s + w.conf, 0) / ws.length / 100 : 0;
    const { x0, scale } = strip.slots[i];
    const column = (sx: number) => Math.round(x0 + (sx - STRIP_MARGIN) / scale);
    const words = ws.filter((w) => w.text.trim()).map((w) => ({ text: w.text.trim(), x0: column(w.sx0), x1: column(w.sx1) }));
    return { ...l, text, confidence, words };
  });
}

// List markers drawn before a line (disc, square, middle dot) are not text: read as text they
// become junk characters ("•" → "-", "=", "¢"), and their box overlapping the line's text
// forces the layout to place things absolutely. They are cut off the line here, before it is
// read, and become small shapes of their own.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { FrameNode } from '../ir/schema.ts';
import { frame, noStyle } from '../ir/build.ts';
import { toHex, type Rgb } from '../ir/color.ts';
import { dist, pixel, type IntRect } from './pixels.ts';
import { INK, type MeasuredLine } from './text-lines.ts';

export interface Bullet {
  rect: IntRect;
  color: Rgb;
  background: Rgb;
  /** a disc or circle rather than a square: its corners are not inked */
  round: boolean;
  /** a circle drawn as a ring (list-style: circle): inked around an empty middle */
  ring: boolean;
}

/** A row with this share of the fullest row's ink belongs to the x-height band. */
const X_BAND = 0.3;
/** Least share of a solid marker's box inked at half its full colour. */
const SOLID = 0.6;

/**
 * Lines with a leading list marker split into the marker and the line without it. The detector
 * sometimes boxes a marker on its own, or with the first letter of a line it also boxed whole:
 * such a fragment becomes the marker alone.
 */
export function splitBullets(img: DecodedImage, lines: MeasuredLine[]): { lines: MeasuredLine[]; bullets: Bullet[] } {
  const bullets: Bullet[] = [];
  const out: MeasuredLine[] = [];
  for (const line of lines) {
    const lead = leadingBlob(img, line);
    const rest = lead.textX0 === undefined ? undefined : { ...line.ink, x0: lead.textX0 };
    const beside = textBeside(line, lead.x1, lines);
    const text = rest && rest.x1 - rest.x0 >= rest.y1 - rest.y0 ? rest : beside?.ink;
    const bullet = text && marker(img, line, { x0: line.ink.x0, x1: lead.x1 }, text, (rest ?? text).x0 - lead.x1);
    if (!bullet) {
      out.push(line);
      continue;
    }
    bullets.push(bullet);
    if (!rest || (beside && beside.ink.x0 <= rest.x0 + 1 && beside.ink.x1 >= rest.x1 - 1)) continue;
    const cut = Math.min(rest.x0 - 1, lead.x1 + Math.floor((rest.x0 - lead.x1) / 2));
    out.push({ ...line, ink: rest, det: { ...line.det, x0: Math.max(line.det.x0, cut) } });
  }
  return { lines: out, bullets };
}

/** Whether the marker stands just before the line, on its row: the line starts a list item. */
export function marks(b: Bullet, line: { ink: IntRect }): boolean {
  const { ink } = line;
  return b.rect.x1 <= ink.x0 && ink.x0 - b.rect.x1 < 3 * (ink.y1 - ink.y0) && b.rect.y0 >= ink.y0 - 1 && b.rect.y1 <= ink.y1 + 1;
}

/** The nearest other line that starts a little to the right of column `x`, on the same row as `line`. */
function textBeside(line: MeasuredLine, x: number, lines: MeasuredLine[]): MeasuredLine | undefined {
  const cy = (line.ink.y0 + line.ink.y1) / 2;
  let best: MeasuredLine | undefined;
  for (const o of lines) {
    const gap = o.ink.x0 - x;
    if (o === line || gap <= 0 || gap > 3 * (o.ink.y1 - o.ink.y0) || cy < o.ink.y0 || cy >= o.ink.y1) continue;
    if (!best || o.ink.x0 < best.ink.x0) best = o;
  }
  return best;
}

/** The line's first blob of inked columns, and where the ink starts again after it (if it does). */
function leadingBlob(img: DecodedImage, line: MeasuredLine): { x1: number; textX0?: number } {
  const { ink, background } = line;
  const columnInked = (x: number) => {
    for (let y = ink.y0; y < ink.y1; y++) if (inkness(img, x, y, background) >= INK) return true;
    return false;
  };
  let x = ink.x0;
  while (x < ink.x1 && columnInked(x)) x++;
  const x1 = x;
  while (x < ink.x1 && !columnInked(x)) x++;
  return x < ink.x1 ? { x1, textX0: x } : { x1 };
}

/**
 * The ink of `line` between columns `cols` as a list marker, judged against the text it
 * stands before: smaller than a lowercase letter, about as wide as tall, floating above the
 * baseline (a letter or a full stop sits on it), below the x-height's top (quotes and
 * asterisks sit high), solid or a ring, and a clear space before the text.
 */
function marker(img: DecodedImage, line: MeasuredLine, cols: { x0: number; x1: number }, text: IntRect, gap: number): Bullet | null {
  const { background } = line;
  const band = xBand(img, text, background);
  if (!band) return null;
  const xHeight = band.baseline + 1 - band.top;
  let top = line.ink.y1, bottom = line.ink.y0 - 1, peak = 0, color: Rgb = line.color;
  for (let y = line.ink.y0; y < line.ink.y1; y++)
    for (let x = cols.x0; x < cols.x1; x++) {
      const d = inkness(img, x, y, background);
      if (d < INK) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      if (d > peak) [peak, color] = [d, pixel(img, x, y)];
    }
  const w = cols.x1 - cols.x0, h = bottom + 1 - top;
  if (w < 2 || h < 2 || w > 0.9 * xHeight || h > 0.9 * xHeight || w > 2 * h || h > 2 * w) return null;
  if (bottom >= band.baseline || top < band.top - 1 || gap < Math.max(3, 0.4 * xHeight)) return null;
  const full = (x: number, y: number) => inkness(img, x, y, background) >= peak / 2;
  let solid = 0;
  for (let y = top; y <= bottom; y++) for (let x = cols.x0; x < cols.x1; x++) if (full(x, y)) solid++;
  // A ring is inked at the middle of each side and not at its centre (a "+" is, an "=" has no
  // sides). A side's middle falls between two pixels when the size is even, each half-covered.
  const mx = (cols.x0 + cols.x1 - 1) / 2, my = (top + bottom) / 2;
  const side = (x: number, y: number) =>
    Math.max(inkness(img, Math.floor(x), Math.floor(y), background), inkness(img, Math.ceil(x), Math.ceil(y), background)) >= peak / 3;
  const ring = w >= 4 && h >= 4 && !full(Math.round(mx), Math.round(my)) && side(mx, top) && side(mx, bottom) && side(cols.x0, my) && side(cols.x1 - 1, my);
  if (!ring && solid < SOLID * w * h) return null;
  const corners = [[cols.x0, top], [cols.x1 - 1, top], [cols.x0, bottom], [cols.x1 - 1, bottom]] as const;
  const round = w >= 4 && corners.filter(([x, y]) => !full(x, y)).length >= 3;
  return { rect: { x0: cols.x0, y0: top, x1: cols.x1, y1: bottom + 1 }, color, background, round, ring };
}

/**
 * The x-height band of a run of text: its fullest rows lie between the x-height and the
 * baseline (ascenders and descenders add only a few pixels a row).
 */
function xBand(img: DecodedImage, r: IntRect, background: Rgb): { top: number; baseline: number } | null {
  const rows = new Int32Array(r.y1 - r.y0);
  for (let y = r.y0; y < r.y1; y++)
    for (let x = r.x0; x < r.x1; x++) if (inkness(img, x, y, background) >= INK) rows[y - r.y0]++;
  const fullest = Math.max(0, ...rows);
  if (fullest === 0) return null;
  const band = [...rows.keys()].filter((k) => rows[k]! >= X_BAND * fullest);
  return { top: r.y0 + band[0]!, baseline: r.y0 + band[band.length - 1]! };
}

const inkness = (img: DecodedImage, x: number, y: number, background: Rgb) => dist(pixel(img, x, y), background);

/** A marker as a fixed-size shape in its colour: filled, or a 1-px ring; discs and circles fully rounded. */
export function bulletNode(b: Bullet, id: string): FrameNode {
  const width = b.rect.x1 - b.rect.x0, height = b.rect.y1 - b.rect.y0;
  const r = b.round ? Math.min(width, height) / 2 : 0;
  return frame(id, { x: b.rect.x0, y: b.rect.y0, width, height }, [], {
    name: 'bullet',
    sizing: { width: 'fixed', height: 'fixed' },
    style: {
      ...noStyle(),
      ...(b.ring
        ? { border: { color: toHex(b.color), style: 'solid' as const, width: { top: 1, right: 1, bottom: 1, left: 1 } } }
        : { fills: [{ type: 'solid' as const, color: toHex(b.color) }] }),
      ...(r > 0 && { radius: [r, r, r, r] as [number, number, number, number] }),
    },
  });
}

// One screen's picture, stitched from every frame that showed it: a frame scrolled to offset Y
// paints its rows at Y and below, and each pixel keeps the best frame that showed it. A still
// frame is better than a moving one (a video encoder spends its bits on still pictures, and a
// moving frame is half way between two); a pixel under the cursor or another passing change is
// worst, so any clean frame replaces it; between equals the earliest stays, which keeps the
// page as it was before a hover highlight or a pressed button.
import type { Box } from '../ir/index.ts';
import { lumaOf, type Luma } from './frame-analysis.ts';
import { AnalysedFrame } from './scroll.ts';

/** Scores a frame can give its pixels. */
export const PAINT = { masked: 1, moving: 100, still: 255 } as const;

export interface StaticBands {
  /** Rows of a fixed header: always painted at the top of the page. */
  top: number;
  /** Rows of a fixed footer: painted once, at the bottom of the page. */
  bottom: number;
}

export class ScreenCanvas {
  private rgba: Uint8Array;
  private score: Uint8Array;
  private capacity: number;
  /** The lowest scroll offset painted so far. */
  maxScrollY = 0;
  private footer?: Uint8Array;
  /** The whole page analysed for looking frames up in it, until the next paint changes it. */
  private analysedPage?: AnalysedFrame;

  constructor(
    readonly width: number,
    readonly viewportHeight: number,
  ) {
    this.capacity = viewportHeight * 2;
    this.rgba = new Uint8Array(width * this.capacity * 4);
    this.score = new Uint8Array(width * this.capacity);
  }

  get height(): number {
    return this.maxScrollY + this.viewportHeight;
  }

  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, Math.ceil(this.capacity * 1.5));
    const rgba = new Uint8Array(this.width * capacity * 4);
    rgba.set(this.rgba);
    const score = new Uint8Array(this.width * capacity);
    score.set(this.score);
    Object.assign(this, { rgba, score, capacity });
  }

  /** Paints a frame scrolled to `scrollY`; pixels inside `masks` (viewport boxes) count as PAINT.masked. */
  paint(frame: Uint8Array, scrollY: number, score: number, bands: StaticBands, masks: readonly Box[]): void {
    this.analysedPage = undefined;
    const H = this.viewportHeight;
    const W = this.width;
    this.reserve(scrollY + H);
    this.maxScrollY = Math.max(this.maxScrollY, scrollY);
    const rowScore = new Uint8Array(W);
    for (let y = 0; y < H; y++) {
      const inFooter = y >= H - bands.bottom && scrollY > 0;
      if (inFooter) continue;
      const target = y < bands.top ? y : scrollY + y;
      rowScore.fill(score);
      for (const m of masks) if (y >= m.y && y < m.y + m.height) rowScore.fill(PAINT.masked, Math.max(0, m.x), Math.min(W, m.x + m.width));
      const src = y * W;
      const dst = target * W;
      const { rgba, score: painted } = this;
      for (let x = 0; x < W; x++) {
        if (rowScore[x]! <= painted[dst + x]!) continue;
        painted[dst + x] = rowScore[x]!;
        const s = (src + x) * 4;
        const d = (dst + x) * 4;
        rgba[d] = frame[s]!;
        rgba[d + 1] = frame[s + 1]!;
        rgba[d + 2] = frame[s + 2]!;
        rgba[d + 3] = frame[s + 3]!;
      }
    }
    if (bands.bottom > 0 && scrollY > 0 && scrollY >= this.maxScrollY) this.footer = frame.slice((H - bands.bottom) * W * 4, H * W * 4);
  }

  /** The painted pixel at page (x, y), and whether any frame painted it. */
  pixel(x: number, y: number): { rgb: [number, number, number]; painted: boolean } {
    const i = y * this.width + x;
    return { rgb: [this.rgba[i * 4]!, this.rgba[i * 4 + 1]!, this.rgba[i * 4 + 2]!], painted: y < this.capacity && this.score[i]! > 0 };
  }

  /** Luminance of the painted page rows [from, to), clipped to the page. */
  luma(from: number, to: number): { luma: Luma; from: number } {
    const a = Math.max(0, from);
    const b = Math.min(this.height, to);
    return { luma: lumaOf(this.rgba.subarray(a * this.width * 4, Math.max(a, b) * this.width * 4), this.width, Math.max(0, b - a)), from: a };
  }

  /** The painted page analysed whole (a screen not on view is looked up at every cut, unchanged since it was left). */
  page(): AnalysedFrame {
    return (this.analysedPage ??= new AnalysedFrame(this.luma(0, this.height).luma));
  }

  /** The whole page: every row down to the furthest scroll, with a fixed footer at the end. */
  image(): { rgba: Uint8Array; width: number; height: number } {
    const rgba = this.rgba.slice(0, this.width * this.height * 4);
    if (this.footer) rgba.set(this.footer, rgba.length - this.footer.length);
    return { rgba, width: this.width, height: this.height };
  }
}

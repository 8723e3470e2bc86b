// A walkthrough's frames → its distinct screens and the clicks between them. Each frame is
// compared with the one before: the same picture give or take a cursor or a highlight (the
// screen stays), the same page moved up or down (a scroll: the screen's canvas grows), or
// something else (a cut). A cut is believed once the next frame agrees with it, so a fade or a
// page still loading is passed over; the settled picture is then looked for in every screen
// seen so far (a revisit, at whatever scroll), or starts a new one. The click that caused the
// cut is where the cursor came to rest before it, with the highlight it lit under it.
import type { VideoFrame } from '../ingest/video.ts';
import { area, containsPoint, grow, type Box } from '../ir/index.ts';
import { CELL_ROWS, CELL_WIDTH, changeMap, changedRegions, changedUnderBoth, lumaOf, type ChangeMap } from './frame-analysis.ts';
import { AnalysedFrame, ROWS_AGREE, alignFrames, offsetInPage, offsetNear, samePicture, type Alignment } from './scroll.ts';
import { PAINT, ScreenCanvas, type StaticBands } from './screen-canvas.ts';

/** A change no larger than this (source pixels, both ways) is the cursor, not the page. */
const CURSOR_SIZE = 64;
/** A change (cursor-sized ones left out) spanning this share of the frame's rows is a new picture. */
const CUT_ROWS = 0.3;
/** A single changed region smaller than this share of the frame is one element's state (hover, press), not a new picture. */
const ONE_ELEMENT = 0.25;
/** How long before a cut the cursor's resting place still counts as the click. */
const CLICK_WINDOW_S = 3;
/** Frame-against-canvas luminance difference that says the cursor is drawn there. */
const CURSOR_CONTRAST = 20;

export interface Screen {
  id: number;
  canvas: ScreenCanvas;
  /** Each time it was on screen: its first and last frame. */
  visits: Array<{ fromS: number; toS: number }>;
  bands: StaticBands;
}

export interface Transition {
  from: number;
  to: number;
  /** The first frame of the new screen. */
  timeS: number;
  /** Where the cursor rested before the cut, in the source screen's page coordinates; absent when no cursor was seen. */
  point?: { x: number; y: number };
  /** What lit up under the cursor just before (a hover or pressed state), page coordinates. */
  highlight?: Box;
}

interface Comparison {
  alignment: Alignment;
  cut: boolean;
  /** Changed regions that are not a cut: the cursor, highlights. */
  regions: Array<Box & { cells: number }>;
}

const analyse = (frame: VideoFrame) => new AnalysedFrame(lumaOf(frame.rgba, frame.width, frame.height));

/** Nothing moved: no scroll, no change. */
const STILL = (rows: number): Comparison => ({ alignment: { dy: 0, staticTop: rows, staticBottom: 0 }, cut: false, regions: [] });

const isCursorSized = (b: Box) => b.width <= CURSOR_SIZE && b.height <= CURSOR_SIZE;

/**
 * Whether the changes, cursor-sized ones left out, make a new picture: they span enough of the
 * frame's rows, and are not one element changing alone (a tall card lifting under the cursor).
 */
function isCut(map: ChangeMap, regions: readonly Box[]): boolean {
  const big = regions.filter((r) => !isCursorSized(r));
  const frameArea = map.cellCols * CELL_WIDTH * map.cellRows * CELL_ROWS;
  if (big.length === 1 && area(big[0]!) < frameArea * ONE_ELEMENT) return false;
  const covered = new Uint8Array(map.cellRows);
  for (const r of big) covered.fill(1, r.y / CELL_ROWS, (r.y + r.height) / CELL_ROWS);
  return covered.reduce((a, b) => a + b, 0) / map.cellRows >= CUT_ROWS;
}

export class ScreenDetector {
  readonly screens: Screen[] = [];
  readonly transitions: Transition[] = [];
  private prev?: AnalysedFrame;
  private current?: Screen;
  private scrollY = 0;
  private pending?: { frame: VideoFrame; analysed: AnalysedFrame };
  /** The cursor's last seen outline in the viewport (its tip at the top left), and the scroll then. */
  private cursor?: { box: Box; timeS: number; scrollY: number };
  private highlight?: { box: Box; timeS: number };

  push(frame: VideoFrame): void {
    const analysed = analyse(frame);
    const prev = this.prev;
    this.prev = analysed;
    if (!prev || !this.current) {
      this.enter(this.startScreen(frame), frame, 0);
      return;
    }
    if (this.pending) {
      const settled = samePicture(this.pending.analysed.luma, analysed.luma) ? STILL(frame.height) : this.compare(this.pending.analysed, analysed);
      if (settled.cut) {
        this.pending = { frame, analysed };
        return;
      }
      const cut = this.pending;
      this.pending = undefined;
      this.settle(cut.frame, cut.analysed);
      this.step(frame, analysed, settled);
      return;
    }
    if (samePicture(prev.luma, analysed.luma)) {
      // The frame before stays the reference: the last pixels of an easing scroll move too
      // little to tell apart frame by frame, but they add up against it.
      this.prev = prev;
      this.step(frame, analysed, STILL(frame.height));
      return;
    }
    const change = this.compare(prev, analysed);
    if (change.cut) this.pending = { frame, analysed };
    else this.step(frame, analysed, change);
  }

  /** Settles a cut the video ended on; returns the screens and transitions. */
  finish(): { screens: Screen[]; transitions: Transition[] } {
    if (this.pending) this.settle(this.pending.frame, this.pending.analysed);
    this.pending = undefined;
    return { screens: this.screens, transitions: this.transitions };
  }

  private compare(prev: AnalysedFrame, cur: AnalysedFrame): Comparison {
    const alignment = alignFrames(prev, cur);
    const rows = cur.luma.rows;
    const { dy, staticTop, staticBottom } = alignment;
    const scrolled = (y: number) => (y < staticTop || y >= rows - staticBottom ? y : y + dy);
    const map = changeMap(prev.luma, cur.luma, scrolled);
    const regions = changedRegions(map);
    if (dy === 0) return { alignment, cut: isCut(map, regions), regions };
    // Beside scrolled content a sidebar or a resting cursor may stay put: that is no new picture.
    // It still counts as a change for painting, so a cursor at rest is kept out of the page.
    const moved = changedUnderBoth(map, changeMap(prev.luma, cur.luma, (y) => y));
    return { alignment, cut: isCut(moved, changedRegions(moved)), regions };
  }

  private startScreen(frame: VideoFrame): Screen {
    const screen: Screen = { id: this.screens.length, canvas: new ScreenCanvas(frame.width, frame.height), visits: [], bands: { top: 0, bottom: 0 } };
    this.screens.push(screen);
    return screen;
  }

  private enter(screen: Screen, frame: VideoFrame, scrollY: number): void {
    this.current = screen;
    this.scrollY = scrollY;
    screen.visits.push({ fromS: frame.timeS, toS: frame.timeS });
    // The cursor stays where it was when the page under it changed: keep it out of the new picture.
    const masks = this.cursor ? [grow(this.cursor.box, 4)] : [];
    screen.canvas.paint(frame.rgba, scrollY, PAINT.still, screen.bands, masks);
  }

  /** A frame of the current screen: follow the scroll and the cursor, and paint it. */
  private step(frame: VideoFrame, analysed: AnalysedFrame, { alignment, regions }: Comparison): void {
    const screen = this.current!;
    screen.visits.at(-1)!.toS = frame.timeS;
    // A repeat of the frame before adds nothing to the picture.
    if (alignment.dy === 0 && regions.length === 0) return;
    if (alignment.dy !== 0) {
      const guess = Math.max(0, this.scrollY + alignment.dy);
      const { staticTop: top, staticBottom } = alignment;
      const bottom = frame.height - staticBottom;
      const page = screen.canvas.luma(guess + top - 8, guess + bottom + 8);
      this.scrollY = offsetNear(page.luma, page.from, analysed.luma, guess, top, bottom);
      screen.bands = { top, bottom: staticBottom };
    }
    this.trackCursor(frame, regions);
    const masks = regions.map((r) => grow(r, 4));
    if (this.cursor) masks.push(grow(this.cursor.box, 4));
    screen.canvas.paint(frame.rgba, this.scrollY, alignment.dy === 0 ? PAINT.still : PAINT.moving, screen.bands, masks);
  }

  /**
   * A moving cursor leaves two small changes, where it was and where it is; it is where the frame
   * differs from the page painted so far. A larger change around it is what it lit up.
   */
  private trackCursor(frame: VideoFrame, regions: Comparison['regions']): void {
    const canvas = this.current!.canvas;
    let best: { box: Box; contrast: number } | undefined;
    for (const r of regions) {
      if (!isCursorSized(r)) continue;
      const contrast = this.contrastWithCanvas(frame, r, canvas);
      if (contrast > CURSOR_CONTRAST && (!best || contrast > best.contrast)) best = { box: r, contrast };
    }
    if (best) this.cursor = { box: best.box, timeS: frame.timeS, scrollY: this.scrollY };
    const c = this.cursor;
    if (!c) return;
    const lit = regions.find((r) => !isCursorSized(r) && containsPoint(grow(r, 8), c.box));
    if (lit) this.highlight = { box: { ...lit, y: this.pageY(lit.y) }, timeS: frame.timeS };
  }

  /** Mean luminance difference between the frame and the painted page inside a viewport box. */
  private contrastWithCanvas(frame: VideoFrame, box: Box, canvas: ScreenCanvas): number {
    let sum = 0;
    let n = 0;
    for (let y = Math.max(0, box.y); y < Math.min(frame.height, box.y + box.height); y++) {
      const pageY = this.pageY(y);
      if (pageY >= canvas.height) continue;
      for (let x = Math.max(0, box.x); x < Math.min(frame.width, box.x + box.width); x++) {
        const { rgb, painted } = canvas.pixel(x, pageY);
        if (!painted) continue;
        const i = (y * frame.width + x) * 4;
        sum += Math.abs(frame.rgba[i]! - rgb[0]) + Math.abs(frame.rgba[i + 1]! - rgb[1]) + Math.abs(frame.rgba[i + 2]! - rgb[2]);
        n += 3;
      }
    }
    return n ? sum / n : 0;
  }

  /** A viewport row's page row on the current screen (a fixed header's rows stay at the top). */
  private pageY(y: number, scrollY = this.scrollY): number {
    return y < this.current!.bands.top ? y : y + scrollY;
  }

  /** A cut has settled on `frame`: a screen seen before, or a new one. */
  private settle(frame: VideoFrame, analysed: AnalysedFrame): void {
    const from = this.current!;
    const found = this.findScreen(analysed);
    const target = found?.screen ?? this.startScreen(frame);
    if (target !== from) {
      const c = this.cursor;
      const recent = c && c.timeS >= frame.timeS - CLICK_WINDOW_S;
      const point = recent ? { x: c.box.x, y: this.pageY(c.box.y, c.scrollY) } : undefined;
      const highlight = point && this.highlight && this.highlight.timeS >= frame.timeS - CLICK_WINDOW_S && containsPoint(grow(this.highlight.box, 8), point) ? this.highlight.box : undefined;
      this.transitions.push({ from: from.id, to: target.id, timeS: frame.timeS, ...(point && { point }), ...(highlight && { highlight }) });
    }
    this.highlight = undefined;
    this.enter(target, frame, found?.scrollY ?? 0);
  }

  /** The screen (and scroll) a settled picture shows, if any seen so far does. */
  private findScreen(frame: AnalysedFrame): { screen: Screen; scrollY: number } | undefined {
    let best: { screen: Screen; scrollY: number; cost: number } | undefined;
    for (const screen of this.screens) {
      const page = screen.canvas.page();
      const { y, cost } = offsetInPage(page, frame, screen.canvas.maxScrollY, screen.bands.top);
      if (cost >= ROWS_AGREE || (best && cost >= best.cost)) continue;
      // Rows agreeing on average can still hide a changed panel: the same test as between frames.
      const top = screen.bands.top;
      const map = changeMap(page.luma, frame.luma, (r) => (r < top ? r : r + y));
      if (isCut(map, changedRegions(map))) continue;
      best = { screen, scrollY: y, cost };
    }
    return best && { screen: best.screen, scrollY: best.scrollY };
  }
}

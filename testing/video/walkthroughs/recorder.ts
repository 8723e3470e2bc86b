// Plays a flow in a real page on a virtual timeline and hands every frame to an encoder. Each
// frame first sets what the frame shows (the scroll offset, where the pointer is, whether the
// button is down); the page is screenshotted only when what it shows can have changed: another
// document or view, another scroll offset, another element under the pointer (hover), a press.
// Otherwise the last screenshot is reused, with the pointer drawn over it where it now is. So
// a dwell costs nothing and a pointer crossing a page costs a screenshot per element it enters.
// Alongside the frames it notes what the ground truth needs: which screen each frame shows,
// how far each was scrolled, and every click with the element it landed on.
import type { CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';
import type { VideoEncoder } from '../../ingest/video-encode.ts';
import { SeededRandom } from '../../../engine/moe/random.ts';
import { drawCursor, type CursorSprite } from './cursor.ts';
import type { Flow, ScrollGoal, Step, Target } from './flows.ts';
import { cursorPath, framesFor, moveDurationMs, scrollPath, type Point } from './motion.ts';
import { pageUrl } from './origin.ts';
import type { Box, ElementFacts, PageState, WalkthroughPage } from './page-api.ts';

export interface SeenScreen {
  /** The page's path, and "#view" when a view of its own is shown. */
  key: string;
  /** The document's address, to load it again. */
  url: string;
  view: string | null;
  firstFrame: number;
  /** The document's height when the screen first showed. */
  pageHeight: number;
  maxScrollY: number;
  /** Elements clicked in place since the document loaded, up to the screen's first showing: clicked again, they bring a fresh load back to this screen. */
  replay: string[];
}

/** A run of frames showing one screen. */
export interface Visit {
  screen: string;
  startFrame: number;
  /** Exclusive. */
  endFrame: number;
  scrollY: { start: number; end: number; max: number };
}

export interface RecordedClick {
  from: string;
  to: string;
  /** The first frame with the button down. */
  pressFrame: number;
  /** The first frame after the release: the click has happened and its result shows. */
  frame: number;
  /** In the viewport, CSS px. */
  point: Point;
  /** As it was when the button went down. */
  element: ElementFacts;
}

export interface Recording {
  frames: number;
  screens: SeenScreen[];
  visits: Visit[];
  clicks: RecordedClick[];
}

export interface RecordOptions {
  fps: number;
  width: number;
  height: number;
  cursor: CursorSprite;
  encoder: VideoEncoder;
  signal?: AbortSignal;
}

/** A press shows its :active style this long before the release. */
const PRESS_MS = 100;
/** Reading, a person scrolls by most of a screen, keeping a few lines of the last one in view. */
const READ_SCREENS = 0.7;
/** How far a pointer path bows to one side, as a share of its length, at most. */
const MAX_BEND = 0.12;

export async function recordFlow(page: Page, flow: Flow, options: RecordOptions): Promise<Recording> {
  const recorder = new Recorder(page, await page.context().newCDPSession(page), options, new SeededRandom(seedOf(flow.name)));
  await recorder.open(pageUrl(flow.start));
  for (const [i, step] of flow.steps.entries()) {
    options.signal?.throwIfAborted();
    try {
      await recorder.run(step);
    } catch (e) {
      throw new Error(`Walkthrough ${flow.name}, step ${i + 1} (${step.kind}): ${(e as Error).message}`, { cause: e });
    }
  }
  return recorder.finish(flow.name);
}

/** Each flow jitters its pointer the same way every time it is played. */
function seedOf(name: string): number {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

class Recorder {
  private mouse: Point;
  private state!: PageState;
  private pressed = false;
  /** Counts document loads and in-place clicks: either can change the page's pixels. */
  private changes = 0;
  private replay: string[] = [];
  private target: { selector: string; point: Point } | undefined;
  private frame = 0;
  private shotKey = '';
  private shot: Buffer | undefined;
  private composed: { pixels: Buffer; at: Point } | undefined;
  private readonly screens = new Map<string, SeenScreen>();
  private readonly visits: Visit[] = [];
  private readonly clicks: RecordedClick[] = [];

  constructor(
    private readonly page: Page,
    private readonly cdp: CDPSession,
    private readonly options: RecordOptions,
    private readonly random: SeededRandom,
  ) {
    // Where a hand resting on the mouse leaves the pointer: right of centre, low.
    this.mouse = { x: Math.round(options.width * (0.55 + 0.2 * random.uniform())), y: Math.round(options.height * (0.6 + 0.2 * random.uniform())) };
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'load' });
    await this.page.evaluate('document.fonts.ready.then(() => undefined)');
    // A new document has no hover until the pointer moves; a move to where it already is counts.
    await this.page.mouse.move(this.mouse.x, this.mouse.y);
    this.changes++;
    this.replay = [];
    await this.probe();
    this.enterScreen();
  }

  run(step: Step): Promise<void> {
    switch (step.kind) {
      case 'dwell':
        return this.dwell(step.ms);
      case 'move':
        return this.move(step.to, step.ms);
      case 'click':
        return this.click(step.opens);
      case 'scroll':
        return this.scroll(step.to, step.ms);
      case 'read':
        return this.read(step.ms, step.pauseMs);
    }
  }

  finish(name: string): Recording {
    const last = this.visits.at(-1)!;
    if (last.endFrame === last.startFrame) throw new Error(`Walkthrough ${name} ends on the click that opens ${last.screen}: end it with a dwell, so the screen is seen.`);
    return { frames: this.frame, screens: [...this.screens.values()], visits: this.visits, clicks: this.clicks };
  }

  private async dwell(ms: number): Promise<void> {
    for (let i = framesFor(ms, this.options.fps); i > 0; i--) await this.emit();
  }

  private async move(to: Target, ms: number | undefined): Promise<void> {
    const element = await this.find(to);
    const shown = this.onScreen(element.box);
    if (!shown) throw new Error(`${element.selector} ("${element.text}") is mostly outside the viewport (${JSON.stringify(element.box)}); scroll to it first.`);
    const point = this.pointIn(shown);
    const distance = Math.hypot(point.x - this.mouse.x, point.y - this.mouse.y);
    const bend = MAX_BEND * (2 * this.random.uniform() - 1);
    for (const p of cursorPath(this.mouse, point, framesFor(ms ?? moveDurationMs(distance), this.options.fps), bend)) {
      // An arc near the edge would leave the screen, which a pointer cannot.
      this.mouse = { x: Math.min(this.options.width - 1, Math.max(0, p.x)), y: Math.min(this.options.height - 1, Math.max(0, p.y)) };
      await this.page.mouse.move(this.mouse.x, this.mouse.y);
      await this.probe();
      await this.emit();
    }
    this.target = { selector: element.selector, point };
  }

  private async click(opens: string | undefined): Promise<void> {
    if (!this.target || this.target.point.x !== this.mouse.x || this.target.point.y !== this.mouse.y) throw new Error('a click must follow a move to the element it clicks.');
    const element = await this.find(this.target.selector);
    if (!(await this.call('covers', element.selector, this.mouse.x, this.mouse.y))) {
      throw new Error(`something else lies over ${element.selector} at (${this.mouse.x}, ${this.mouse.y}).`);
    }
    const from = this.state.screen;
    const pressFrame = this.frame;
    await this.page.mouse.down();
    this.pressed = true;
    await this.dwell(PRESS_MS);
    await this.page.mouse.up();
    this.pressed = false;
    const followed = await this.call('takeNavigation');
    const destination = opens ? new URL(opens, this.page.url()).href : followed;
    if (destination) {
      await this.open(destination);
    } else {
      this.changes++;
      this.replay.push(element.selector);
      await this.probe();
      this.enterScreen();
    }
    this.clicks.push({ from, to: this.state.screen, pressFrame, frame: this.frame, point: this.mouse, element });
    this.target = undefined;
  }

  private async scroll(goal: ScrollGoal, ms: number): Promise<void> {
    const to = Math.min(this.state.scrollMax, Math.max(0, await this.scrollGoal(goal)));
    for (const y of scrollPath(this.state.scrollY, to, framesFor(ms, this.options.fps))) {
      this.state = await this.call('scroll', y, this.mouse.x, this.mouse.y);
      await this.emit();
    }
    // The element moved away from under the pointer: the next click needs a move of its own.
    this.target = undefined;
  }

  private async read(ms: number, pauseMs: number): Promise<void> {
    while (this.state.scrollY < this.state.scrollMax) {
      const from = this.state.scrollY;
      await this.scroll({ by: Math.round(this.options.height * READ_SCREENS) }, ms);
      await this.dwell(pauseMs);
      // A document whose height is a fraction of a pixel can stop a pixel short of its rounded end.
      if (this.state.scrollY === from) break;
    }
  }

  private async scrollGoal(goal: ScrollGoal): Promise<number> {
    if (goal === 'top') return 0;
    if (goal === 'bottom') return this.state.scrollMax;
    if ('by' in goal) return this.state.scrollY + goal.by;
    const { box, scrollY } = await this.find(goal.reveal);
    return Math.round(scrollY + box.y + box.height / 2 - this.options.height / 2);
  }

  /** The part of the box inside the viewport, when that is most of it (padding may overhang the edge a little). */
  private onScreen(box: Box): Box | undefined {
    const x = Math.max(0, box.x);
    const y = Math.max(0, box.y);
    const width = Math.min(this.options.width, box.x + box.width) - x;
    const height = Math.min(this.options.height, box.y + box.height) - y;
    return width > 0 && height > 0 && width * height >= 0.75 * box.width * box.height ? { x, y, width, height } : undefined;
  }

  /** A point well inside the box (people aim near the middle, not at it), on a whole pixel. */
  private pointIn(box: Box): Point {
    const at = (start: number, size: number) => {
      const p = Math.round(start + size * (0.3 + 0.4 * this.random.uniform()));
      return Math.min(Math.ceil(start + size) - 1, Math.max(Math.floor(start) + 1, p));
    };
    return { x: at(box.x, box.width), y: at(box.y, box.height) };
  }

  private find(target: Target): Promise<ElementFacts> {
    const spec = typeof target === 'string' ? { css: target } : target;
    return this.call('find', spec);
  }

  /** Calls the page's `__walkthrough` (page/walkthrough.ts), the arguments passed as JSON. */
  private call<M extends keyof WalkthroughPage>(method: M, ...args: Parameters<WalkthroughPage[M]>): Promise<ReturnType<WalkthroughPage[M]>> {
    return this.page.evaluate(`__walkthrough.${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
  }

  private async probe(): Promise<void> {
    this.state = await this.call('state', this.mouse.x, this.mouse.y);
  }

  private enterScreen(): void {
    const { screen, view, scrollY, height } = this.state;
    if (this.visits.at(-1)?.screen !== screen) this.visits.push({ screen, startFrame: this.frame, endFrame: this.frame, scrollY: { start: scrollY, end: scrollY, max: scrollY } });
    if (!this.screens.has(screen)) {
      const url = new URL(this.page.url());
      this.screens.set(screen, { key: screen, url: url.origin + url.pathname, view, firstFrame: this.frame, pageHeight: height, maxScrollY: scrollY, replay: [...this.replay] });
    }
  }

  private async emit(): Promise<void> {
    const key = `${this.changes}|${this.state.scrollY}|${this.state.hit}|${this.pressed}`;
    if (key !== this.shotKey || !this.shot) {
      this.shot = await this.screenshot();
      this.shotKey = key;
      this.composed = undefined;
    }
    if (!this.composed || this.composed.at.x !== this.mouse.x || this.composed.at.y !== this.mouse.y) {
      this.composed = { pixels: drawCursor(this.shot, this.options.width, this.options.cursor, this.mouse), at: this.mouse };
    }
    await this.options.encoder.write(this.composed.pixels);

    const visit = this.visits.at(-1)!;
    const { scrollY } = this.state;
    visit.endFrame = this.frame + 1;
    visit.scrollY.end = scrollY;
    visit.scrollY.max = Math.max(visit.scrollY.max, scrollY);
    const screen = this.screens.get(visit.screen)!;
    screen.maxScrollY = Math.max(screen.maxScrollY, scrollY);
    this.frame++;
  }

  private async screenshot(): Promise<Buffer> {
    const { data } = await this.cdp.send('Page.captureScreenshot', { format: 'png', optimizeForSpeed: true });
    const { data: rgba, info } = await sharp(Buffer.from(data, 'base64')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.width !== this.options.width || info.height !== this.options.height) {
      throw new Error(`the page was captured at ${info.width}×${info.height}, not the viewport's ${this.options.width}×${this.options.height}.`);
    }
    return rgba;
  }
}

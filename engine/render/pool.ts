// A warm pool of browser pages. Creating a context and page costs ~0.5 s on a 2-core
// machine, so each slot keeps one page and resets it between renders by navigating to a
// fresh about:blank document (a new window: no scripts or globals survive). A slot whose
// page failed is thrown away and rebuilt on next use.
//
// The code rendered is untrusted (a model's, a user's edit), so every render has a time limit:
// a page that never settles (a script that loops forever) is closed with its renderer and the
// render fails with a message saying so, and a browser that does not let go of such a page is
// killed and replaced. A render never blocks the ones queued behind it for longer than the limit.
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { setTimeout as delay } from 'node:timers/promises';
import { LoupeError } from '../errors.ts';
import { cancellable } from '../threads/cancellable.ts';
import { startBrowser, type RunningBrowser } from './browser.ts';
import { MAX_CAPTURE_PIXELS, capturePage } from './capture.ts';

/** Seconds a page may take by default to load, settle and be captured. */
export const RENDER_LIMIT_S = 30;

/** How long a page that overran its limit may take to close before its whole browser is killed. */
const CLOSE_LIMIT_MS = 5_000;

export interface PoolLimits {
  /** Seconds one page may take to load, settle and be captured (default RENDER_LIMIT_S). */
  renderS?: number;
}

export interface Viewport {
  width: number;
  /** Initial viewport height; full-page screenshots grow past it. */
  height: number;
}

export interface Screenshot {
  png: Buffer;
  width: number;
  height: number;
}

export interface PageOptions {
  /** Cancels the render: its page is closed with its renderer and the render fails as cancelled. */
  signal?: AbortSignal;
}

export interface RenderOptions extends PageOptions {
  /** Called with the loaded page before the screenshot, e.g. to read the DOM. */
  inspect?: (page: Page) => Promise<void>;
  fullPage?: boolean;
}

interface Slot {
  /** The browser the page lives in: a slot outlives neither a crash nor a kill of it. */
  browser: Promise<RunningBrowser>;
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
}

export class RenderPool {
  private browser: Promise<RunningBrowser> | undefined;
  private readonly idle: Slot[] = [];
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly renderS: number;
  /** Set by a capture past MAX_CAPTURE_PIXELS: the browser is closed once no page is in use. */
  private retireWhenIdle = false;

  constructor(
    private readonly size = 2,
    { renderS = RENDER_LIMIT_S }: PoolLimits = {},
  ) {
    this.renderS = renderS;
  }

  /**
   * Loads `html` with every network request blocked and runs `fn` on the page, all within the
   * pool's time limit. Code that does not settle in time, or that navigates away from itself, is
   * refused with a LoupeError that says so.
   */
  async withPage<T>(html: string, viewport: Viewport, fn: (page: Page, cdp: CDPSession) => Promise<T>, { signal }: PageOptions = {}): Promise<T> {
    await this.acquire();
    let slot: Slot | undefined;
    let healthy = false;
    try {
      slot = this.idle.pop() ?? (await this.newSlot());
      const result = await bounded(loadAndRun(slot, html, viewport, fn), this.renderS, signal);
      healthy = true;
      return result;
    } finally {
      if (slot && healthy && slot.browser === this.browser) this.idle.push(slot);
      else if (slot) await this.discard(slot);
      this.release();
    }
  }

  /** Renders `html` at the viewport and returns a PNG (full page unless told otherwise). */
  screenshot(html: string, viewport: Viewport, options: RenderOptions = {}): Promise<Screenshot> {
    return this.withPage(html, viewport, async (page, cdp) => {
      // Animations and transitions run to their end first: a page caught mid-fade (a notice
      // fading in) would look different from one capture to the next. Endless ones stay as they are.
      await page.evaluate('document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).forEach((a) => a.finish())');
      await options.inspect?.(page);
      const height =
        options.fullPage === false
          ? viewport.height
          : Math.max(viewport.height, await page.evaluate<number>('Math.ceil(document.documentElement.scrollHeight)'));
      // CDP directly: Playwright's full-page path re-measures and re-encodes, about twice the time.
      const png = await capturePage(cdp, viewport.width, height);
      // Chromium's processes keep most of what drawing a page this large took (about 1 GB at 50
      // megapixels) for as long as they run, through the comparison that follows.
      if (viewport.width * height > MAX_CAPTURE_PIXELS) this.retireWhenIdle = true;
      // The PNG header's own size (IHDR: width at byte 16, height at 20) is what was captured.
      return { png, width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
    }, options);
  }

  /** Starts the browser and the pool's pages now, so the first renders are not charged with their start-up. */
  async warm(): Promise<void> {
    await this.launch();
    while (this.idle.length + this.active < this.size) this.idle.push(await this.newSlot());
  }

  async close(): Promise<void> {
    const launched = this.browser;
    this.forget();
    const running = await launched?.catch(() => undefined);
    if (running && !(await closesInTime(running.browser.close()))) running.kill();
  }

  private async newSlot(): Promise<Slot> {
    const browser = this.launch();
    const context = await (await browser).browser.newContext({ deviceScaleFactor: 1, javaScriptEnabled: true });
    // Generated code is untrusted: only inline (data:/blob:) resources may load.
    await context.route('**/*', (route) => route.abort('blockedbyclient'));
    const page = await context.newPage();
    page.on('popup', (p) => void p.close());
    return { browser, context, page, cdp: await context.newCDPSession(page) };
  }

  /**
   * Closes a failed slot's page with its renderer. Chromium ends even a renderer stuck in a loop
   * when its context closes, but should the browser itself not answer, it is killed (renderers
   * and all) and the next render starts a fresh one.
   */
  private async discard(slot: Slot): Promise<void> {
    if (await closesInTime(slot.context.close())) return;
    if (slot.browser === this.browser) this.forget();
    (await slot.browser).kill();
  }

  private launch(): Promise<RunningBrowser> {
    if (!this.browser) {
      const launched = startBrowser();
      this.browser = launched;
      // A browser that failed to start, crashed or was killed is forgotten: the next render starts another.
      launched.then(
        ({ browser }) => browser.on('disconnected', () => this.browser === launched && this.forget()),
        () => this.browser === launched && this.forget(),
      );
    }
    return this.browser;
  }

  /** Drops the browser and its idle pages, which cannot outlive it. */
  private forget(): void {
    this.browser = undefined;
    this.idle.length = 0;
  }

  private async acquire(): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) return next();
    this.active--;
    if (this.active === 0 && this.retireWhenIdle) {
      this.retireWhenIdle = false;
      // The next render starts a fresh browser (about a second).
      void this.close();
    }
  }
}

/**
 * Loads the code into the slot's page and runs `fn` on it. Code that navigates away from itself
 * (sets `location`, submits a form) as it loads leaves another document on screen, or makes
 * what `fn` was doing fail with an error about a destroyed context: either way it is refused for
 * what it did.
 */
async function loadAndRun<T>({ page, cdp }: Slot, html: string, viewport: Viewport, fn: (page: Page, cdp: CDPSession) => Promise<T>): Promise<T> {
  await page.goto('about:blank');
  // Writing the code into the blank page keeps its document; any navigation replaces it.
  const blank = await documentId(cdp);
  const leftItself = async () => (await documentId(cdp)) !== blank;
  let result: T;
  try {
    await page.setViewportSize(viewport);
    // No timeout of Playwright's: the pool's limit covers the whole render.
    await page.setContent(html, { waitUntil: 'load', timeout: 0 });
    // Page code is passed as strings: the engine is compiled without DOM types.
    await page.evaluate('document.fonts.ready.then(() => undefined)');
    result = await fn(page, cdp);
  } catch (error) {
    if (await leftItself().catch(() => false)) throw navigatedAway();
    throw error;
  }
  if (await leftItself()) throw navigatedAway();
  return result;
}

/** Whether `closing` settled within CLOSE_LIMIT_MS (the timer does not keep the engine running). */
const closesInTime = (closing: Promise<unknown>): Promise<boolean> =>
  Promise.race([closing.then(() => true, () => true), delay(CLOSE_LIMIT_MS, false, { ref: false })]);

/** The id of the document the page's main frame shows (its loader's): a new one after every navigation. */
async function documentId(cdp: CDPSession): Promise<string> {
  return (await cdp.send('Page.getFrameTree')).frameTree.frame.loaderId;
}

/**
 * `work`'s outcome, unless `seconds` pass or `signal` aborts first: then the render's error, and
 * the work still going on is left to fail quietly when its page is closed.
 */
function bounded<T>(work: Promise<T>, seconds: number, signal: AbortSignal | undefined): Promise<T> {
  const limit = AbortSignal.timeout(seconds * 1000);
  return cancellable(work, signal ? AbortSignal.any([signal, limit]) : limit, { reason: () => (limit.aborted ? renderTimeout(seconds) : renderCancelled()) });
}

const renderCancelled = () => new LoupeError('CANCELLED', 'The render was cancelled.');

const renderTimeout = (seconds: number) =>
  new LoupeError(
    'RENDER_TIMEOUT',
    `The code did not finish rendering in ${seconds} s: a script that never ends (a loop with no exit) or a page too heavy to draw. Fix the code and render it again.`,
  );

const navigatedAway = () =>
  new LoupeError(
    'RENDER_NAVIGATED',
    'The code navigated away from itself as it loaded (it sets location, submits a form or follows a link), so there is nothing of it to render. Remove the navigation and render it again.',
  );

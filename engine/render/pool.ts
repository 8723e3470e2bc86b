// A warm pool of browser pages. Creating a context and page costs ~0.5 s on a 2-core
// machine, so each slot keeps one page and resets it between renders by navigating to a
// fresh about:blank document (a new window: no scripts or globals survive). A slot whose
// page failed is thrown away and rebuilt on next use.
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { launchBrowser } from './browser.ts';

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

export interface RenderOptions {
  /** Called with the loaded page before the screenshot, e.g. to read the DOM. */
  inspect?: (page: Page) => Promise<void>;
  fullPage?: boolean;
}

interface Slot {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
}

export class RenderPool {
  private browser: Promise<Browser> | undefined;
  private readonly idle: Slot[] = [];
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size = 2) {}

  /** Loads `html` with every network request blocked and runs `fn` on the page. */
  async withPage<T>(html: string, viewport: Viewport, fn: (page: Page, cdp: CDPSession) => Promise<T>): Promise<T> {
    await this.acquire();
    let slot: Slot | undefined;
    let healthy = false;
    try {
      slot = this.idle.pop() ?? (await this.newSlot());
      const { page } = slot;
      await page.goto('about:blank');
      await page.setViewportSize(viewport);
      await page.setContent(html, { waitUntil: 'load', timeout: 30_000 });
      // Page code is passed as strings: the engine is compiled without DOM types.
      await page.evaluate('document.fonts.ready.then(() => undefined)');
      const result = await fn(page, slot.cdp);
      healthy = true;
      return result;
    } finally {
      if (slot && healthy) this.idle.push(slot);
      else await slot?.context.close().catch(() => undefined);
      this.release();
    }
  }

  /** Renders `html` at the viewport and returns a PNG (full page unless told otherwise). */
  screenshot(html: string, viewport: Viewport, options: RenderOptions = {}): Promise<Screenshot> {
    return this.withPage(html, viewport, async (page, cdp) => {
      await options.inspect?.(page);
      const height =
        options.fullPage === false
          ? viewport.height
          : Math.max(viewport.height, await page.evaluate<number>('Math.ceil(document.documentElement.scrollHeight)'));
      // CDP directly: Playwright's full-page path re-measures and re-encodes, about twice
      // the time; optimizeForSpeed trades PNG size for encoding time (still lossless).
      const { data } = await cdp.send('Page.captureScreenshot', {
        format: 'png',
        optimizeForSpeed: true,
        captureBeyondViewport: true,
        clip: { x: 0, y: 0, width: viewport.width, height, scale: 1 },
      });
      const png = Buffer.from(data, 'base64');
      // The PNG header's own size (IHDR: width at byte 16, height at 20) is what was captured.
      return { png, width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
    });
  }

  /** Starts the browser and the pool's pages now, so the first renders are not charged with their start-up. */
  async warm(): Promise<void> {
    await this.launch();
    while (this.idle.length + this.active < this.size) this.idle.push(await this.newSlot());
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    this.idle.length = 0;
    if (b) await (await b).close().catch(() => undefined);
  }

  private async newSlot(): Promise<Slot> {
    const browser = await this.launch();
    const context = await browser.newContext({ deviceScaleFactor: 1, javaScriptEnabled: true });
    // Generated code is untrusted: only inline (data:/blob:) resources may load.
    await context.route('**/*', (route) => route.abort('blockedbyclient'));
    const page = await context.newPage();
    page.on('popup', (p) => void p.close());
    return { context, page, cdp: await context.newCDPSession(page) };
  }

  private launch(): Promise<Browser> {
    if (!this.browser) {
      this.browser = launchBrowser();
      this.browser.catch(() => (this.browser = undefined));
    }
    return this.browser;
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
    if (next) next();
    else this.active--;
  }
}

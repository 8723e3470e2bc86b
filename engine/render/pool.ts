// A warm pool of browser pages. Each render gets a fresh context, so nothing (storage,
// cookies, scripts) leaks between renders; the browser itself stays up between calls.
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

export class RenderPool {
  private browser: Promise<Browser> | undefined;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size = 2) {}

  /** Loads `html` with every network request blocked and runs `fn` on the page. */
  async withPage<T>(html: string, viewport: Viewport, fn: (page: Page) => Promise<T>): Promise<T> {
    await this.acquire();
    let context: BrowserContext | undefined;
    try {
      const browser = await this.launch();
      context = await browser.newContext({ viewport, deviceScaleFactor: 1, javaScriptEnabled: true });
      // Generated code is untrusted: only inline (data:/blob:) resources may load.
      await context.route('**/*', (route) => route.abort('blockedbyclient'));
      const page = await context.newPage();
      page.on('popup', (p) => void p.close());
      await page.setContent(html, { waitUntil: 'load', timeout: 30_000 });
      // Page code is passed as strings: the engine is compiled without DOM types.
      await page.evaluate('document.fonts.ready.then(() => undefined)');
      return await fn(page);
    } finally {
      await context?.close().catch(() => undefined);
      this.release();
    }
  }

  /** Renders `html` at the viewport and returns a PNG (full page unless told otherwise). */
  screenshot(html: string, viewport: Viewport, options: RenderOptions = {}): Promise<Screenshot> {
    return this.withPage(html, viewport, async (page) => {
      await options.inspect?.(page);
      const png = await page.screenshot({ fullPage: options.fullPage ?? true, type: 'png', animations: 'disabled' });
      // The PNG header's own size (IHDR: width at byte 16, height at 20) is what was captured.
      return { png, width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
    });
  }

  /** Starts the browser now, so the first render is not charged with its start-up. */
  async warm(): Promise<void> {
    await this.launch();
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    if (b) await (await b).close().catch(() => undefined);
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

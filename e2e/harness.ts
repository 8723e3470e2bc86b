// The app in web mode, driven like a person drives it: the built UI in real Chromium against
// the real engine over HTTP, with a fresh history. Shared by the e2e tests and the app benchmark.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../engine/render/browser.ts';
import { RenderPool } from '../engine/render/pool.ts';
import { closePerception } from '../engine/perceive/index.ts';
import { startServer, type EngineServer, type ServeOptions } from '../engine/transport/http.ts';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const landing = `${root}examples/landing.png`;

export interface AppSession {
  page: Page;
  server: EngineServer;
  /** The engine's pages, for tests that render their own inputs (a walkthrough video). */
  pool: RenderPool;
  /** Page errors, console errors and failed requests seen so far. */
  errors: string[];
  /** Stops the engine and starts it again on the same history, then reloads the page. */
  restartEngine(): Promise<void>;
  close(): Promise<void>;
}

/** `options`: how the engine runs conversions the app asks of the local model. */
export async function openApp(options: Pick<ServeOptions, 'localModel'> = {}): Promise<AppSession> {
  execFileSync(process.execPath, ['scripts/build-renderer.mjs', '--production'], { cwd: root, stdio: 'inherit' });
  const pool = new RenderPool(1);
  const historyPath = join(await mkdtemp(join(tmpdir(), 'loupe-app-')), 'history.sqlite');
  const start = () => startServer({ pool, appDir: `${root}renderer/dist`, historyPath, exportsRoot: tmpdir(), ...options });
  let server = await start();
  const browser: Browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(server.openUrl);
  const session: AppSession = {
    page,
    server,
    pool,
    errors,
    async restartEngine() {
      await server.close();
      server = session.server = await start();
      await page.goto(server.openUrl);
    },
    async close() {
      await browser.close();
      await server.close();
      await pool.close();
      await closePerception();
    },
  };
  return session;
}

/** The editor's visible text; Monaco draws spaces as no-break spaces. */
export const editorText = async (page: Page) => (await page.locator('[data-testid=editor] .view-lines').innerText()).replace(/\u00a0/g, ' ');

export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Drops a design on the app and waits until its code is in the editor; returns the ms that took. */
export async function dropDesign(page: Page, file: string): Promise<number> {
  const started = performance.now();
  const before = await page.locator('.job').count();
  await page.getByTestId('file-input').setInputFiles(file);
  // Generous: CI machines are slow and busy; figures come from the benchmark, not from here.
  await until('the conversion', async () => (await page.locator('.job[data-status=done]').count()) > before || (await page.locator('.job[data-status=failed]').count()) > 0, 180_000);
  await until('the code in the editor', async () => (await page.locator('[data-testid=editor] .view-line').count()) >= 5);
  return performance.now() - started;
}

/** Types over the first match of `find` in the editor; returns the ms from the last keystroke until the preview shows `replacement`. */
export async function editAndWaitForPreview(page: Page, find: string, replacement: string): Promise<number> {
  await page.locator('[data-testid=editor] .view-lines').click();
  await page.keyboard.press('Control+f');
  await page.keyboard.press('Control+a');
  await page.keyboard.type(find);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await page.keyboard.type(replacement);
  const started = performance.now();
  await page.frameLocator('[data-testid=preview-frame]').getByText(replacement).waitFor();
  return performance.now() - started;
}

/** What page code uses of an element (the engine's tsconfig has no DOM types). */
export interface InPage {
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  ownerDocument: { documentElement: { clientWidth: number } };
}

/**
 * Clicks the preview's element that holds `text`, where a person sees it. The frame is scaled to
 * fit its pane, and Playwright places elements of a transformed frame as if it were not.
 */
export async function clickInPreview(page: Page, text: string): Promise<void> {
  const frame = page.frameLocator('[data-testid=preview-frame]');
  const target = frame.getByText(text, { exact: true });
  await target.scrollIntoViewIfNeeded();
  const inFrame = await target.evaluate((el) => {
    const r = (el as unknown as InPage).getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2, width: (el as unknown as InPage).ownerDocument.documentElement.clientWidth };
  });
  const box = (await page.getByTestId('preview-frame').boundingBox())!;
  const scale = box.width / inFrame.width;
  await page.mouse.click(box.x + inFrame.x * scale, box.y + inFrame.y * scale);
}

// A screen as one tall picture: what a perfect stitch of its scrolled frames would give. Its
// document is loaded afresh at the walkthrough's width and brought to the screen's view by
// clicking again, in the page, what the walkthrough clicked in place; nothing is hovered and
// there is no pointer.
import type { CDPSession, Page } from 'playwright-core';
import type { SeenScreen } from './recorder.ts';

export async function renderFullPage(page: Page, cdp: CDPSession, screen: SeenScreen, width: number): Promise<Buffer> {
  await page.goto(screen.url, { waitUntil: 'load' });
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  for (const selector of screen.replay) await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).click()`);
  const height = await page.evaluate<number>('Math.ceil(document.documentElement.scrollHeight)');
  // The same picture as page.screenshot({ fullPage: true }) in half the time, as in the render
  // pool; clipped to the viewport's width, since a page that overflows sideways is never scrolled sideways.
  const { data } = await cdp.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } });
  return Buffer.from(data, 'base64');
}

// A page's picture through CDP, in horizontal bands when it is large. Chromium captures beyond
// the viewport by drawing the whole clip at once: an 8192 × 6400 page took 730 MB more in the
// browser's processes captured at once, and 280 MB more captured in bands of 1,024 rows (one run
// each, the pool warm). The bands are joined into one PNG here.
import type { CDPSession } from 'playwright-core';
import sharp, { type OverlayOptions } from 'sharp';

/** The most pixels Chromium is asked to draw in one capture: a 1280 px wide page 6,500 px tall is still one. */
export const MAX_CAPTURE_PIXELS = 8192 * 1024;

async function captureClip(cdp: CDPSession, y: number, width: number, height: number): Promise<Buffer> {
  // optimizeForSpeed trades PNG size for encoding time (still lossless).
  const { data } = await cdp.send('Page.captureScreenshot', { format: 'png', optimizeForSpeed: true, captureBeyondViewport: true, clip: { x: 0, y, width, height, scale: 1 } });
  return Buffer.from(data, 'base64');
}

/** PNG of the page's top `height` px at `width`, captured in bands of at most `maxPixels` each. */
export async function capturePage(cdp: CDPSession, width: number, height: number, maxPixels = MAX_CAPTURE_PIXELS): Promise<Buffer> {
  const band = Math.max(1, Math.floor(maxPixels / width));
  if (height <= band) return captureClip(cdp, 0, width, height);
  const bands: OverlayOptions[] = [];
  for (let top = 0; top < height; top += band) bands.push({ input: await captureClip(cdp, top, width, Math.min(band, height - top)), top, left: 0 });
  return sharp({ create: { width, height, channels: 4, background: '#ffffff' } }).composite(bands).png().toBuffer();
}

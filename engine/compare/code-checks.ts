// Checks that keep the pixel scores honest: generated code must stay code, not a screenshot
// placed on a page, and must be laid out in flow, not pinned with absolute positions.
// - largestImageShare: the largest area any one picture covers (an <img>, <picture>, <svg>,
//   <canvas>, <video>, or an element's CSS background image), clipped to the page, over the
//   page's area;
// - absoluteShare: elements under <body> whose computed position is absolute or fixed, over all
//   elements under <body>.
// Read from the rendered page, so every stack is checked by what the browser made of it.
import type { Page } from 'playwright-core';

export interface CodeChecks {
  largestImageShare: number;
  absoluteShare: number;
  elements: number;
}

/** The limits issue #3 sets for every page: no picture over 30% of it, at most 10% absolute. */
export const CODE_CHECK_LIMITS = { largestImageShare: 0.3, absoluteShare: 0.1 } as const;

export function failedCodeChecks(checks: CodeChecks): string[] {
  return (Object.keys(CODE_CHECK_LIMITS) as (keyof typeof CODE_CHECK_LIMITS)[])
    .filter((k) => checks[k] > CODE_CHECK_LIMITS[k])
    .map((k) => `${k} ${checks[k].toFixed(3)} > ${CODE_CHECK_LIMITS[k]}`);
}

const CHECK_SCRIPT = String.raw`(() => {
  const root = document.documentElement;
  const pageW = Math.max(root.scrollWidth, document.body ? document.body.scrollWidth : 0, window.innerWidth);
  const pageH = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0, window.innerHeight);
  const PICTURES = new Set(['IMG', 'PICTURE', 'SVG', 'CANVAS', 'VIDEO']);
  const elements = document.body ? [...document.body.querySelectorAll('*')] : [];
  let absolute = 0, largest = 0;
  for (const el of elements) {
    const s = getComputedStyle(el);
    if (s.position === 'absolute' || s.position === 'fixed') absolute++;
    const picture = PICTURES.has(el.tagName.toUpperCase()) || (s.backgroundImage && s.backgroundImage.includes('url('));
    if (!picture || s.display === 'none' || s.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    const left = Math.max(0, r.left + window.scrollX), top = Math.max(0, r.top + window.scrollY);
    const right = Math.min(pageW, r.right + window.scrollX), bottom = Math.min(pageH, r.bottom + window.scrollY);
    if (right > left && bottom > top) largest = Math.max(largest, (right - left) * (bottom - top));
  }
  return { largestImageShare: largest / (pageW * pageH), absoluteShare: elements.length ? absolute / elements.length : 0, elements: elements.length };
})()`;

export async function checkCode(page: Page): Promise<CodeChecks> {
  return (await page.evaluate(CHECK_SCRIPT)) as CodeChecks;
}

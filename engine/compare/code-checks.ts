// Checks that keep the pixel scores honest: generated code must stay code, not a screenshot
// placed on a page, and must be laid out in flow, not pinned with absolute positions.
// - largestImageShare: the largest area any one picture covers (an <img>, <picture>, <svg>,
//   <canvas>, <video>, or an element's CSS background image), clipped to the page, over the
//   page's area;
// - absoluteShare: elements under <body> whose computed position is absolute or fixed, over all
//   elements under <body>.
// Read from the rendered page, so every stack is checked by what the browser made of it.
import type { Page } from 'playwright-core';
import { pageScript } from '../render/page-script.ts';

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

const CODE_CHECKS = new URL('./page/code-checks.ts', import.meta.url);

export async function checkCode(page: Page): Promise<CodeChecks> {
  return page.evaluate<CodeChecks>(await pageScript(CODE_CHECKS));
}

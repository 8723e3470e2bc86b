// The smallest pieces the element tree and its sizing rules share: a declaration, a length in px,
// and whether a text sits on one line. Kept apart so the sizing modules (breakpoints.ts,
// fluid-spacing.ts) and tree.ts, which uses them, need not import each other.
import type { TextNode } from '../ir/schema.ts';

/** One CSS declaration: [property, value]. */
export type Decl = readonly [string, string];

/** Rounds to 1/100 px and writes `12px` (or `0`). */
export function px(n: number): string {
  const r = Math.round(n * 100) / 100;
  return r === 0 ? '0' : `${r}px`;
}

/** A text drawn on one line: its box under one and a half lines tall, and no hard break. */
export const isSingleLine = (t: TextNode) => t.box.height < 1.5 * t.style.lineHeight && !t.text.includes('\n');

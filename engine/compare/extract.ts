// Reads the visible text blocks of a loaded page, the inputs of the Design2Code block metrics.
//
// One block per visible DOM text node (Design2Code's extraction also yields one block per text
// element, and its matcher merges consecutive blocks when a paragraph is split differently on
// the two sides), not one per line: a wrapped paragraph is one block whose box spans its lines.
// - text: the node's text with whitespace collapsed and trimmed, with the parent's
//   text-transform applied (what a person, or OCR of the design, reads);
// - box: the bounding box of the node's non-whitespace characters (Range.getBoundingClientRect)
//   plus the scroll offset, i.e. page CSS px, clipped by ancestors that clip their overflow;
// - color: the parent element's computed `color` (`fill` inside SVG) as #rrggbb; its alpha is
//   ignored (the original samples opaque screenshot colours).
// Skipped: script/style/noscript/template/head content, text under display:none,
// visibility:hidden, an ancestor with opacity 0, a fully transparent colour, clip rect(0…) (the
// "sr-only" pattern), and boxes under 1 px or wholly outside the page.
// Also read: the value (or, when empty, the placeholder) of text-like <input>s, <textarea>s and
// <input type=submit|button|reset>, whose text is not in a DOM text node, boxed by the element's
// content box.
//
// The walk itself runs in the page: page/text-blocks.ts.
import type { Page } from 'playwright-core';
import type { TextBlock } from '../ir/text-block.ts';
import { pageScript } from '../render/page-script.ts';

const TEXT_BLOCKS = new URL('./page/text-blocks.ts', import.meta.url);

/** Reads the visible text blocks (text, page CSS px box, computed colour) of a loaded page. */
export async function extractTextBlocks(page: Page): Promise<TextBlock[]> {
  return page.evaluate<TextBlock[]>(await pageScript(TEXT_BLOCKS));
}

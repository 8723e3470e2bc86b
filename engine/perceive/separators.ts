// Links set apart by separators: a breadcrumb (Home / Shop / Shoes), a footer's menu
// (About · Terms · Contact), a list of tags (php , compiler , tools). Their word gaps are word
// spaces, so the line is not cut where it is measured (text-lines.ts); once it is read, the
// separators stand out as words of their own, and the line is cut around them: each item and
// each separator becomes a line of its own, measured on its own columns.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { measureRun, type ReadWord, type TextLine } from './text-lines.ts';

/** Marks that only ever separate: one is enough to tell a row of items. */
const MARK = /^[·•/\\›»>]$/;
/**
 * Marks that prose sets apart too (a dash between clauses, a comma OCR reads loose, a capital
 * I OCR reads as a bar): a row needs three items to count. A full stop is left out: OCR reads
 * one apart in prose.
 */
const PUNCTUATION = /^[|–—\-,]$/;
/** Longest item between separators, words and characters: a link's label, not a phrase of prose. */
const ITEM_WORDS = 4;
const ITEM_CHARS = 32;

export const isSeparator = (text: string): boolean => MARK.test(text.trim()) || PUNCTUATION.test(text.trim());

/** The line's words in pieces: items and the separators between them; null when the line is no such row. */
export function separatedItems(words: ReadWord[]): ReadWord[][] | null {
  const pieces: ReadWord[][] = [];
  for (const w of words) {
    const last = pieces[pieces.length - 1];
    if (isSeparator(w.text) || !last || isSeparator(last[0].text)) pieces.push([w]);
    else last.push(w);
  }
  const items = pieces.filter((p) => !isSeparator(p[0].text));
  const marks = pieces.filter((p) => isSeparator(p[0].text));
  if (marks.length === 0 || items.length < (marks.every((p) => MARK.test(p[0].text)) ? 2 : 3)) return null;
  const short = (p: ReadWord[]) => p.length <= ITEM_WORDS && p.map((w) => w.text).join(' ').length <= ITEM_CHARS;
  // Items that name what they hold (Size: 3-4" | Sun: Y) are facts in a line of text, not links.
  const facts = items.filter((p) => p.some((w) => w.text.includes(':'))).length >= 2;
  return items.every(short) && !facts ? pieces : null;
}

/** The lines with every row of separated items cut into its items and separators. */
export function splitAtSeparators(img: DecodedImage, lines: TextLine[]): TextLine[] {
  return lines.flatMap((l) => {
    const pieces = separatedItems(l.words);
    if (!pieces) return [l];
    const cut: TextLine[] = [];
    for (const [k, p] of pieces.entries()) {
      // Each piece reaches halfway to its neighbours, so its ink is all its own.
      const x0 = k === 0 ? l.det.x0 : Math.ceil((pieces[k - 1][pieces[k - 1].length - 1].x1 + p[0].x0) / 2);
      const x1 = k === pieces.length - 1 ? l.det.x1 : Math.floor((p[p.length - 1].x1 + pieces[k + 1][0].x0) / 2);
      const m = measureRun(img, { x0: Math.max(x0, l.ink.x0), x1: Math.min(x1, l.ink.x1), y0: l.ink.y0, y1: l.ink.y1 }, l.background);
      if (m) cut.push({ ...l, ...m, det: { ...l.det, x0, x1 }, text: p.map((w) => w.text).join(' '), words: p });
      // A separator too small to measure (a middle dot of a few pixels) is left out; an item
      // that cannot be measured means the words' boxes were off: the line stays as it was.
      else if (!isSeparator(p[0].text)) return [l];
    }
    return cut;
  });
}

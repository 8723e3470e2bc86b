// A link or a coloured phrase inside a sentence is cut off its line where the line is measured
// (text-lines.ts: the ink colour changes there). Once read, the pieces of one row that follow
// each other at a word space, in one type on one background, are one sentence again: they are
// joined into one line that keeps its pieces, so the sentence becomes one element that wraps as
// a whole and the link an inline run inside it.
import { dist, type IntRect } from './pixels.ts';
import { lineType } from './typography.ts';
import { inkRuns, sameInk, type InkRun, type TextLine } from './text-lines.ts';

/** Farthest gap between two pieces of one sentence, in font sizes: a word space and the bearings, short of a column gutter. */
const REACH = 0.6;

const union = (a: IntRect, b: IntRect): IntRect => ({ x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) });

/** Whether `b` goes on the sentence of `a` on the same row: next to it, in the same type and on the same ground, in another ink. */
function continuesSentence(a: TextLine, b: TextLine): boolean {
  const gap = b.ink.x0 - a.ink.x1;
  const overlap = Math.min(a.ink.y1, b.ink.y1) - Math.max(a.ink.y0, b.ink.y0);
  // Cheap tests first: a page has hundreds of lines, and only neighbours on a row can join.
  if (gap < 0 || gap > a.ink.y1 - a.ink.y0 || overlap <= 0.5 * Math.min(a.ink.y1 - a.ink.y0, b.ink.y1 - b.ink.y0)) return false;
  const ta = lineType(a), tb = lineType(b);
  if (gap > REACH * ta.fontSize) return false;
  if (Math.abs(ta.baseline - tb.baseline) > 0.15 * ta.fontSize || Math.abs(ta.fontSize - tb.fontSize) > 0.12 * ta.fontSize) return false;
  if (dist(a.background, b.background) > 20) return false;
  const last = inkRuns(a).at(-1)!;
  // Pieces in one ink were cut apart for a reason of their own (a separator, a gutter).
  return !sameInk(last.color, b.color, a.background) || last.underline !== b.underline;
}

/** The lines (top to bottom) with the pieces of each sentence joined into one line, its pieces kept as runs. */
export function joinSentences(lines: TextLine[]): TextLine[] {
  const out: TextLine[] = [];
  const byRow = [...lines].sort((a, b) => a.ink.x0 - b.ink.x0);
  const used = new Set<TextLine>();
  for (const first of byRow) {
    if (used.has(first)) continue;
    used.add(first);
    let line = first;
    for (let next = byRow.find((b) => !used.has(b) && continuesSentence(line, b)); next; next = byRow.find((b) => !used.has(b) && continuesSentence(line, b))) {
      used.add(next);
      line = join(line, next);
    }
    out.push(line);
  }
  return out.sort((a, b) => a.ink.y0 - b.ink.y0 || a.ink.x0 - b.ink.x0);
}

function join(a: TextLine, b: TextLine): TextLine {
  const runs = [...inkRuns(a), ...inkRuns(b)];
  // The line's stems and slant are those of its widest piece (most of its glyphs); its colour
  // is the ink most of its characters are in, the one its links stand out from.
  const main = b.ink.x1 - b.ink.x0 > a.ink.x1 - a.ink.x0 ? b : a;
  const chars = (r: InkRun) => runs.reduce((n, o) => (sameInk(o.color, r.color, a.background) ? n + o.text.length : n), 0);
  return {
    ...main,
    color: runs.reduce((best, r) => (chars(r) > chars(best) ? r : best)).color,
    ink: union(a.ink, b.ink),
    det: union(a.det, b.det),
    background: a.background,
    underline: runs.every((r) => r.underline),
    text: `${a.text} ${b.text}`,
    confidence: Math.min(a.confidence, b.confidence),
    words: [...a.words, ...b.words],
    runs,
  };
}

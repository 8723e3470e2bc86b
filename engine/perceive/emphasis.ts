// Bold or italic words inside a line of regular text (a `<strong>` or `<em>` phrase in a sentence)
// are in the same ink as the words around them, so nothing cuts the line there (text-lines.ts
// cuts at colour changes). Once the words are read, each is weighed by its own stems and its
// slant: a run of words whose stems are bold against the line's regular ones, or that lean in an
// upright line, becomes a run of its own, marked so, and the code has the phrase as an inline
// element rather than setting the whole line in one weight or style.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { median } from '../stats.ts';
import { ITALIC_SLANT, lineType } from './typography.ts';
import { inkRuns, measureRun, outlineStroke, type InkRun, type TextLine } from './text-lines.ts';

/** Fewest letters or digits a word needs for its stems to be weighed on its own: shorter ones (I'll, All) have too few. */
const WEIGHED_CHARS = 4;
/**
 * How much thicker than the line's median word a bold word's stems are, at least (the median is
 * of a line mostly regular, see below). Measured on paragraphs in six faces at 12–20 px with bold
 * words in them, against the median of each line's regular words: regular words 0.87–1.16, bold
 * ones 1.16–1.82 (median 1.38).
 */
const BOLDER = 1.25;
/** Fewest words a line needs weighed for its regular stems to be known. */
const WEIGHED_WORDS = 4;
/** Letters drawn with diagonal strokes, which lean whatever the face. */
const DIAGONAL = /[vwxyzkAKMNVWXYZ]/;
/** Most a line's median word may lean for the line to be upright (slant is measured in steps of 0.025). */
const UPRIGHT_SLANT = 0.025;

/** The lines with their bold and italic words (in a line that is regular and upright otherwise) as runs of their own. */
export function markEmphasis(img: DecodedImage, lines: TextLine[]): TextLine[] {
  return lines.map((l) => emphasised(img, l) ?? l);
}

/** A word as its ink measures: stroke (outline) width and slant; undefined for a word with no ink or no letters. */
interface Measured { stroke: number; slant: number }

function emphasised(img: DecodedImage, l: TextLine): TextLine | undefined {
  if (l.words.length < WEIGHED_WORDS) return undefined;
  const type = lineType(l);
  const chars = l.words.map((w) => w.text.replace(/[^\p{L}\p{N}]/gu, '').length);
  const measured = l.words.map((w, i): Measured | undefined => {
    if (chars[i] === 0) return undefined;
    const m = measureRun(img, { x0: w.x0, x1: w.x1, y0: l.ink.y0, y1: l.ink.y1 }, l.background);
    return m ? { stroke: outlineStroke(img, m.ink, l.background, m.color), slant: m.slant } : undefined;
  });
  const weighed = measured.filter((m, i): m is Measured => m !== undefined && chars[i] >= WEIGHED_CHARS);
  if (weighed.length < WEIGHED_WORDS) return undefined;
  const plain = median(weighed.map((m) => m.stroke));
  const bold = type.fontWeight === 700 ? undefined : emphasis(measured.map((m) => m && m.stroke >= BOLDER * plain), chars.map((c) => c >= WEIGHED_CHARS));
  // Slant is trusted from the words whose strokes stand upright in a roman face: diagonals (v, w,
  // y…) lean in any face ("very" measured 0.4 in an upright paragraph). They may still join an
  // italic neighbour when they lean too.
  const slanted = measured.map((m) => m && m.slant >= ITALIC_SLANT);
  const straight = l.words.map((w, i) => chars[i] >= WEIGHED_CHARS && !DIAGONAL.test(w.text));
  const straightSlants = measured.filter((m, i): m is Measured => m !== undefined && straight[i]).map((m) => m.slant);
  // An upright line's words lean no more than its median word, give or take the slant's step.
  const upright = !type.italic && straightSlants.length >= WEIGHED_WORDS && median(straightSlants) <= UPRIGHT_SLANT;
  const italic = upright ? emphasis(slanted, straight) : undefined;
  if (!bold && !italic) return undefined;
  const runs = splitRuns(inkRuns(l), l.words.map((w) => w.text), bold ?? chars.map(() => false), italic ?? chars.map(() => false));
  return runs ? { ...l, runs } : undefined;
}

/**
 * Which words carry the emphasis, from what each measures (`marked`; undefined where a word has
 * nothing to measure). Only `trusted` words (long enough, and for slant without diagonals) can
 * start a run, and they must be fewer than half of those measured (a line mostly bold is a bold
 * line measured thin); another word joins an emphasised neighbour when it measures so too
 * ("**two working days**"), and a word with nothing to measure joins between emphasised words.
 * Undefined when no word is emphasised.
 */
function emphasis(marked: Array<boolean | undefined>, trusted: boolean[]): boolean[] | undefined {
  const on = marked.map((m, i) => !!m && trusted[i]);
  const starts = on.filter(Boolean).length;
  if (starts === 0 || starts > trusted.filter((t, i) => t && marked[i] !== undefined).length / 2) return undefined;
  for (let grown = true; grown; ) {
    grown = false;
    for (let i = 0; i < on.length; i++) {
      if (on[i] || !(on[i - 1] || on[i + 1])) continue;
      if (marked[i] || (marked[i] === undefined && on[i - 1] && on[i + 1])) grown = on[i] = true;
    }
  }
  return on;
}

/**
 * The line's ink runs cut again where the words' weight or slant changes; undefined when the
 * words read are not the runs' words (the runs' texts are what the code shows, so they must not
 * be lost).
 */
function splitRuns(runs: InkRun[], words: string[], bold: boolean[], italic: boolean[]): InkRun[] | undefined {
  const perRun = runs.map((r) => r.text.split(/\s+/).filter(Boolean));
  if (perRun.flat().join(' ') !== words.join(' ')) return undefined;
  const out: InkRun[] = [];
  let i = 0;
  for (const [k, run] of runs.entries()) {
    let last: InkRun | undefined;
    for (const word of perRun[k]) {
      if (last && !!last.bold === bold[i] && !!last.italic === italic[i]) last.text += ` ${word}`;
      else out.push((last = { ...run, text: word, ...(bold[i] ? { bold: true } : {}), ...(italic[i] ? { italic: true } : {}) }));
      i++;
    }
  }
  return out;
}

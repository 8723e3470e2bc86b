// Bold words inside a line of regular text (a `<strong>` phrase in a sentence) are in the same ink
// as the words around them, so nothing cuts the line there (text-lines.ts cuts at colour
// changes). Once the words are read, each is weighed by its own stems: a run of words whose stems
// are bold against the line's regular ones becomes a run of its own, marked bold, so the code has
// the phrase as an inline element rather than setting the whole line in one weight.
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { median } from '../stats.ts';
import { lineType } from './typography.ts';
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

/** The lines with their bold words (in a line that is regular otherwise) as runs of their own. */
export function markEmphasis(img: DecodedImage, lines: TextLine[]): TextLine[] {
  return lines.map((l) => emphasised(img, l) ?? l);
}

function emphasised(img: DecodedImage, l: TextLine): TextLine | undefined {
  if (l.words.length < WEIGHED_WORDS || lineType(l).fontWeight === 700) return undefined;
  const chars = l.words.map((w) => w.text.replace(/[^\p{L}\p{N}]/gu, '').length);
  const strokes = l.words.map((w, i) => {
    if (chars[i] === 0) return undefined;
    const m = measureRun(img, { x0: w.x0, x1: w.x1, y0: l.ink.y0, y1: l.ink.y1 }, l.background);
    return m ? outlineStroke(img, m.ink, l.background, m.color) : undefined;
  });
  const weighed = strokes.filter((s, i): s is number => s !== undefined && chars[i] >= WEIGHED_CHARS);
  if (weighed.length < WEIGHED_WORDS) return undefined;
  const plain = median(weighed);
  const heavy = strokes.map((s) => s !== undefined && s >= BOLDER * plain);
  const bold = heavy.map((h, i) => h && chars[i] >= WEIGHED_CHARS);
  // Most of the line must be regular: a line mostly bold is a bold line measured thin.
  const boldWords = bold.filter(Boolean).length;
  if (boldWords === 0 || boldWords > weighed.length / 2) return undefined;
  // A short word joins a bold neighbour when it measures bold too ("**two working days**");
  // alone it is not trusted. A word with no letters to weigh is bold between bold words.
  for (let grown = true; grown; ) {
    grown = false;
    for (let i = 0; i < bold.length; i++) {
      if (bold[i] || !(bold[i - 1] || bold[i + 1])) continue;
      if (heavy[i] || (strokes[i] === undefined && bold[i - 1] && bold[i + 1])) grown = bold[i] = true;
    }
  }
  const runs = splitRuns(inkRuns(l), l.words.map((w) => w.text), bold);
  return runs ? { ...l, runs } : undefined;
}

/**
 * The line's ink runs cut again where the words' weight changes; undefined when the words read
 * are not the runs' words (the runs' texts are what the code shows, so they must not be lost).
 */
function splitRuns(runs: InkRun[], words: string[], bold: boolean[]): InkRun[] | undefined {
  const perRun = runs.map((r) => r.text.split(/\s+/).filter(Boolean));
  if (perRun.flat().join(' ') !== words.join(' ')) return undefined;
  const out: InkRun[] = [];
  let i = 0;
  for (const [k, run] of runs.entries()) {
    let last: InkRun | undefined;
    for (const word of perRun[k]) {
      if (last && last.bold === bold[i]) last.text += ` ${word}`;
      else out.push((last = { ...run, text: word, bold: bold[i] }));
      i++;
    }
  }
  return out;
}

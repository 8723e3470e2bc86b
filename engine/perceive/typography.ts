// Typography from glyph pixels: each read text line gets a font size, weight and letter
// spacing that make a browser draw it as wide and as high as the design has it; consecutive
// lines set as one paragraph become one multi-line text node whose box wraps where the
// design's lines break.
import type { TextNode } from '../ir/schema.ts';
import { text as textNode } from '../ir/build.ts';
import { median } from '../stats.ts';
import { toHex } from '../ir/color.ts';
import { dist } from './pixels.ts';
import { DESCENDING_GLYPHS, faceMetrics, textWidth, type FaceClass } from './font-metrics.ts';
import { inkRuns, sameInk, type InkRun, type TextLine } from './text-lines.ts';

// Glyph zones of the common sans faces (Arial/Helvetica/Liberation Sans) as measured on their
// ink, in em; other faces scale them by their own capital and x heights.
const CAP = 0.716;
const X_HEIGHT = 0.519;
const DESCENT = 0.21;
/**
 * Whether a line's ink reaches below the baseline by about DESCENT: it holds a glyph that does,
 * or a bar standing on its own (a separator: `Home | Shop`; a capital I on its own that the
 * reader took for a bar is read as I, read-lines.ts). A bar inside a word is the reader's capital
 * I (`|nformation`), which stays on the baseline.
 */
const descends = (text: string) => DESCENDING_GLYPHS.test(text) || /(^|\s)\|(\s|$)/.test(text);

/** Side bearings of a line's first and last glyphs together, em: ink is this much narrower than the advances. */
const BEARINGS = 0.07;
/**
 * Stem width over font size above which text is bold: Arial's regular stems are ~0.09 em,
 * its bold ones ~0.14 em (stems measured by coverage, see text-lines.ts stemWidth).
 */
const BOLD_STEM = 0.12;
/** Slant (px per px) from which glyphs are italic: roman stems measure ~0, italic ones 0.1–0.25. */
export const ITALIC_SLANT = 0.08;
/** Fewest words a line needs for the line below to count as its continuation. */
const MIN_WRAPPED_WORDS = 4;
/** How far the width may move the size found from the ink height (OCR may misread a glyph or two). */
const WIDTH_TRUST = 0.1;

/** Font size from the ink height and which glyph zones the text reaches. */
export function estimateFontSize(inkHeight: number, text: string, face: FaceClass = 'sans'): number {
  const tall = /[A-Z0-9bdfhklt!?%&$#@(){}[\]|/\\]/.test(text);
  const deep = descends(text);
  const m = faceMetrics(face, false), sans = faceMetrics('sans', false);
  const em = (tall ? (CAP + 0.02) * (m.capHeight / sans.capHeight) : X_HEIGHT * (m.xHeight / sans.xHeight)) + (deep ? DESCENT : 0);
  return Math.max(6, Math.round((inkHeight / em) * 2) / 2);
}

/** 700 or 400 from the stem width measured on the glyphs. */
export function estimateWeight(stroke: number, fontSize: number): 400 | 700 {
  return stroke / fontSize > BOLD_STEM ? 700 : 400;
}

export interface LineType {
  fontSize: number;
  fontWeight: 400 | 700;
  /** px per character */
  letterSpacing: number;
  italic: boolean;
  /** baseline, image px */
  baseline: number;
}

/** A line's ink width in the bundled face, its bold runs (emphasis.ts) at the bold face's advances. */
function ink(face: FaceClass, l: Pick<TextLine, 'text' | 'runs'>, fontSize: number, bold: boolean, letterSpacing = 0): number {
  const runs = l.runs?.some((r) => r.bold) ? l.runs : [{ text: l.text, bold }];
  const advances = runs.reduce((w, r, k) => w + textWidth(faceMetrics(face, bold || !!r.bold), k ? ` ${r.text}` : r.text, fontSize, letterSpacing), 0);
  return advances - BEARINGS * fontSize - letterSpacing;
}

/**
 * Size, weight and spacing of one line. The ink height gives the size to a pixel; the ink
 * width, against the bundled face's advances, refines it (within WIDTH_TRUST) and what is left
 * over becomes letter spacing, so the rendered line is as wide as the design's.
 */
export function lineType(l: TextLine, face: FaceClass = 'sans'): LineType {
  // Slanted glyphs reach past their advances by about the slant over the x-height.
  const inkW = l.ink.x1 - l.ink.x0 - Math.max(0, l.slant) * 0.7 * (l.ink.y1 - l.ink.y0);
  const byHeight = estimateFontSize(l.ink.y1 - l.ink.y0, l.text, face);
  const fontWeight = estimateWeight(l.stroke, byHeight);
  const bold = fontWeight === 700;
  const perPx = ink(face, l, 1, bold);
  const byWidth = perPx > 0 ? inkW / perPx : byHeight;
  const fontSize = Math.round(Math.min(byHeight * (1 + WIDTH_TRUST), Math.max(byHeight * (1 - WIDTH_TRUST), byWidth)) * 2) / 2;
  const gaps = Math.max(1, [...l.text].length - 1);
  const spacing = (inkW - ink(face, l, fontSize, bold)) / gaps;
  const letterSpacing = Math.abs(spacing) < 0.1 ? 0 : Math.round(Math.max(-0.05 * fontSize, Math.min(0.1 * fontSize, spacing)) * 10) / 10;
  // The same glyphs the size was read with: brackets end as low as a g's tail.
  const deep = descends(l.text);
  // A glyph or two may lean on their own (A, V, /); a word's worth of them is italic.
  const italic = l.slant >= ITALIC_SLANT && l.text.replace(/\W/g, '').length >= 3;
  return { fontSize, fontWeight, letterSpacing, italic, baseline: l.ink.y1 - (deep ? DESCENT * fontSize : 0) };
}

/**
 * Groups lines (sorted top to bottom) into paragraphs: a line continues the paragraph above
 * when it has the same size, weight, colour and left edge, sits one regular line pitch below,
 * and a box as wide as the widest line would have broken the line above before this line's
 * first word. Everything else starts a paragraph of its own, and so does a line that starts
 * a list item (`startsItem`: a marker stands before it).
 */
export function groupParagraphs(lines: TextLine[], startsItem: (l: TextLine) => boolean = () => false): TextLine[][] {
  const types = new Map(lines.map((l) => [l, lineType(l)]));
  const paraOf = new Map<TextLine, TextLine[]>();
  const out: TextLine[][] = [];
  for (const [i, l] of lines.entries()) {
    // The nearest line above that shares some of this line's columns.
    let above: TextLine | undefined;
    for (const u of lines.slice(0, i))
      if (u.ink.y1 <= l.ink.y0 && u.ink.x0 < l.ink.x1 && l.ink.x0 < u.ink.x1 && (!above || u.ink.y1 > above.ink.y1)) above = u;
    const para = above && paraOf.get(above);
    if (para && para[para.length - 1] === above && !startsItem(l) && !continuedOnItsRow(above, lines, types) && continues(para, l, types)) para.push(l);
    else out.push([l]);
    paraOf.set(l, para && para[para.length - 1] === l ? para : out[out.length - 1]);
  }
  return out;
}

/**
 * Whether another run follows the line on its own row (a link after a label, the next cell):
 * then the line ended there because its text did, not because the box was full.
 */
function continuedOnItsRow(l: TextLine, lines: TextLine[], types: Map<TextLine, LineType>): boolean {
  // Farther than a word space plus bearings, nearer than a column gutter.
  const reach = 0.6 * types.get(l)!.fontSize;
  const h = l.ink.y1 - l.ink.y0;
  return lines.some((r) => r !== l && r.ink.x0 >= l.ink.x1 && r.ink.x0 - l.ink.x1 <= reach &&
    Math.min(r.ink.y1, l.ink.y1) - Math.max(r.ink.y0, l.ink.y0) > 0.5 * Math.min(h, r.ink.y1 - r.ink.y0));
}

function continues(para: TextLine[], l: TextLine, types: Map<TextLine, LineType>): boolean {
  const last = para[para.length - 1];
  // A line of a few words over another is more likely a list than a wrapped paragraph.
  if (last.text.split(' ').length < MIN_WRAPPED_WORDS) return false;
  const a = types.get(last)!, b = types.get(l)!;
  if (a.fontWeight !== b.fontWeight || a.italic !== b.italic || last.underline !== l.underline || Math.abs(a.fontSize - b.fontSize) > 0.12 * a.fontSize) return false;
  if (dist(last.color, l.color) > 40 || dist(last.background, l.background) > 20) return false;
  if (Math.abs(l.ink.x0 - para[0].ink.x0) > Math.max(2, 0.1 * a.fontSize)) return false;
  const pitch = b.baseline - a.baseline;
  if (l.ink.y0 < last.ink.y1 || pitch < 1.05 * a.fontSize || pitch > 2 * a.fontSize) return false;
  if (para.length > 1 && Math.abs(pitch - (a.baseline - types.get(para[para.length - 2])!.baseline)) > 2) return false;
  return wrapsLikeDesign([...para, l], types, 'sans') !== null;
}

/**
 * A box width that wraps the paragraph's text where the design broke it: at least the widest
 * rendered line, and narrower than any line plus a space and the next line's first word. Null
 * when no width does both.
 */
function wrapsLikeDesign(para: TextLine[], types: Map<TextLine, LineType>, face: FaceClass): number | null {
  const { fontSize, fontWeight, letterSpacing } = paragraphType(para, types);
  const bold = fontWeight === 700;
  const widths = para.map((l) => ink(face, l, fontSize, bold, letterSpacing) + BEARINGS * fontSize);
  // A little room, so rounding in the browser does not push a last word down.
  const width = Math.ceil(Math.max(...widths) + 0.15 * fontSize);
  for (let i = 0; i + 1 < para.length; i++) {
    const next = para[i + 1].text.split(' ')[0];
    const room = widths[i] + textWidth(faceMetrics(face, bold), ` ${next}`, fontSize, letterSpacing);
    if (room <= width + 0.1 * fontSize) return null;
  }
  return width;
}

function paragraphType(para: TextLine[], types: Map<TextLine, LineType>): LineType {
  const ts = para.map((l) => types.get(l)!);
  return {
    fontSize: median(ts.map((t) => t.fontSize)),
    fontWeight: ts[0].fontWeight,
    letterSpacing: median(ts.map((t) => t.letterSpacing)),
    italic: ts[0].italic,
    baseline: ts[0].baseline,
  };
}

const FAMILY: Record<FaceClass, string> = { sans: 'Liberation Sans', serif: 'Liberation Serif', mono: 'Liberation Mono' };

/**
 * One text node for a paragraph (one or more lines, top to bottom) set in a face of `face`:
 * sizes, spacing and the wrapping width are fitted to that face's advances.
 */
export function toTextNode(para: TextLine[], id: string, face: FaceClass = 'sans'): TextNode {
  const types = new Map(para.map((l) => [l, lineType(l, face)]));
  const { fontSize, fontWeight, letterSpacing, italic, baseline } = paragraphType(para, types);
  const pitch = para.length > 1 ? (types.get(para[para.length - 1])!.baseline - baseline) / (para.length - 1) : 1.2 * fontSize;
  const lineHeight = Math.round(pitch);
  // Place the line box so that the face at this size puts the first baseline where the ink's is.
  const m = faceMetrics(face, fontWeight === 700);
  const top = baseline - m.ascent * fontSize - (lineHeight - (m.ascent + m.descent + m.lineGap) * fontSize) / 2;
  const x = Math.min(...para.map((l) => l.ink.x0));
  const widest = Math.max(...para.map((l) => l.ink.x1 - l.ink.x0)) + 1;
  // Lines grouped as sans may wrap nowhere alike in another face: then the widest line holds them.
  const width = para.length > 1 ? wrapsLikeDesign(para, types, face) ?? widest : widest;
  // The colour of the paragraph's longest line: the one with most glyph pixels.
  const main = para.reduce((a, b) => (b.ink.x1 - b.ink.x0 > a.ink.x1 - a.ink.x0 ? b : a));
  const runs = textRuns(para, main);
  return textNode(id, { x, y: Math.round(top), width, height: lineHeight * para.length }, para.map((l) => l.text).join(' '), {
    fontFamily: FAMILY[face],
    fontClass: face,
    fontSize,
    lineHeight,
    fontWeight,
    letterSpacing,
    italic,
    decoration: para[0].underline ? 'underline' : 'none',
    color: toHex(main.color),
  }, { sizing: { width: 'fixed', height: 'hug' }, ...(runs ? { runs } : {}) });
}

/**
 * The paragraph's text in runs of one ink, when it has more than one. A run in another colour
 * than the paragraph's main line, or underlined where that is not, is a link.
 */
function textRuns(para: TextLine[], main: TextLine): TextNode['runs'] {
  const runs: InkRun[] = [];
  for (const r of para.flatMap(inkRuns)) {
    const last = runs.at(-1);
    if (last && sameInk(last.color, r.color, main.background) && last.underline === r.underline && !!last.bold === !!r.bold && !!last.italic === !!r.italic) last.text += ` ${r.text}`;
    else runs.push({ text: last ? ` ${r.text}` : r.text, color: r.color, underline: r.underline, bold: r.bold, italic: r.italic });
  }
  if (runs.length < 2) return undefined;
  return runs.map((r) => ({
    text: r.text,
    style: { color: toHex(r.color), decoration: r.underline ? 'underline' : 'none', ...(r.bold ? { fontWeight: 700 } : {}), ...(r.italic ? { italic: true } : {}) },
    ...(!sameInk(r.color, main.color, main.background) || r.underline !== main.underline ? { link: true } : {}),
  }));
}

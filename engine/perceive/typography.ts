// Typography from glyph pixels: each read text line becomes a text node whose font size,
// weight, line box and colour make a browser draw it where the design has it.
import type { TextNode } from '../ir/schema.ts';
import { text as textNode } from '../ir/build.ts';
import { toHex } from './pixels.ts';
import type { TextLine } from './text-lines.ts';

// Glyph metrics of the common sans faces (Arial/Helvetica/Liberation Sans), in em.
const CAP = 0.716;
const X_HEIGHT = 0.519;
const DESCENT = 0.21;
const ASCENT_CONTENT = 0.905;
const CONTENT = 1.149;
/**
 * Stem width over font size above which text is bold: Arial's regular stems are ~0.09 em,
 * its bold ones ~0.15 em (stems measured by coverage, see text-lines.ts stemWidth).
 */
const BOLD_STEM = 0.12;

/** Font size from the ink height and which glyph zones the text reaches. */
export function estimateFontSize(inkHeight: number, text: string): number {
  const tall = /[A-Z0-9bdfhklt!?%&$#@(){}[\]|/\\]/.test(text);
  const deep = /[gjpqy(){}[\]|,;]/.test(text);
  const em = (tall ? CAP + 0.02 : X_HEIGHT) + (deep ? DESCENT : 0);
  return Math.max(6, Math.round((inkHeight / em) * 2) / 2);
}

/** 700 or 400 from the stem width measured on the glyphs. */
export function estimateWeight(stroke: number, fontSize: number): 400 | 700 {
  return stroke / fontSize > BOLD_STEM ? 700 : 400;
}

export function toTextNode(l: TextLine, id: string): TextNode {
  const inkH = l.ink.y1 - l.ink.y0;
  const fontSize = estimateFontSize(inkH, l.text);
  const lineHeight = Math.round(fontSize * 1.2);
  const deep = /[gjpqy,;]/.test(l.text);
  // Place the line box so that a sans face at this size puts its baseline where the ink's is.
  const baseline = l.ink.y1 - (deep ? DESCENT * fontSize : 0);
  const top = baseline - ASCENT_CONTENT * fontSize - (lineHeight - CONTENT * fontSize) / 2;
  const box = { x: l.ink.x0, y: Math.round(top), width: l.ink.x1 - l.ink.x0 + 1, height: lineHeight };
  return textNode(id, box, l.text, {
    fontSize,
    lineHeight,
    fontWeight: estimateWeight(l.stroke, fontSize),
    color: toHex(l.color),
  }, { sizing: { width: 'fixed', height: 'hug' } });
}

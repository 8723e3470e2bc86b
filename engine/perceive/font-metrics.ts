// Advance widths of the faces generated code is set in (Arimo, Tinos, Cousine from
// @fontsource, metric-compatible with Arial, Times and Courier), read from their WOFF files:
// how wide a browser will draw a line of text, so perception can choose a face and a letter
// spacing that give the design's line widths, and a box width that wraps a paragraph where
// the design does.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);

export type FaceClass = 'sans' | 'serif' | 'mono';

const SLUG: Record<FaceClass, string> = { sans: 'arimo', serif: 'tinos', mono: 'cousine' };

export interface FaceMetrics {
  unitsPerEm: number;
  /** advance width in font units by code point; characters the face lacks are absent */
  advances: Map<number, number>;
  /** advance of the replacement glyph, for characters the face lacks */
  fallback: number;
  /** Vertical metrics, em: capital and x heights (OS/2), and the ascent, descent and line gap Chromium lays lines out with. */
  capHeight: number;
  xHeight: number;
  ascent: number;
  descent: number;
  lineGap: number;
}

/** Glyphs whose ink reaches below the baseline, about as low as a g's tail (brackets and commas too). */
export const DESCENDING_GLYPHS = /[gjpqy(){}[\],;]/;

const cache = new Map<string, FaceMetrics>();

export function faceMetrics(face: FaceClass, bold: boolean): FaceMetrics {
  const file = `${SLUG[face]}-latin-${bold ? 700 : 400}-normal.woff`;
  let m = cache.get(file);
  if (!m) {
    m = parseWoff(readFileSync(require.resolve(`@fontsource/${SLUG[face]}/files/${file}`)));
    cache.set(file, m);
  }
  return m;
}

/** Width in px a browser gives `text` in this face at `fontSize` (no kerning), plus letter spacing per character. */
export function textWidth(m: FaceMetrics, text: string, fontSize: number, letterSpacing = 0): number {
  let units = 0, n = 0;
  for (const ch of text) {
    units += m.advances.get(ch.codePointAt(0)!) ?? m.fallback;
    n++;
  }
  return (units / m.unitsPerEm) * fontSize + n * letterSpacing;
}

/** The sfnt tables of a WOFF 1.0 file (zlib-compressed tables), enough to read advances. */
function parseWoff(woff: Buffer): FaceMetrics {
  if (woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF file');
  const tables = new Map<string, Buffer>();
  const count = woff.readUInt16BE(12);
  for (let i = 0; i < count; i++) {
    const e = 44 + 20 * i;
    const tag = woff.toString('latin1', e, e + 4);
    const offset = woff.readUInt32BE(e + 4), comp = woff.readUInt32BE(e + 8), orig = woff.readUInt32BE(e + 12);
    const raw = woff.subarray(offset, offset + comp);
    tables.set(tag, comp < orig ? inflateSync(raw) : raw);
  }
  const table = (tag: string) => {
    const t = tables.get(tag);
    if (!t) throw new Error(`font lacks a ${tag} table`);
    return t;
  };
  const unitsPerEm = table('head').readUInt16BE(18);
  const metricsCount = table('hhea').readUInt16BE(34);
  const hmtx = table('hmtx');
  const advanceOf = (glyph: number) => hmtx.readUInt16BE(4 * Math.min(glyph, metricsCount - 1));
  const advances = new Map<number, number>();
  for (const [code, glyph] of cmap4(table('cmap'))) if (glyph) advances.set(code, advanceOf(glyph));
  const os2 = table('OS/2'), hhea = table('hhea');
  const em = (v: number) => v / unitsPerEm;
  // Chromium takes the typographic metrics when the face asks for them (USE_TYPO_METRICS), hhea's otherwise.
  const typo = (os2.readUInt16BE(62) & 0x80) !== 0;
  const [ascent, descent, lineGap] = typo
    ? [os2.readInt16BE(68), -os2.readInt16BE(70), os2.readInt16BE(72)]
    : [hhea.readInt16BE(4), -hhea.readInt16BE(6), hhea.readInt16BE(8)];
  return {
    unitsPerEm,
    advances,
    fallback: advanceOf(0),
    capHeight: em(os2.readInt16BE(88)),
    xHeight: em(os2.readInt16BE(86)),
    ascent: em(ascent),
    descent: em(descent),
    lineGap: em(lineGap),
  };
}

/** Code point → glyph id from the cmap's format-4 (BMP) subtable. */
function* cmap4(cmap: Buffer): Generator<[number, number]> {
  const n = cmap.readUInt16BE(2);
  for (let i = 0; i < n; i++) {
    const sub = cmap.readUInt32BE(4 + 8 * i + 4);
    if (cmap.readUInt16BE(sub) !== 4) continue;
    const segs = cmap.readUInt16BE(sub + 6) / 2;
    const ends = sub + 14, starts = ends + 2 * segs + 2, deltas = starts + 2 * segs, ranges = deltas + 2 * segs;
    for (let s = 0; s < segs; s++) {
      const end = cmap.readUInt16BE(ends + 2 * s), start = cmap.readUInt16BE(starts + 2 * s);
      const delta = cmap.readInt16BE(deltas + 2 * s), rangeOffset = cmap.readUInt16BE(ranges + 2 * s);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let g: number;
        if (rangeOffset === 0) g = (c + delta) & 0xffff;
        else {
          g = cmap.readUInt16BE(ranges + 2 * s + rangeOffset + 2 * (c - start));
          if (g) g = (g + delta) & 0xffff;
        }
        yield [c, g];
      }
    }
    return;
  }
}

// What a text line or a painted area looks like in pixels, measured the same way on the design
// and on the render, so that think mode compares like with like. A pixel is ink by perception's
// own threshold, but the measure is not perception's (text-lines.ts measureRun): the colour is
// the strongest pixels', which anti-aliasing does not pale as it does perception's median of
// the glyph core, and no stem width, slant or underline is worked out each round.
import type { Box } from '../ir/schema.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Rgb } from '../ir/color.ts';
import { clampRect, dist, dominantColour, rectPixels, ringPixels } from '../perceive/pixels.ts';
import { INK } from '../perceive/text-lines.ts';

export interface Ink {
  /** Height of the inked rows, px. */
  height: number;
  /** The colour of the glyphs' fully covered pixels. */
  color: Rgb;
}

/** Which of the inked pixels, ranked by distance from the background, gives the text colour. */
const CORE_PERCENTILE = 0.95;

/** The ink of the text inside `box` (grown by `pad` px), or undefined where there is none. */
function measureInk(img: DecodedImage, box: Box, pad = 2): Ink | undefined {
  const r = clampRect(img, box.x - pad, box.y - pad, box.x + box.width + pad, box.y + box.height + pad);
  if (r.x1 - r.x0 < 2 || r.y1 - r.y0 < 2) return undefined;
  const { color: background } = dominantColour(img, ringPixels(img, r, 0));
  const { rgba, width } = img;
  const inked: Array<{ d: number; i: number }> = [];
  let y0 = r.y1, y1 = -1;
  for (let y = r.y0; y < r.y1; y++) {
    for (let x = r.x0; x < r.x1; x++) {
      const i = (y * width + x) * 4;
      const d = dist([rgba[i], rgba[i + 1], rgba[i + 2]], background);
      if (d < INK) continue;
      inked.push({ d, i });
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  if (inked.length === 0) return undefined;
  // A pixel the glyphs cover fully carries the text colour itself; anti-aliased edges are
  // paler. The strongest pixels are such pixels (a high percentile, not the maximum, so one
  // stray pixel cannot decide), whatever the stroke width of the face.
  inked.sort((a, b) => a.d - b.d);
  const { i } = inked[Math.floor(CORE_PERCENTILE * (inked.length - 1))];
  return { height: y1 - y0 + 1, color: [rgba[i], rgba[i + 1], rgba[i + 2]] };
}

/** A text line's ink on both sides: where perception saw it in the design, where it rendered. */
export function inkPair(design: DecodedImage, designBox: Box, render: DecodedImage, renderBox: Box): { design: Ink; render: Ink } | undefined {
  const d = measureInk(design, designBox);
  const r = d && measureInk(render, renderBox);
  return d && r ? { design: d, render: r } : undefined;
}

/** The colour covering most of `box` (sampled every 2 px) and the share it covers. */
export function dominantFill(img: DecodedImage, box: Box): { color: Rgb; share: number } | undefined {
  const r = clampRect(img, box.x, box.y, box.x + box.width, box.y + box.height);
  if (r.x1 - r.x0 < 4 || r.y1 - r.y0 < 4) return undefined;
  return dominantColour(img, rectPixels(img, r, 2));
}

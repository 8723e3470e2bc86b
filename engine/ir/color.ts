// The IR writes colours as #rrggbb (or #rrggbbaa); perception, layout, think mode and the
// scores work on their channels. The two conversions, for all of them.

/** A colour's red, green and blue, 0–255 (perception's measurements may fall between levels). */
export type Rgb = [number, number, number];

/** #rrggbb of a colour, its channels rounded and clamped to 0–255. */
export const toHex = (c: Rgb): string =>
  '#' + c.map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0')).join('');

/** The channels of #rrggbb or #rrggbbaa (alpha left out: the colours compared are of opaque pixels). */
export function hexToRgb(color: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})?$/i.exec(color);
  if (!m) throw new TypeError(`a colour must be #rrggbb or #rrggbbaa, not ${JSON.stringify(color)}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

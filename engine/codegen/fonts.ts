// Fonts for generated code. Chromium falls back to a serif for any font it does not have,
// and generated code must never fetch fonts, so every text is set in one of three
// metric-compatible families shipped with Loupe (@fontsource): Arimo for sans
// (Arial/Helvetica/Liberation Sans metrics), Tinos for serif (Times), Cousine for mono
// (Courier). The IR's own family follows as a fallback for anyone who has it.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import type { TextStyle } from '../ir/schema.ts';

const require = createRequire(import.meta.url);

export interface BundledFamily {
  family: string;
  slug: string;
  weights: readonly number[];
  generic: string;
}

export const BUNDLED: Record<TextStyle['fontClass'], BundledFamily> = {
  sans: { family: 'Arimo', slug: 'arimo', weights: [400, 500, 600, 700], generic: 'sans-serif' },
  serif: { family: 'Tinos', slug: 'tinos', weights: [400, 700], generic: 'serif' },
  mono: { family: 'Cousine', slug: 'cousine', weights: [400, 700], generic: 'monospace' },
};

/** The page's default family (text nodes all set their own): Arimo when the page bundles it. */
export const DEFAULT_FONT = '"Arimo", sans-serif';

const GENERIC = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-sans-serif', 'ui-serif', 'ui-monospace']);

/** The available weight closest to `weight`; ties go to the heavier one above 500, the lighter one below. */
export function nearestWeight(available: readonly number[], weight: number): number {
  let best = available[0]!;
  for (const w of available) {
    const d = Math.abs(w - weight);
    const bd = Math.abs(best - weight);
    if (d < bd || (d === bd && (weight > 500 ? w > best : w < best))) best = w;
  }
  return best;
}

/**
 * A family name as a CSS string. A font's name is letters, digits, spaces and a little
 * punctuation; anything else is dropped, since a name comes from the design file and lands
 * inside a `<style>` element (a name holding `</style><script>` would end it).
 */
const quote = (family: string) => `"${family.replace(/[^\p{L}\p{M}\p{N} _.,'&+()-]/gu, '').replace(/ +/g, ' ').trim()}"`;

/** `"Arimo", "Helvetica Neue", sans-serif`: the CSS font-family for a text style. */
export function fontStack(style: Pick<TextStyle, 'fontFamily' | 'fontClass'>): string {
  const bundled = BUNDLED[style.fontClass];
  const parts = [quote(bundled.family)];
  const own = style.fontFamily.trim();
  const lower = own.toLowerCase();
  if (own && lower !== bundled.family.toLowerCase() && !GENERIC.has(lower)) parts.push(quote(own));
  parts.push(bundled.generic);
  return parts.join(', ');
}

export interface FontFace {
  family: string;
  weight: number;
  style: 'normal' | 'italic';
  /** Where the generated code keeps it, e.g. fonts/arimo-latin-400-normal.woff2 */
  path: string;
}

/** The font files a set of text styles needs (latin subset, nearest bundled weight), sorted. */
export function facesFor(styles: Iterable<Pick<TextStyle, 'fontClass' | 'fontWeight' | 'italic'>>): FontFace[] {
  const faces = new Map<string, FontFace>();
  for (const s of styles) {
    const b = BUNDLED[s.fontClass];
    const weight = nearestWeight(b.weights, s.fontWeight);
    const style = s.italic ? 'italic' : 'normal';
    const path = `fonts/${b.slug}-latin-${weight}-${style}.woff2`;
    faces.set(path, { family: b.family, weight, style, path });
  }
  return [...faces.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function fontFaceCss(faces: readonly FontFace[]): string {
  return faces
    .map(
      (f) =>
        `@font-face {\n  font-family: "${f.family}";\n  font-style: ${f.style};\n  font-weight: ${f.weight};\n  font-display: block;\n  src: url("${f.path}") format("woff2");\n}\n`,
    )
    .join('\n');
}

export async function readFace(face: FontFace): Promise<Uint8Array> {
  const file = face.path.slice('fonts/'.length);
  const pkg = `@fontsource/${file.split('-')[0]}`;
  return new Uint8Array(await readFile(require.resolve(`${pkg}/files/${file}`)));
}

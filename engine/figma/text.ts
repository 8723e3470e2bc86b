// Figma text → the IR's text style, with runs where characterStyleOverrides give some
// characters another style (a bold word, a link in a sentence).
import type { TextNode as FigmaText, TypeStyle } from '@figma/rest-api-spec';
import type { TextNode, TextStyle } from '../ir/schema.ts';
import { toColor, visiblePaints } from './paint.ts';
import type { VariableBinder } from './variables.ts';

/** The bundled family a design's family is drawn in, by its name. */
export function fontClassOf(family: string): TextStyle['fontClass'] {
  const f = family.toLowerCase();
  if (/mono|code|courier|consol|menlo|hack\b|inconsolata/.test(f)) return 'mono';
  if (/sans/.test(f)) return 'sans';
  if (/serif|times|georgia|garamond|baskerville|bodoni|didot|playfair|merriweather|lora|caslon|minion|cambria|palatino|slab/.test(f)) return 'serif';
  return 'sans';
}

const ALIGN = { LEFT: 'left', RIGHT: 'right', CENTER: 'center', JUSTIFIED: 'justify' } as const;
const CASE = { ORIGINAL: 'none', UPPER: 'uppercase', LOWER: 'lowercase', TITLE: 'capitalize', SMALL_CAPS: 'none', SMALL_CAPS_FORCED: 'none' } as const;
const DECORATION = { NONE: 'none', UNDERLINE: 'underline', STRIKETHROUGH: 'line-through' } as const;

function lineHeight(s: TypeStyle, fontSize: number): number | undefined {
  if (s.lineHeightUnit === 'FONT_SIZE_%' && s.lineHeightPercentFontSize) return (s.lineHeightPercentFontSize / 100) * fontSize;
  return s.lineHeightPx;
}

/** The text colour of a paint list (its top visible solid paint, times the node's opacity) and the variable it is bound to. */
function textColor(fills: TypeStyle['fills'], opacity: number, variables: VariableBinder): Pick<TextStyle, 'color' | 'colorVariable'> | undefined {
  const solid = visiblePaints(fills).filter((p) => p.type === 'SOLID').at(-1);
  if (!solid || solid.type !== 'SOLID') return undefined;
  const color = toColor(solid.color, (solid.opacity ?? 1) * opacity);
  const colorVariable = variables.bind(solid.boundVariables?.color, color, toColor(solid.color));
  return colorVariable ? { color, colorVariable } : { color };
}

/** What `s` sets, as IR text style fields; `base` supplies the font size a percentage refers to. */
function styleFields(s: TypeStyle, opacity: number, baseSize: number, variables: VariableBinder): Partial<TextStyle> {
  const out: Partial<TextStyle> = {};
  if (s.fontFamily) Object.assign(out, { fontFamily: s.fontFamily, fontClass: fontClassOf(s.fontFamily) });
  if (s.fontSize) out.fontSize = s.fontSize;
  if (s.fontWeight) out.fontWeight = Math.min(900, Math.max(100, Math.round(s.fontWeight / 100) * 100));
  const lh = lineHeight(s, s.fontSize ?? baseSize);
  if (lh) out.lineHeight = lh;
  if (s.letterSpacing !== undefined) out.letterSpacing = s.letterSpacing;
  Object.assign(out, textColor(s.fills, opacity, variables));
  if (s.textAlignHorizontal) out.align = ALIGN[s.textAlignHorizontal];
  if (s.italic !== undefined) out.italic = s.italic;
  else if (s.fontStyle) out.italic = /italic|oblique/i.test(s.fontStyle);
  if (s.textDecoration) out.decoration = DECORATION[s.textDecoration];
  if (s.textCase) out.transform = CASE[s.textCase];
  return out;
}

export function textStyleOf(n: FigmaText, variables: VariableBinder): TextStyle {
  const opacity = n.opacity ?? 1;
  const s = n.style;
  const size = s.fontSize ?? 16;
  return {
    fontFamily: 'Inter',
    fontClass: 'sans',
    fontSize: size,
    fontWeight: 400,
    lineHeight: Math.round(size * 1.2 * 100) / 100,
    letterSpacing: 0,
    color: '#000000',
    ...textColor(n.fills, opacity, variables),
    align: 'left',
    italic: false,
    decoration: 'none',
    transform: 'none',
    ...styleFields({ ...s, fills: undefined }, opacity, size, variables),
  };
}

/** The runs of characters sharing a style override; undefined when all share the node's style. */
export function textRuns(n: FigmaText, base: TextStyle, variables: VariableBinder): TextNode['runs'] {
  const overrides = n.characterStyleOverrides ?? [];
  if (!overrides.some((id) => id !== 0 && n.styleOverrideTable?.[id])) return undefined;
  const text = n.characters;
  const runs: NonNullable<TextNode['runs']> = [];
  let start = 0;
  const idAt = (i: number) => overrides[i] ?? 0;
  for (let i = 1; i <= text.length; i++) {
    if (i < text.length && idAt(i) === idAt(start)) continue;
    const override = n.styleOverrideTable?.[idAt(start)];
    const fields = override ? styleFields(override, n.opacity ?? 1, base.fontSize, variables) : {};
    // Only what differs from the node's own style is the run's.
    const own = Object.fromEntries(Object.entries(fields).filter(([k, v]) => base[k as keyof TextStyle] !== v));
    const last = runs.at(-1);
    if (last && JSON.stringify(last.style) === JSON.stringify(own)) last.text += text.slice(start, i);
    else runs.push({ text: text.slice(start, i), style: own });
    start = i;
  }
  return runs.length > 1 ? runs : undefined;
}

/** Figma's auto-resize says how the text box is sized: to its words, to its width, or fixed. */
export function textSizing(n: FigmaText): TextNode['sizing'] {
  switch (n.style.textAutoResize) {
    case 'WIDTH_AND_HEIGHT':
      return { width: 'hug', height: 'hug' };
    case 'HEIGHT':
      return { width: 'fixed', height: 'hug' };
    default:
      return { width: 'fixed', height: 'fixed' };
  }
}

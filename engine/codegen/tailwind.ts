// CSS declarations → Tailwind v4 utilities, and the offline Tailwind build. Scale classes
// are used where they are exact (gap-3 is 12px), arbitrary values elsewhere, and an
// arbitrary property ([prop:value]) for anything Tailwind has no utility for, so every
// declaration survives and the render matches the plain-CSS output.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '@tailwindcss/node';
import type { Decl, Element, Narrow } from './tree.ts';
import { DEFAULT_FONT } from './fonts.ts';

const here = dirname(fileURLToPath(import.meta.url));

const arb = (v: string) => `[${v.replace(/,\s+/g, ',').replace(/ /g, '_')}]`;

/** A colour utility's value: the theme colour a design variable became (`bg-brand`), or the colour itself. */
const colorValue = (v: string) => /^var\(--color-([a-z0-9-]+)\)$/.exec(v)?.[1] ?? arb(v);

/** A length on the spacing scale (4px steps, half steps allowed) or an arbitrary value. */
function spacing(prefix: string, value: string): string {
  if (value === '0') return `${prefix}-0`;
  if (value === 'auto') return `${prefix}-auto`;
  const m = /^(-?)(\d+(?:\.\d+)?)px$/.exec(value);
  if (m) {
    const n = Number(m[2]) / 4;
    if (Number.isInteger(n * 2)) return `${m[1]}${prefix}-${n}`;
  }
  return `${prefix}-${arb(value)}`;
}

/** Padding/margin shorthands (1, 2 or 4 values) as p-/px-/py-/pt-… classes. */
function boxSides(p: 'p' | 'm', value: string): string[] {
  const v = value.split(' ');
  if (v.length === 1) return [spacing(p, v[0]!)];
  // Preflight zeroes every margin and padding: a zero side needs no class.
  if (v.length === 2) return [v[0] === '0' ? '' : spacing(`${p}y`, v[0]!), v[1] === '0' ? '' : spacing(`${p}x`, v[1]!)].filter(Boolean);
  const [t, r, b, l] = v as [string, string, string, string];
  const out: string[] = [];
  if (t !== b || r !== l) {
    for (const [side, x] of [['t', t], ['r', r], ['b', b], ['l', l]] as const) if (x !== '0') out.push(spacing(`${p}${side}`, x));
    return out;
  }
  if (t === b) out.push(spacing(`${p}y`, t));
  else out.push(spacing(`${p}t`, t), spacing(`${p}b`, b));
  if (r === l) out.push(spacing(`${p}x`, r));
  else out.push(spacing(`${p}r`, r), spacing(`${p}l`, l));
  return out;
}

const FONT_SIZES: Record<string, string> = {
  '12px': 'xs', '14px': 'sm', '16px': 'base', '18px': 'lg', '20px': 'xl', '24px': '2xl', '30px': '3xl',
  '36px': '4xl', '48px': '5xl', '60px': '6xl', '72px': '7xl', '96px': '8xl', '128px': '9xl',
};
const WEIGHTS: Record<string, string> = {
  '100': 'thin', '200': 'extralight', '300': 'light', '400': 'normal', '500': 'medium',
  '600': 'semibold', '700': 'bold', '800': 'extrabold', '900': 'black',
};
const SIMPLE: Record<string, Record<string, string>> = {
  position: { relative: 'relative', absolute: 'absolute' },
  display: { flex: 'flex', grid: 'grid', block: 'block' },
  'flex-direction': { column: 'flex-col', row: 'flex-row' },
  'flex-wrap': { wrap: 'flex-wrap' },
  'align-content': { 'flex-start': 'content-start' },
  'justify-content': { center: 'justify-center', 'flex-end': 'justify-end', 'space-between': 'justify-between' },
  'align-items': { 'flex-start': 'items-start', center: 'items-center', 'flex-end': 'items-end', baseline: 'items-baseline', stretch: 'items-stretch' },
  'align-self': { stretch: 'self-stretch' },
  'max-width': { '100%': 'max-w-full' },
  width: { auto: 'w-auto', '100%': 'w-full' },
  flex: { '1': 'flex-1' },
  'flex-shrink': { '0': 'shrink-0' },
  'object-fit': { cover: 'object-cover', contain: 'object-contain', fill: 'object-fill' },
  'background-size': { cover: 'bg-cover', contain: 'bg-contain' },
  'background-position': { center: 'bg-center' },
  'background-repeat': { 'no-repeat': 'bg-no-repeat' },
  'border-style': { solid: 'border-solid', dashed: 'border-dashed', dotted: 'border-dotted' },
  'text-align': { left: 'text-left', center: 'text-center', right: 'text-right', justify: 'text-justify' },
  'font-style': { italic: 'italic' },
  'text-decoration-line': { underline: 'underline', 'line-through': 'line-through' },
  'text-transform': { uppercase: 'uppercase', lowercase: 'lowercase', capitalize: 'capitalize' },
  'white-space': { nowrap: 'whitespace-nowrap', normal: 'whitespace-normal' },
  resize: { none: 'resize-none' },
  overflow: { hidden: 'overflow-hidden' },
  'mix-blend-mode': Object.fromEntries(
    ['multiply', 'screen', 'overlay', 'darken', 'lighten', 'color-dodge', 'color-burn', 'hard-light', 'soft-light', 'difference', 'exclusion', 'hue', 'saturation', 'color', 'luminosity', 'plus-lighter'].map((m) => [m, `mix-blend-${m}`]),
  ),
};
const LENGTHS: Record<string, string> = {
  left: 'left', right: 'right', top: 'top', gap: 'gap', 'row-gap': 'gap-y', 'column-gap': 'gap-x',
  width: 'w', height: 'h', 'min-width': 'min-w', 'min-height': 'min-h', 'max-width': 'max-w', 'max-height': 'max-h',
};

/**
 * Tailwind classes for a list of declarations. `fonts` maps a font-family stack to the
 * theme name it was given (`font-arimo`).
 */
export function toTailwind(decls: readonly Decl[], fonts: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const get = (p: string) => decls.find(([k]) => k === p)?.[1];
  for (const [prop, value] of decls) {
    const simple = SIMPLE[prop]?.[value];
    if (simple) {
      out.push(simple);
      continue;
    }
    const length = LENGTHS[prop];
    if (length && /^(0|-?[\d.]+px)$/.test(value)) {
      out.push(spacing(length, value));
      continue;
    }
    switch (prop) {
      case 'padding':
        out.push(...boxSides('p', value));
        continue;
      case 'margin':
        out.push(...boxSides('m', value));
        continue;
      case 'grid-template-columns': {
        const m = /^repeat\((\d+), minmax\(0, 1fr\)\)$/.exec(value);
        out.push(m ? `grid-cols-${m[1]}` : `[${prop}:${arb(value).slice(1, -1)}]`);
        continue;
      }
      case 'background-color':
        out.push(`bg-${colorValue(value)}`);
        continue;
      case 'background-image':
        if (/^url\([^,]*\)$/.test(value) || /^(linear|radial)-gradient\(.*\)$/.test(value) && !/\),\s/.test(value)) {
          out.push(`bg-${arb(value)}`);
          continue;
        }
        break;
      case 'border-width': {
        const v = value.split(' ');
        if (v.length === 1) out.push(value === '1px' ? 'border' : /^\d+px$/.test(value) ? `border-${parseInt(value)}` : value === '0' ? 'border-0' : `border-${arb(value)}`);
        else {
          const [t, r = t, b = t, l = r] = v as [string, string?, string?, string?];
          for (const [side, w] of [['t', t], ['r', r], ['b', b], ['l', l]] as const) {
            // Preflight zeroes borders (as the html-css reset does): a zero side needs no class.
            if (w !== '0') out.push(w === '1px' ? `border-${side}` : w === '0' ? `border-${side}-0` : `border-${side}-${arb(w)}`);
          }
        }
        continue;
      }
      case 'border-color':
        out.push(`border-${colorValue(value)}`);
        continue;
      case 'border-radius':
        out.push(`rounded-${arb(value)}`);
        continue;
      // box-shadow: an arbitrary property, since shadow-[…] composes ring and inset layers
      // into the computed value.
      case 'opacity': {
        const pct = Math.round(Number(value) * 10000) / 100;
        out.push(Number.isInteger(pct) ? `opacity-${pct}` : `opacity-${arb(value)}`);
        continue;
      }
      case 'font-family': {
        const name = fonts.get(value);
        if (name) {
          out.push(`font-${name}`);
          continue;
        }
        break;
      }
      case 'font-size': {
        const lh = get('line-height');
        const size = FONT_SIZES[value] ?? arb(value);
        const lhN = lh ? /^(\d+)px$/.exec(lh) : null;
        const mod = !lh ? '' : lhN && Number(lhN[1]) % 4 === 0 ? `/${Number(lhN[1]) / 4}` : `/${arb(lh)}`;
        out.push(`text-${size}${mod}`);
        continue;
      }
      case 'line-height':
        if (get('font-size')) continue;
        out.push(`leading-${arb(value)}`);
        continue;
      case 'font-weight':
        out.push(`font-${WEIGHTS[value] ?? arb(value)}`);
        continue;
      case 'filter':
      case 'backdrop-filter': {
        const blur = /^blur\((.+)\)$/.exec(value)?.[1];
        if (blur) {
          out.push(`${prop === 'filter' ? '' : 'backdrop-'}blur-${arb(blur)}`);
          continue;
        }
        break;
      }
      case 'letter-spacing':
        out.push(`tracking-${arb(value)}`);
        continue;
      case 'color':
        out.push(`text-${colorValue(value)}`);
        continue;
    }
    // No utility says this exactly: an arbitrary property does.
    out.push(`[${prop}:${value.replace(/ /g, '_')}]`);
  }
  return out;
}

/**
 * An element's classes: its own declarations, its placeholder's under the `placeholder:` variant,
 * and what changes below each breakpoint under `max-[…]:` (Tailwind's `width < …` media query),
 * within a range from a width up under `min-[…]:` as well.
 */
export function elementClasses(el: Pick<Element, 'decls' | 'placeholder' | 'narrow'>, fonts: ReadonlyMap<string, string>): string[] {
  return [
    ...toTailwind(el.decls, fonts),
    ...toTailwind(el.placeholder ?? [], fonts).map((c) => `placeholder:${c}`),
    ...(el.narrow ?? []).flatMap((n) => toTailwind(n.decls, fonts).map((c) => `${rangeVariant(n)}${c}`)),
  ];
}

const rangeVariant = (n: Narrow) => `${n.from === undefined ? '' : `min-[${n.from}px]:`}${n.below === Infinity ? '' : `max-[${n.below}px]:`}`;

/** `font-arimo`-style theme names for the font stacks in use, stable and distinct. */
export function fontThemeNames(stacks: Iterable<string>): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const stack of [...new Set(stacks)].sort()) {
    const families = stack.split(',').map((f) => f.trim().replace(/^"|"$/g, ''));
    // "Arimo", "Inter", sans-serif → inter; "Arimo", sans-serif → arimo
    const own = families.length > 2 ? families[1]! : families[0]!;
    let base = own.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'text';
    if (['sans', 'serif', 'mono'].includes(base)) base = `${base}-font`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    names.set(stack, name);
  }
  return names;
}

/**
 * Compiles Tailwind offline: `@import "tailwindcss"` resolves from Loupe's own node_modules.
 * The design's variables join the theme, so colour variables become colour utilities.
 */
export async function compileTailwind(
  candidates: Iterable<string>,
  fonts: ReadonlyMap<string, string>,
  extraCss: string,
  variables: ReadonlyMap<string, string>,
): Promise<{ source: string; css: string }> {
  const theme = [
    `  --default-font-family: ${DEFAULT_FONT};`,
    ...[...fonts].map(([stack, name]) => `  --font-${name}: ${stack};`),
    ...[...variables].map(([name, value]) => `  --${name}: ${value};`),
  ].join('\n');
  const source = `@import "tailwindcss";\n\n@theme {\n${theme}\n}\n\n${extraCss}`;
  const compiler = await compile(source, { base: here, onDependency: () => undefined });
  // The licence banner stays; its URL goes (generated code carries no http(s) URLs).
  const css = compiler.build([...new Set(candidates)].sort()).replace(/^(\/\*! tailwindcss v[^|]*\| MIT License) \| https?:\/\/\S+ \*\//m, '$1 */');
  return { source, css };
}

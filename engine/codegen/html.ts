// Writes the element tree as HTML: with a <style> block of readable class rules (html-css)
// or with Tailwind utilities and a compiled styles.css (html-tailwind).
import { mediaCondition, type Decl, type Element, type Narrow, type Page } from './tree.ts';
import { DEFAULT_FONT } from './fonts.ts';

export const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const VOID = new Set(['img', 'hr', 'br', 'input']);

/**
 * The one rule both HTML stacks add to the resets: a word longer than the line (a long name set
 * in large type) breaks onto the next line rather than push the page wider than a phone's screen.
 */
export const LONG_WORDS_CSS = `html {
  overflow-wrap: break-word;
}
`;

/** The same resets Tailwind's preflight makes, so both HTML stacks start from one baseline. */
export const RESET_CSS = `*,
::before,
::after {
  box-sizing: border-box;
  margin: 0;
  padding: 0;
  border: 0 solid;
}
html {
  line-height: 1.5;
  font-family: ${DEFAULT_FONT};
  -webkit-text-size-adjust: 100%;
  tab-size: 4;
}
h1, h2, h3, h4, h5, h6 {
  font-size: inherit;
  font-weight: inherit;
}
a {
  color: inherit;
  text-decoration: inherit;
}
ol, ul, menu {
  list-style: none;
}
img, svg, video, canvas {
  display: block;
  vertical-align: middle;
}
img, video {
  max-width: 100%;
  height: auto;
}
button, input, textarea {
  font: inherit;
  letter-spacing: inherit;
  color: inherit;
  border-radius: 0;
  background-color: transparent;
  opacity: 1;
}
::placeholder {
  opacity: 1;
}
hr {
  height: 0;
  color: inherit;
  border-top-width: 1px;
}
${LONG_WORDS_CSS}`;

/** The element as HTML; `classOf` gives its class attribute. */
export function elementHtml(el: Element, classOf: (el: Element) => string, depth = 0): string {
  const pad = '  '.repeat(depth);
  const cls = classOf(el);
  if (el.svg !== undefined) {
    return pad + svgWithClass(el.svg, cls);
  }
  const attrs = [`class="${escapeAttr(cls)}"`];
  if (el.src !== undefined) attrs.push(`src="${escapeAttr(el.src)}"`);
  for (const [k, v] of el.attrs) attrs.push(`${k}="${escapeAttr(v)}"`);
  const open = `<${el.tag} ${attrs.join(' ')}>`;
  if (VOID.has(el.tag)) return pad + open.replace(/>$/, ' />');
  if (el.text) return `${pad}${open}${el.text.map(escapeText).join('<br />')}</${el.tag}>`;
  if (el.markup) return `${pad}${open}\n${el.markup.html}\n${pad}</${el.tag}>`;
  if (el.inline) {
    const runs = el.children.map((c) => elementHtml(c, classOf)).join('');
    return `${pad}<!-- prettier-ignore -->\n${pad}${open}${runs}</${el.tag}>`;
  }
  if (el.children.length === 0) return `${pad}${open}</${el.tag}>`;
  const inner = el.children.map((c) => elementHtml(c, classOf, depth + 1)).join('\n');
  return `${pad}${open}\n${inner}\n${pad}</${el.tag}>`;
}

/** Adds `cls` to the root <svg> tag's class attribute. */
export function svgWithClass(svg: string, cls: string): string {
  return svg.replace(/^<svg\b[^>]*>/, (open) => {
    const m = /\sclass\s*=\s*("([^"]*)"|'([^']*)')/.exec(open);
    if (!m) return open.replace(/^<svg/, `<svg class="${escapeAttr(cls)}"`);
    const existing = m[2] ?? m[3] ?? '';
    return open.replace(m[0], ` class="${escapeAttr(`${cls} ${existing}`.trim())}"`);
  });
}

export function walk(el: Element, fn: (el: Element) => void): void {
  fn(el);
  for (const c of el.children) walk(c, fn);
}

/** The design variables as custom properties on :root, declared once for every rule that uses them. */
export function variableRules(variables: ReadonlyMap<string, string>): string {
  if (variables.size === 0) return '';
  return `:root {\n${[...variables].map(([name, value]) => `  --${name}: ${value};`).join('\n')}\n}\n\n`;
}

const ruleText = (selector: string, decls: readonly Decl[]) => `${selector} {\n${decls.map(([p, v]) => `  ${p}: ${v};`).join('\n')}\n}\n`;

/**
 * One rule per element, in document order; then one media query per range, the widest `below`
 * first, with the rules of the elements that reflow there (after the rules they override).
 */
export function classRules(root: Element): string {
  const rules: string[] = [];
  const narrow = new Map<string, { range: Narrow; rules: string[] }>();
  walk(root, (el) => {
    const rule = (selector: string, decls: readonly Decl[]) => rules.push(ruleText(selector, decls));
    for (const n of el.narrow ?? []) {
      const key = mediaCondition(n);
      const group = narrow.get(key) ?? narrow.set(key, { range: n, rules: [] }).get(key)!;
      group.rules.push(ruleText(`.${el.name}`, n.decls));
    }
    if (el.decls.length > 0) rule(`.${el.name}`, el.decls);
    if (el.placeholder?.length) rule(`.${el.name}::placeholder`, el.placeholder);
    // Nested under the element's class, so that one segment's rules cannot reach another's.
    if (el.markup?.css.trim()) rules.push(`.${el.name} {\n${el.markup.css.trim()}\n}\n`);
  });
  const widestFirst = [...narrow].sort(([, a], [, b]) => b.range.below - a.range.below || (a.range.from ?? 0) - (b.range.from ?? 0));
  for (const [condition, group] of widestFirst) rules.push(`@media (${condition}) {\n${group.rules.join('\n')}}\n`);
  return rules.join('\n');
}

export function htmlDocument(page: Page, head: string, body: string): string {
  return htmlShell(page.title, head, body);
}

export function htmlShell(title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeText(title)}</title>
${head}
  </head>
  <body>
${body}
  </body>
</html>
`;
}

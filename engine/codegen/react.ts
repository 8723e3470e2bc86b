// Writes the element tree as a React function component with Tailwind classes.
import type { Element } from './tree.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (ENTITIES[e] ?? m),
  );

/** Text as JSX children: plain where that reads the same, a string expression otherwise. */
export function jsxText(s: string): string {
  if (s === '') return '';
  if (/[{}<>&"'`]/.test(s) || /^\s|\s$|\s\s/.test(s)) return `{${JSON.stringify(s)}}`;
  return s;
}

const jsxAttrValue = (v: string) => (v.includes('"') || v.includes('\\') ? `{${JSON.stringify(v)}}` : `"${v}"`);

const camel = (s: string) => s.replace(/[-:]([a-z])/g, (_, c: string) => c.toUpperCase());

function styleObject(css: string): string {
  const entries = css
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => {
      const i = d.indexOf(':');
      const key = d.slice(0, i).trim();
      const value = d.slice(i + 1).trim();
      return `${key.startsWith('--') ? JSON.stringify(key) : camel(key)}: ${JSON.stringify(value)}`;
    });
  return `{{ ${entries.join(', ')} }}`;
}

const ATTR = /([^\s=/>]+)(?:\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>|[^<]+/g;

/** An <svg> string as JSX, with `className` added to the root. */
export function svgToJsx(svg: string, className: string): string {
  let out = '';
  let skip = 0;
  let root = true;
  for (const m of svg.matchAll(TOKEN)) {
    const [whole, cdata, closing, tag, attrText = '', selfClosing] = m;
    if (whole.startsWith('<!--') || whole.startsWith('<?')) continue;
    if (cdata !== undefined) {
      if (!skip) out += `{${JSON.stringify(cdata)}}`;
      continue;
    }
    if (tag === undefined) {
      if (skip) continue;
      const text = decode(whole);
      out += text.trim() === '' ? (text.includes('\n') ? '\n' : '') : `{${JSON.stringify(text)}}`;
      continue;
    }
    // Namespaced editor metadata (sodipodi:…, inkscape:…) has no place in JSX.
    if (tag.includes(':') || skip) {
      if (!selfClosing) skip += closing ? -1 : 1;
      continue;
    }
    if (closing) {
      out += `</${tag}>`;
      continue;
    }
    const attrs: string[] = [];
    let cls = root ? className : '';
    for (const a of attrText.matchAll(ATTR)) {
      const name = a[1]!;
      const value = a[3] ?? a[4] ?? a[5];
      if (name === 'xmlns' || name.startsWith('xmlns:') || /^on/i.test(name)) continue;
      if (name === 'class') {
        cls = `${cls} ${value ?? ''}`.trim();
        continue;
      }
      if (value === undefined) {
        attrs.push(`${camel(name)}`);
        continue;
      }
      if (name === 'style') {
        attrs.push(`style=${styleObject(decode(value))}`);
        continue;
      }
      const key = name.startsWith('data-') || name.startsWith('aria-') ? name : camel(name);
      attrs.push(`${key}=${jsxAttrValue(decode(value))}`);
    }
    if (cls) attrs.unshift(`className=${jsxAttrValue(cls)}`);
    root = false;
    out += `<${tag}${attrs.length ? ' ' + attrs.join(' ') : ''}${selfClosing ? ' />' : '>'}`;
  }
  return out;
}

export interface JsxContext {
  classOf: (el: Element) => string;
  /** The identifier an asset path was imported as. */
  importOf: (path: string) => string;
}

export function elementJsx(el: Element, ctx: JsxContext): string {
  const cls = ctx.classOf(el);
  if (el.svg !== undefined) return svgToJsx(el.svg, cls);
  const attrs = cls ? [`className=${jsxAttrValue(cls)}`] : [];
  if (el.src !== undefined) attrs.push(`src={${ctx.importOf(el.src)}}`);
  for (const [k, v] of el.attrs) attrs.push(`${k}=${jsxAttrValue(v)}`);
  const open = `<${el.tag}${attrs.length ? ' ' + attrs.join(' ') : ''}`;
  if (el.text) {
    const body = el.text.map(jsxText).join('<br />');
    return body ? `${open}>${body}</${el.tag}>` : `${open} />`;
  }
  if (el.children.length === 0) return `${open} />`;
  return `${open}>\n${el.children.map((c) => elementJsx(c, ctx)).join('\n')}\n</${el.tag}>`;
}

/** `assets/hero-photo.png` → `heroPhoto`, distinct from the others taken. */
export function importName(path: string, taken: Set<string>): string {
  const base = path.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
  let id = camel(base.toLowerCase().replace(/[^a-z0-9]+/g, '-')).replace(/-/g, '');
  if (!/^[a-z_$]/i.test(id)) id = `img${id}`;
  if (['App', 'React', 'default'].includes(id)) id = `${id}Image`;
  let name = id;
  for (let i = 2; taken.has(name); i++) name = `${id}${i}`;
  taken.add(name);
  return name;
}

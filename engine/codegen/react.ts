// Writes the element tree as a React function component with Tailwind classes. A list whose
// items share one shape becomes a component mapped over its data; design components (Figma
// instances) become components with props (design-components.ts).
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
  /** The classes of an element's declarations that place it in its parent (its size included), and of the rest. */
  splitClassOf: (el: Element) => { place: string; draw: string };
  /** The identifier an asset path was imported as. */
  importOf: (path: string) => string;
  /** Where a list found to repeat one item shape registers that item as a component. */
  components?: ItemComponent[];
  /** Inside a component's template: the props standing for this element's text, src, attributes. */
  slots?: Map<Element, Slots>;
  /** Instances of design components, each written as its component's call. */
  calls?: Map<Element, string>;
}

export interface Slots {
  /** One prop per line of text. */
  text?: string[];
  src?: string;
  attrs?: Map<string, string>;
  /** Where the instances of a design component differ in classes. */
  classes?: ClassSlot;
}

/** An element's classes in a design component, where its instances differ. */
export interface ClassSlot {
  /** Classes every instance has. */
  fixed: string;
  /** Classes a prop's value picks, by value. */
  choice?: { prop: string; byValue: Map<string | boolean, string> };
  /** The root's place in its parent, which each use gives (`className`). */
  fromCaller?: boolean;
}

const RESERVED_PROPS = new Set(['className', 'key', 'ref', 'children']);

/** Props and the template's slots for what differs between elements of one shape, walked in step. */
export class SlotBuilder {
  readonly slots = new Map<Element, Slots>();
  readonly props: string[] = [];
  /** Per element: prop → JS expression of its value. */
  readonly rows: Array<Map<string, string>>;
  private readonly used = new Set(RESERVED_PROPS);

  constructor(count: number) {
    this.rows = Array.from({ length: count }, () => new Map<string, string>());
  }

  prop(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}${i}`;
    this.used.add(name);
    this.props.push(name);
    return name;
  }

  slotOf(t: Element): Slots {
    let s = this.slots.get(t);
    if (!s) this.slots.set(t, (s = {}));
    return s;
  }

  /**
   * Text lines, pictures and content attributes of `t` become props: all of them for a list's
   * items (the data says what each item shows), those that differ in `same` (`t` among them)
   * for a design component's instances.
   */
  content(t: Element, same: Element[], importOf: (path: string) => string, { all = false, textProp }: { all?: boolean; textProp?: (line: number) => string | undefined } = {}): void {
    if (t.text && (all || same.some((e) => e.text!.some((line, k) => line !== t.text![k])))) {
      const names = t.text.map((_, line) => this.prop(textProp?.(line) ?? PROP_BASE[t.tag] ?? 'text'));
      this.slotOf(t).text = names;
      names.forEach((p, line) => same.forEach((e, i) => this.rows[i]!.set(p, JSON.stringify(e.text![line]))));
    }
    if (t.src !== undefined && (all || same.some((e) => e.src !== t.src))) {
      const p = (this.slotOf(t).src = this.prop('image'));
      same.forEach((e, i) => this.rows[i]!.set(p, importOf(e.src!)));
    }
    t.attrs.forEach(([k], a) => {
      if (!CONTENT_ATTRS.has(k) || same.every((e) => e.attrs[a]![1] === t.attrs[a]![1])) return;
      const p = this.prop(camel(k));
      (this.slotOf(t).attrs ??= new Map()).set(k, p);
      same.forEach((e, i) => this.rows[i]!.set(p, JSON.stringify(e.attrs[a]![1])));
    });
  }
}

/** A list item drawn by a component, and the data of every item in the list. */
export interface ItemComponent {
  name: string;
  dataName: string;
  template: Element;
  slots: Map<Element, Slots>;
  /** Prop names in order (every prop is a string: a text line, an attribute, an imported asset). */
  props: string[];
  /** Per item: prop → JS expression of its value. */
  rows: Array<Map<string, string>>;
}

/** A component name from a design's name: `primary button` → `PrimaryButton`. */
export const pascal = (s: string) => camel(`-${s.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`).replace(/-/g, '') || 'Item';

/** A prop name from a design's name: `Show icon` → `showIcon`. */
export const propCase = (s: string) => {
  const p = pascal(s);
  const name = `${p[0]!.toLowerCase()}${p.slice(1)}`;
  return /^[a-z_$]/.test(name) ? name : `prop${p}`;
};

/** A JSX attribute for a prop's value expression. */
export function jsxProp(name: string, expr: string): string {
  if (expr === 'true') return name;
  if (expr.startsWith('"')) {
    const v = JSON.parse(expr) as string;
    if (!/["\\\n{}]/.test(v)) return `${name}="${v}"`;
  }
  return `${name}={${expr}}`;
}

/** Attributes that carry an item's own content (the rest is the same for every item). */
const CONTENT_ATTRS = new Set(['alt', 'href', 'aria-label', 'placeholder']);

/**
 * The shape of an element: everything but its content (tags, classes as `classOf` gives them,
 * attributes, text line counts, pictures, svg); a descendant written as a component's call
 * counts as that call.
 */
export function shapeOf(el: Element, classOf: (el: Element) => string, calls: ReadonlyMap<Element, string> = new Map(), root = true): string {
  const call = root ? undefined : calls.get(el);
  if (call) return `call(${call})`;
  const attrs = el.attrs.map(([k, v]) => (CONTENT_ATTRS.has(k) ? k : `${k}=${v}`)).join(' ');
  const own = `${el.tag}|${classOf(el)}|${attrs}|${el.text?.length ?? '-'}|${el.src !== undefined}|${el.svg ?? ''}|${el.inline ?? ''}`;
  return `${own}[${el.children.map((c) => shapeOf(c, classOf, calls, false)).join(',')}]`;
}

const PROP_BASE: Record<string, string> = { h1: 'title', h2: 'title', h3: 'title', h4: 'title', h5: 'title', h6: 'title', a: 'label', button: 'label' };

/**
 * The items of `list` as one component when every item has the same shape (tags, classes,
 * attributes) and only their text, pictures and content attributes differ.
 */
function itemComponent(list: Element, ctx: JsxContext, taken: Set<string>): ItemComponent | undefined {
  const items = list.children;
  if (items.length < 2) return undefined;
  const shape = shapeOf(items[0]!, ctx.classOf);
  if (items.some((it) => shapeOf(it, ctx.classOf) !== shape)) return undefined;
  const template = items[0]!;
  const b = new SlotBuilder(items.length);
  // Walks the template and every item in step (they have the same shape).
  const visit = (t: Element, same: Element[]) => {
    b.content(t, same, ctx.importOf, { all: true });
    t.children.forEach((c, k) => visit(c, same.map((e) => e.children[k]!)));
  };
  visit(template, items);
  const { slots, props, rows } = b;
  if (props.length === 0) return undefined;
  let name = `${pascal(list.name)}Item`;
  for (let i = 2; taken.has(name); i++) name = `${pascal(list.name)}Item${i}`;
  taken.add(name);
  const dataName = `${name[0]!.toLowerCase()}${name.slice(1)}s`;
  return { name, dataName, template, slots, props, rows };
}

/** A class slot as the className expression: fixed classes, the variant's pick, the caller's. */
function classExpression(slot: ClassSlot): string {
  const parts = slot.fixed ? [slot.fixed] : [];
  const choice = slot.choice;
  if (choice) {
    const values = [...choice.byValue];
    parts.push(
      values.every(([v]) => typeof v === 'boolean')
        ? `\${${choice.prop} ? ${JSON.stringify(choice.byValue.get(true) ?? '')} : ${JSON.stringify(choice.byValue.get(false) ?? '')}}`
        : `\${{ ${values.map(([v, c]) => `${JSON.stringify(String(v))}: ${JSON.stringify(c)}`).join(', ')} }[${choice.prop}]}`,
    );
  }
  if (slot.fromCaller) parts.push('${className}');
  return `{\`${parts.join(' ')}\`}`;
}

export function elementJsx(el: Element, ctx: JsxContext): string {
  const call = ctx.calls?.get(el);
  if (call) return call;
  const cls = ctx.classOf(el);
  if (el.svg !== undefined) return svgToJsx(el.svg, cls);
  const slots = ctx.slots?.get(el);
  const attrs = slots?.classes ? [`className=${classExpression(slots.classes)}`] : cls ? [`className=${jsxAttrValue(cls)}`] : [];
  if (el.src !== undefined) attrs.push(`src={${slots?.src ?? ctx.importOf(el.src)}}`);
  for (const [k, v] of el.attrs) {
    const p = slots?.attrs?.get(k);
    attrs.push(p ? `${k}={${p}}` : `${k}=${jsxAttrValue(v)}`);
  }
  const open = `<${el.tag}${attrs.length ? ' ' + attrs.join(' ') : ''}`;
  if (el.text) {
    const body = (slots?.text ? slots.text.map((p) => `{${p}}`) : el.text.map(jsxText)).join('<br />');
    return body ? `${open}>${body}</${el.tag}>` : `${open} />`;
  }
  if (el.children.length === 0) return `${open} />`;
  if (el.inline) return `${open}>${el.children.map((c) => elementJsx(c, ctx)).join('')}</${el.tag}>`;
  if (el.tag === 'ul' && ctx.components && !ctx.slots && !el.children.some((c) => hasCall(c, ctx))) {
    const c = itemComponent(el, ctx, new Set(ctx.components.map((x) => x.name)));
    if (c) {
      ctx.components.push(c);
      const key = c.props.find((p) => new Set(c.rows.map((r) => r.get(p))).size === c.rows.length);
      const call = key ? `<${c.name} key={item.${key}} {...item} />` : `<${c.name} key={i} {...item} />`;
      return `${open}>\n{${c.dataName}.map((item${key ? '' : ', i'}) => (${call}))}\n</${el.tag}>`;
    }
  }
  return `${open}>\n${el.children.map((c) => elementJsx(c, ctx)).join('\n')}\n</${el.tag}>`;
}

const hasCall = (el: Element, ctx: JsxContext): boolean => ctx.calls?.has(el) === true || el.children.some((c) => hasCall(c, ctx));

/** The component, its props type and its data array, as module-level code. */
export function componentSource(c: ItemComponent, ctx: JsxContext): string {
  const propsType = `${c.name}Props`;
  const body = elementJsx(c.template, { ...ctx, slots: c.slots });
  const rows = c.rows.map((r) => `  { ${[...r].map(([k, v]) => `${k}: ${v}`).join(', ')} },`).join('\n');
  return [
    `type ${propsType} = { ${c.props.map((p) => `${p}: string`).join('; ')} };`,
    `function ${c.name}({ ${c.props.join(', ')} }: ${propsType}) {\n  return (\n${body}\n  );\n}`,
    `const ${c.dataName}: ${propsType}[] = [\n${rows}\n];`,
  ].join('\n\n');
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

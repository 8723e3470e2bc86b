// The Design IR as a tree of HTML elements with CSS declarations: everything the three
// generators share. Tags come from roles, class names from node names, declarations from
// layout, sizing and style. The generators differ only in how they write this tree out
// (a <style> block, Tailwind utilities, JSX), which is what keeps their renders identical.
import type { Design, DesignNode, FrameNode, ImageNode, Paint, Sides, TextNode, TextStyle, VectorNode } from '../ir/schema.ts';
import { fontStack } from './fonts.ts';
import { extensionOf } from './media-types.ts';
import { isSmall, minWidth, reflowOf, type Reflow } from './breakpoints.ts';
import { absoluteInset, columnInset, contentWidth, fluidPadding } from './fluid-spacing.ts';
import { isSingleLine, px, type Decl } from './css-measures.ts';

export { isSingleLine, px, type Decl };

/**
 * Declarations that apply only while the viewport is narrower than `below` px (a media query, a
 * `max-[…]:` variant) and, where `from` is given, at least `from` px wide (`min-[…]:`): a page
 * made from two designs gives each its own range. `below` may be Infinity (from `from` up).
 */
export interface Narrow {
  below: number;
  from?: number;
  decls: Decl[];
}

/** The media condition of a range: `width < 768px`, `width >= 768px`, `768px <= width < 1100px`. */
export function mediaCondition(n: Pick<Narrow, 'below' | 'from'>): string {
  if (n.from === undefined) return `width < ${n.below}px`;
  return n.below === Infinity ? `width >= ${n.from}px` : `${n.from}px <= width < ${n.below}px`;
}

export interface Element {
  tag: string;
  /** Readable, unique in the page: derived from the node's name or role. */
  name: string;
  /** Attributes other than class/src, in order; values unescaped. */
  attrs: Array<[string, string]>;
  decls: Decl[];
  /** How the element reflows on narrower screens, widest breakpoint first. */
  narrow?: Narrow[];
  children: Element[];
  /** Live text, one entry per line (joined by <br>). */
  text?: string[];
  /** For <img>: the asset's path in the generated code. */
  src?: string;
  /** For vectors: the <svg> markup (the element is the svg itself). */
  svg?: string;
  /** For text fields: declarations of the ::placeholder. */
  placeholder?: Decl[];
  /** Text in styled runs: the children are written on one line, as whitespace between them would show. */
  inline?: boolean;
  /** The design component the element is an instance of (generators that have components make one). */
  component?: NonNullable<DesignNode['component']>;
  /** Code written elsewhere (a model server's, for a segment of the design) that stands in for the element's content. */
  markup?: Markup;
}

/** HTML for an element's content and the CSS its classes need, scoped to the element when written. */
export interface Markup {
  html: string;
  css: string;
}

export interface AssetFile {
  path: string;
  bytes: Uint8Array;
}

export interface Page {
  title: string;
  viewport: { width: number; height: number };
  root: Element;
  /** Asset files in order of first use. */
  assets: AssetFile[];
  textStyles: TextStyle[];
  /** The design variables the page refers to (name without --, value), in order of first use. */
  variables: Map<string, string>;
}


const num = (n: number) => String(Math.round(n * 1000) / 1000 || 0);

export function slug(s: string, max = 32): string {
  const out = s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return /^[0-9]/.test(out) ? `n-${out}` : out;
}

const sidesEqual = (s: Sides) => s.top === s.right && s.right === s.bottom && s.bottom === s.left;
const sidesZero = (s: Sides) => s.top === 0 && s.right === 0 && s.bottom === 0 && s.left === 0;

/** `8px`, `8px 16px`, or `1px 2px 3px 4px`. */
export function sides(s: Sides): string {
  if (sidesEqual(s)) return px(s.top);
  if (s.top === s.bottom && s.left === s.right) return `${px(s.top)} ${px(s.left)}`;
  return `${px(s.top)} ${px(s.right)} ${px(s.bottom)} ${px(s.left)}`;
}

/** Text whose box is under 1.5 lines is one line: it must not wrap, whatever the font's width. */

const PHRASING = new Set(['button', 'a', 'span', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'label']);
const INLINE = new Set(['span', 'a', 'button', 'label']);
/** Declarations that place an element in its parent's layout, rather than draw it (position:relative excepted: it anchors the element's own absolute children). */
const PLACE_PROPS = new Set(['position', 'left', 'right', 'top', 'margin', 'flex', 'flex-shrink', 'align-self', 'min-width', 'min-height', 'max-width', 'text-align']);

/** Whether a declaration places the element (its size included) rather than draws it. */
export const placesElement = ([p, v]: Decl) => (PLACE_PROPS.has(p) && !(p === 'position' && v === 'relative')) || p === 'width' || p === 'height';

/** Height above which a text field is a multi-line <textarea>, px. */
const MULTI_LINE_FIELD = 64;

const FRAME_TAGS: Partial<Record<NonNullable<FrameNode['role']>, string>> = {
  header: 'header', nav: 'nav', main: 'main', footer: 'footer', section: 'section', article: 'article', aside: 'aside',
  list: 'ul', listitem: 'li', button: 'button', link: 'a',
};

interface Ctx {
  parent: FrameNode | undefined;
  /** The parent element's tag. */
  parentTag: string | undefined;
  /** Inside an element that allows only phrasing content (button, a, p, h1…). */
  phrasing: boolean;
  /** Inside a <button>: texts must set their own alignment (buttons centre). */
  inButton: boolean;
  /** How the parent reflows below its breakpoint, if it does. */
  reflow?: Reflow;
}

/** `narrow` split by whether each declaration places the element (`placesElement`) or not. */
export function splitNarrow(narrow: readonly Narrow[] | undefined, keep: (d: Decl) => boolean): Narrow[] | undefined {
  const out = (narrow ?? []).map((n) => ({ ...n, decls: n.decls.filter(keep) })).filter((n) => n.decls.length > 0);
  return out.length > 0 ? out : undefined;
}

class Builder {
  private readonly names = new Map<string, number>();
  readonly assets = new Map<string, AssetFile>();
  private readonly assetPaths = new Set<string>();
  readonly textStyles: TextStyle[] = [];
  readonly variables = new Map<string, string>();

  constructor(
    private readonly design: Design,
    private readonly screenHref: (screen: string) => string,
    private readonly markup: ReadonlyMap<string, Markup>,
  ) {}

  /** Where a node leads: the screen it opens, as this stack links screens, or its own href. */
  private hrefOf(n: DesignNode): string | undefined {
    return n.opens !== undefined ? this.screenHref(n.opens) : n.href;
  }

  /** `var(--name)` for a colour bound to a design variable the IR declares, else the colour. */
  color(value: string, variable: string | undefined): string {
    const declared = variable === undefined ? undefined : this.design.variables?.[variable];
    if (declared === undefined) return value;
    this.variables.set(variable!, declared);
    return `var(--${variable})`;
  }

  uniqueName(base: string): string {
    const n = (this.names.get(base) ?? 0) + 1;
    this.names.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  }

  /** The generated path of an asset, writing it on first use; undefined when the IR lacks it. */
  asset(id: string): string | undefined {
    const known = this.assets.get(id);
    if (known) return known.path;
    const a = this.design.assets[id];
    if (!a) return undefined;
    let base = slug(id, 40) || 'image';
    const extension = extensionOf(a.mime) ?? '.bin';
    let path = `assets/${base}${extension}`;
    for (let i = 2; this.assetPaths.has(path); i++) path = `assets/${base}-${i}${extension}`;
    this.assetPaths.add(path);
    const file = { path, bytes: new Uint8Array(Buffer.from(a.data, 'base64')) };
    this.assets.set(id, file);
    return path;
  }

  node(n: DesignNode, ctx: Ctx): Element {
    const markup = this.markup.get(n.id);
    const el = withReflowOfParent(this.element(n, ctx), n, ctx);
    return markup ? withMarkup(el, markup) : el;
  }

  private element(n: DesignNode, ctx: Ctx): Element {
    switch (n.type) {
      case 'frame':
        return this.frame(n, ctx);
      case 'text':
        return this.text(n, ctx);
      case 'image':
        return this.image(n, ctx);
      case 'vector':
        return this.vector(n, ctx);
    }
  }

  private nameFor(n: DesignNode, fallback: string): string {
    return this.uniqueName(slug(n.name ?? '') || n.role || fallback);
  }

  private frame(n: FrameNode, ctx: Ctx): Element {
    // A field inside a link or a button would be interactive content in interactive content.
    if (n.role === 'input' && !ctx.phrasing) return this.field(n, ctx);
    const href = this.hrefOf(n);
    let tag = href !== undefined ? 'a' : ((n.role && FRAME_TAGS[n.role]) ?? 'div');
    if (n.role === 'divider' && n.children.length === 0) tag = 'hr';
    if (ctx.parentTag === 'ul' && tag === 'div') tag = 'li';
    if (ctx.phrasing && !INLINE.has(tag)) tag = 'span';
    const attrs: Array<[string, string]> = [];
    if (tag === 'button') attrs.push(['type', 'button']);
    if (tag === 'a') attrs.push(['href', href ?? '#']);
    if ((n.role === 'image' || n.role === 'icon') && tag !== 'hr') {
      attrs.push(['role', 'img'], ['aria-label', n.name ?? n.role]);
    }
    const name = ctx.parent ? this.nameFor(n, 'box') : this.uniqueName(slug(n.name ?? '') || 'page');
    // A menu is a list inside its landmark: <nav><ul><li><a>…; the list does the layout.
    const menu = tag === 'nav' && !ctx.phrasing && n.children.length >= 2 && n.children.every((c) => c.role === 'link' || c.role === 'listitem');
    const flows = !ctx.parent || (ctx.parent.layout.mode !== 'grid' && !isAbsolute(n, ctx));
    const layout = frameLayout(n, tag, flows ? (ctx.parent ? contentWidth(ctx.parent) : n.box.width) : undefined);
    const reflow = tag === 'hr' || ctx.phrasing ? undefined : reflowOf(n, this.design.viewport.width);
    const layoutNarrow = reflow ? [{ below: reflow.below, decls: reflowDecls(reflow) }] : undefined;
    const decls = [...placement(n, ctx), ...(menu ? [] : layout), ...sizing(n, ctx), ...margin(n, ctx)];
    decls.push(...this.visual(n.style, tag));
    if (n.clip) decls.push(['overflow', 'hidden']);
    const inner = menu ? 'ul' : tag;
    const childCtx: Ctx = {
      parent: n,
      parentTag: inner,
      phrasing: ctx.phrasing || PHRASING.has(tag),
      inButton: ctx.inButton || tag === 'button',
      ...(reflow ? { reflow } : {}),
    };
    let children = n.children.map((c) => this.node(c, childCtx));
    if (inner === 'ul') children = children.map((c) => (c.tag === 'li' ? c : this.listItem(c)));
    if (menu) children = [{ tag: 'ul', name: this.uniqueName(`${name}-list`), attrs: [], decls: layout, ...(layoutNarrow ? { narrow: layoutNarrow } : {}), children }];
    const narrow = menu ? undefined : layoutNarrow;
    return { tag, name, attrs, decls, ...(narrow ? { narrow } : {}), children, ...(n.component ? { component: n.component } : {}) };
  }

  /**
   * A text field drawn as the frame is (fill, border, corners), its text the placeholder, set
   * in the text's type at the text's inset: an <input>, or a <textarea> when taller than a
   * line or two.
   */
  private field(n: FrameNode, ctx: Ctx): Element {
    const t = n.children.find((c): c is TextNode => c.type === 'text');
    const multiLine = n.box.height > Math.max(MULTI_LINE_FIELD, 2.5 * (t?.style.lineHeight ?? 0));
    const tag = multiLine ? 'textarea' : 'input';
    const attrs: Array<[string, string]> = multiLine ? [] : [['type', 'text']];
    if (t) attrs.push(['placeholder', t.text]);
    const b = n.style.border?.width;
    const left = t ? t.box.x - n.box.x - (b?.left ?? 0) : n.layout.padding.left;
    // A one-line field centres its line itself; a multi-line one starts it at its top padding.
    const top = multiLine && t ? t.box.y - n.box.y - (b?.top ?? 0) : 0;
    // Sized like a frame with nothing inside: a field never takes its size from its content.
    const decls = [...placement(n, ctx), ...sizing({ ...n, children: [] }, ctx), ...margin(n, ctx), ...this.visual(n.style, tag)];
    decls.push(['padding', sides({ top, right: left, bottom: multiLine ? top : 0, left })]);
    if (multiLine) decls.push(['resize', 'none']);
    let placeholder: Decl[] | undefined;
    if (t) {
      this.textStyles.push(t.style);
      decls.push(...this.typography(t, { ...ctx, inButton: false }).filter(([p]) => p !== 'white-space'));
      placeholder = [['color', this.color(t.style.color, t.style.colorVariable)]];
    }
    return { tag, name: this.nameFor(n, 'field'), attrs, decls, children: [], placeholder };
  }

  /**
   * `el` inside an <li> of its own: the item takes its place in the list (position, margins,
   * flex sizing, text alignment); what it draws stays on it.
   */
  private listItem(el: Element): Element {
    const keepsSize = el.text === undefined;
    const outer: Decl[] = [];
    const own: Decl[] = [];
    for (const d of el.decls) {
      if (!placesElement(d)) own.push(d);
      else {
        outer.push(d);
        if (keepsSize && (d[0] === 'width' || d[0] === 'height')) own.push(d);
      }
    }
    // Text keeps the line box it had as a flex item (an inline <a> would only be as tall as its glyphs).
    if (el.text !== undefined && INLINE.has(el.tag)) own.unshift(['display', 'block']);
    const outerNarrow = splitNarrow(el.narrow, placesElement);
    const ownNarrow = splitNarrow(el.narrow, (d) => !placesElement(d));
    const item: Element = { ...el, decls: own, narrow: ownNarrow };
    if (!ownNarrow) delete item.narrow;
    return { tag: 'li', name: this.uniqueName(`${el.name}-item`), attrs: [], decls: outer, ...(outerNarrow ? { narrow: outerNarrow } : {}), children: [item] };
  }

  private text(n: TextNode, ctx: Ctx): Element {
    const href = this.hrefOf(n);
    let tag: string;
    const attrs: Array<[string, string]> = [];
    if (n.role === 'heading') tag = `h${n.level ?? 2}`;
    else if (n.role === 'link' || href !== undefined) tag = 'a';
    else if (n.role === 'button') tag = 'button';
    else if (n.role === 'listitem' || ctx.parentTag === 'ul') tag = 'li';
    else tag = ctx.phrasing ? 'span' : 'p';
    if (ctx.phrasing && !INLINE.has(tag)) tag = 'span';
    if (tag === 'button') attrs.push(['type', 'button']);
    if (tag === 'a') attrs.push(['href', href ?? '#']);
    this.textStyles.push(n.style);
    const decls = [...placement(n, ctx), ...sizing(n, ctx), ...margin(n, ctx), ...this.typography(n, ctx)];
    const name = this.nameFor(n, 'text');
    // A line kept on one line at the design's width may wrap once the viewport is narrower, and
    // take no more than the line it is on (a short label never needs to); a limit it has already
    // (what its column's margins leave it) stays.
    const wraps = isSingleLine(n) && !isSmall(n);
    const limit: Decl[] = decls.some(([p]) => p === 'max-width') ? [] : [['max-width', '100%']];
    const narrow: Narrow[] | undefined = wraps ? [{ below: Math.floor(this.design.viewport.width), decls: [['white-space', 'normal'], ['width', 'auto'], ...limit] }] : undefined;
    if (!n.runs) return { tag, name, attrs, decls, ...(narrow ? { narrow } : {}), children: [], text: n.text.split('\n') };
    const runs = n.runs.map((r): Element => {
      const style = { ...n.style, ...r.style };
      this.textStyles.push(style);
      // A link inside the text is an inline <a>, unless the text is already a link or a button.
      const link = r.link && !ctx.phrasing && tag !== 'a' && tag !== 'button';
      // Bold or italic words in regular text are emphasis: <strong> and <em> draw them so by default.
      const strong = !link && style.fontWeight === 700 && n.style.fontWeight === 400;
      const em = !link && !strong && style.italic && !n.style.italic;
      const implied = (p: string) => (strong && p === 'font-weight') || (em && p === 'font-style');
      const own = this.typography({ ...n, style }, ctx).filter(([p, v]) => !decls.some(([q, w]) => p === q && v === w) && p !== 'white-space' && !implied(p));
      const runTag = link ? 'a' : strong ? 'strong' : em ? 'em' : 'span';
      return { tag: runTag, name: this.uniqueName(`${name}-${link ? 'link' : runTag === 'span' ? 'run' : runTag}`), attrs: link ? [['href', '#']] : [], decls: own, children: [], text: r.text.split('\n') };
    });
    return { tag, name, attrs, decls, ...(narrow ? { narrow } : {}), children: runs, inline: true };
  }

  private image(n: ImageNode, ctx: Ctx): Element {
    const src = this.asset(n.assetId);
    const decls = [...placement(n, ctx), ...sizing(n, ctx), ...margin(n, ctx)];
    if (!src) {
      // The IR names an asset it does not carry: keep the space, draw nothing.
      return { tag: 'div', name: this.nameFor(n, 'image'), attrs: [['role', 'img'], ['aria-label', n.alt]], decls, children: [] };
    }
    decls.push(['object-fit', n.fit]);
    if (n.style) decls.push(...this.visual(n.style, 'img'));
    return { tag: 'img', name: this.nameFor(n, 'image'), attrs: [['alt', n.alt]], decls, children: [], src };
  }

  private vector(n: VectorNode, ctx: Ctx): Element {
    const decls = [...placement(n, ctx), ...sizing(n, ctx), ...margin(n, ctx)];
    return { tag: 'svg', name: this.nameFor(n, 'icon'), attrs: [], decls, children: [], svg: cleanSvg(n.svg) };
  }

  /** Fills, border, radius, shadows, opacity. Fills are listed bottom to top. */
  private visual(style: FrameNode['style'], tag: string): Decl[] {
    const d: Decl[] = [];
    const fills = [...style.fills];
    const bottom = fills[0];
    if (bottom?.type === 'solid') {
      d.push(['background-color', this.color(bottom.color, bottom.variable)]);
      fills.shift();
    }
    if (fills.length > 0) {
      const layers = fills.reverse().map((p) => this.layer(p));
      if (layers.some((l) => l !== undefined)) {
        const ok = layers.filter((l): l is Layer => l !== undefined);
        d.push(['background-image', ok.map((l) => l.image).join(', ')]);
        if (ok.some((l) => l.size !== 'auto')) {
          d.push(['background-size', ok.map((l) => l.size).join(', ')]);
          d.push(['background-position', 'center']);
          d.push(['background-repeat', 'no-repeat']);
        }
      }
    }
    const b = style.border;
    if (b && !sidesZero(b.width)) {
      d.push(['border-width', sides(b.width)], ['border-style', b.style], ['border-color', this.color(b.color, b.colorVariable)]);
    } else if (tag === 'hr') {
      d.push(['border-width', '0']);
    }
    const r = style.radius;
    if (r && r.some((v) => v > 0)) {
      d.push(['border-radius', r.every((v) => v === r[0]) ? px(r[0]) : r.map(px).join(' ')]);
    }
    if (style.shadows.length > 0) {
      d.push([
        'box-shadow',
        style.shadows.map((s) => `${s.inset ? 'inset ' : ''}${px(s.x)} ${px(s.y)} ${px(s.blur)} ${px(s.spread)} ${s.color}`).join(', '),
      ]);
    }
    if (style.opacity < 1) d.push(['opacity', num(style.opacity)]);
    if (style.blur) d.push(['filter', `blur(${px(style.blur)})`]);
    if (style.backdropBlur) d.push(['backdrop-filter', `blur(${px(style.backdropBlur)})`]);
    if (style.blend) d.push(['mix-blend-mode', style.blend]);
    return d;
  }

  private typography(n: TextNode, ctx: Ctx): Decl[] {
    return typography(n, ctx).map(([p, v]) => (p === 'color' ? [p, this.color(v, n.style.colorVariable)] : [p, v]));
  }

  private layer(p: Paint): Layer | undefined {
    const stops = (s: Array<{ color: string; position: number }>) => s.map((x) => `${x.color} ${num(x.position * 100)}%`).join(', ');
    switch (p.type) {
      case 'solid':
        return { image: `linear-gradient(${p.color}, ${p.color})`, size: 'auto' };
      case 'linear-gradient':
        return { image: `linear-gradient(${num(p.angle)}deg, ${stops(p.stops)})`, size: 'auto' };
      case 'radial-gradient': {
        const shape = p.radius ? `${px(p.radius.x)} ${px(p.radius.y)}` : '';
        const at = p.center ? `at ${num(p.center.x * 100)}% ${num(p.center.y * 100)}%` : '';
        const head = [shape, at].filter(Boolean).join(' ');
        return { image: `radial-gradient(${head ? `${head}, ` : ''}${stops(p.stops)})`, size: 'auto' };
      }
      case 'conic-gradient':
        return { image: `conic-gradient(from ${num(p.angle)}deg at ${num(p.center.x * 100)}% ${num(p.center.y * 100)}%, ${stops(p.stops)})`, size: 'auto' };
      case 'image': {
        const path = this.asset(p.assetId);
        if (!path) return undefined;
        return { image: `url(${path})`, size: p.fit === 'fill' ? '100% 100%' : p.fit };
      }
    }
  }
}

interface Layer {
  image: string;
  size: string;
}

/** Inline SVG in HTML needs no namespace declarations (and they are the only URLs it would carry). */
function cleanSvg(svg: string): string {
  return svg
    .trim()
    .replace(/\s+xmlns(:\w+)?\s*=\s*("[^"]*"|'[^']*')/g, '')
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/\s+on\w+\s*=\s*("[^"]*"|'[^']*')/gi, '');
}

const isAbsolute = (n: DesignNode, ctx: Ctx) => ctx.parent !== undefined && (ctx.parent.layout.mode === 'none' || n.absolute === true);

/** The distances of `n` from the left and right of its parent's padding box, and that box's width, in the design. */
function insets(n: DesignNode, p: FrameNode): { left: number; right: number; width: number } {
  const bw = p.style.border?.width;
  const left = n.box.x - p.box.x - (bw?.left ?? 0);
  const width = p.box.width - (bw?.left ?? 0) - (bw?.right ?? 0);
  return { left, right: width - left - n.box.width, width };
}

/** An absolutely placed node as wide as its parent: it stays so at every width. */
const spansParent = (n: DesignNode, p: FrameNode) => {
  const { left, right } = insets(n, p);
  return Math.abs(left) < 0.5 && Math.abs(right) < 0.5;
};

/** position/left (or right)/top for nodes placed from their boxes; position:relative for their containers. */
function placement(n: DesignNode, ctx: Ctx): Decl[] {
  const d: Decl[] = [];
  const p = ctx.parent;
  if (p && isAbsolute(n, ctx)) {
    const { left, right, width } = insets(n, p);
    const { side, offset } = absoluteInset(left, right, width);
    d.push(['position', 'absolute'], [side, offset], ['top', px(n.box.y - p.box.y - (p.style.border?.width.top ?? 0))]);
  } else if (n.type === 'frame' && n.children.length > 0 && (n.layout.mode === 'none' || n.children.some((c) => c.absolute))) {
    d.push(['position', 'relative']);
  }
  // Stacking and rotation keep the element's place in the flow.
  if (n.zIndex !== undefined) d.push(['z-index', String(n.zIndex)]);
  if (n.rotation) d.push(['transform', `rotate(${num(n.rotation)}deg)`]);
  return d;
}

const JUSTIFY = { start: undefined, center: 'center', end: 'flex-end', 'space-between': 'space-between' } as const;
const ALIGN = { start: 'flex-start', center: 'center', end: 'flex-end', stretch: undefined, baseline: 'baseline' } as const;

/** `containing`: the design width of the frame's containing block, where its side padding can give way to it (fluid-spacing.ts). */
function frameLayout(n: FrameNode, tag: string, containing: number | undefined): Decl[] {
  const d: Decl[] = [];
  let l = n.layout;
  if (tag === 'hr') return d;
  // A frame with nothing inside needs no layout, only its size and paint.
  if (n.children.length === 0) l = { ...l, mode: 'none' };
  if (l.mode === 'row' || l.mode === 'column') {
    d.push(['display', 'flex']);
    if (l.mode === 'column') d.push(['flex-direction', 'column']);
    if (l.wrap) d.push(['flex-wrap', 'wrap'], ['align-content', 'flex-start']);
    if (l.wrap && l.crossGap !== l.gap) {
      const [rowGap, columnGap] = l.mode === 'row' ? [l.crossGap, l.gap] : [l.gap, l.crossGap];
      if (rowGap) d.push(['row-gap', px(rowGap)]);
      if (columnGap) d.push(['column-gap', px(columnGap)]);
    } else if (l.gap) d.push(['gap', px(l.gap)]);
    const j = JUSTIFY[l.mainAlign];
    if (j) d.push(['justify-content', j]);
    const a = ALIGN[l.crossAlign];
    if (a) d.push(['align-items', a]);
  } else if (l.mode === 'grid') {
    d.push(['display', 'grid'], ['grid-template-columns', `repeat(${l.columns ?? 1}, minmax(0, 1fr))`]);
    if (l.gap === l.crossGap) {
      if (l.gap) d.push(['gap', px(l.gap)]);
    } else {
      if (l.crossGap) d.push(['row-gap', px(l.crossGap)]);
      if (l.gap) d.push(['column-gap', px(l.gap)]);
    }
    const a = ALIGN[l.crossAlign];
    if (a) d.push(['align-items', a]);
  } else if (INLINE.has(tag)) {
    d.push(['display', 'block']);
  }
  const fluid = containing === undefined ? undefined : fluidPadding(n, containing);
  if (fluid) d.push(...fluid);
  else if (!sidesZero(l.padding)) d.push(['padding', sides(l.padding)]);
  return d;
}

/**
 * A frame that lays out its content keeps its design height as a minimum: narrower, its content
 * wraps onto more lines and needs more room. Anything else is as tall as drawn.
 */
const heightProp = (n: DesignNode) => (n.type === 'frame' && n.layout.mode !== 'none' && n.children.some((c) => !c.absolute) ? 'min-height' : 'height');

/** Width and height from sizing modes, read in the parent's layout. */
function sizing(n: DesignNode, ctx: Ctx): Decl[] {
  const d: Decl[] = [];
  const { width: w, height: h } = n.box;
  const p = ctx.parent;
  // The page takes the viewport's width up to the design's.
  if (!p) return [['max-width', px(w)], ['margin', '0 auto'], ['min-height', px(h)]];
  if (isAbsolute(n, ctx)) {
    if (spansParent(n, p)) d.push(['width', '100%']);
    else {
      const { left, right, width } = insets(n, p);
      d.push(['width', px(w)], ['max-width', absoluteInset(left, right, width).maxWidth]);
    }
    if (n.type !== 'text' || n.sizing.height === 'fixed') d.push(['height', px(h)]);
    return d;
  }
  // Hug means "as big as the content"; where content cannot say (images, absolutely laid out
  // frames, wrapped text), the measured box is the content size.
  const hugIsFixed = n.type === 'image' || n.type === 'vector' || (n.type === 'frame' && (n.layout.mode === 'none' || n.children.length === 0));
  // What runs past the design's edge (a frame holds what is seen of it, layout/flow.ts) keeps its
  // drawn width, as on the page it was read from: it neither stretches to nor shrinks with its parent.
  const past = runsPast(n, p);
  const wm = past || (n.sizing.width === 'hug' && (hugIsFixed || (n.type === 'text' && !isSingleLine(n)))) ? 'fixed' : n.sizing.width;
  const hm = n.sizing.height === 'hug' && hugIsFixed ? 'fixed' : n.sizing.height;
  if (p.layout.mode === 'grid') {
    if (wm === 'fixed') d.push(['width', px(w)]);
    if (hm === 'fixed') d.push([heightProp(n), px(h)]);
    return d;
  }
  const row = p.layout.mode === 'row';
  const [main, cross] = row ? [wm, hm] : [hm, wm];
  const [mainSize, crossSize] = row ? [w, h] : [h, w];
  const [mainProp, crossProp] = row ? ['width', heightProp(n)] : [heightProp(n), 'width'];
  const l = n.limits ?? {};
  const [mainMin, mainMax, crossMin, crossMax] = row ? [l.minWidth, l.maxWidth, l.minHeight, l.maxHeight] : [l.minHeight, l.maxHeight, l.minWidth, l.maxWidth];
  if (main === 'fixed' && !row && cross !== 'hug' && keepsShape(n)) {
    // Narrower than drawn, a picture keeps its proportions, as an <img> with height: auto does.
    d.push(['aspect-ratio', `${round2(w)} / ${round2(h)}`], ['flex-shrink', '0']);
  } else if (main === 'fixed') {
    d.push([mainProp, px(mainSize)]);
    // Only what the content cannot do without keeps its width as the row narrows (an icon, a
    // line that must not wrap); a picture may scale down to nothing, and a box may get narrower
    // than the widths drawn inside it (a field's, a line's), which give way in turn.
    if (!row || isSmall(n) || (n.type === 'text' && isSingleLine(n)) || past) d.push(['flex-shrink', '0']);
    else if (n.type === 'image' || n.type === 'frame') d.push(['min-width', '0']);
  } else if (main === 'fill') d.push(['flex', '1'], [`min-${mainProp}`, px(mainMin ?? 0)]);
  else if (mainMin !== undefined) d.push([`min-${mainProp}`, px(mainMin)]);
  if (mainMax !== undefined) d.push([`max-${mainProp}`, px(mainMax)]);
  if (cross === 'fixed') d.push([crossProp, px(crossSize)]);
  else if (cross === 'fill' && p.layout.crossAlign !== 'stretch') d.push(['align-self', 'stretch']);
  // A column's item, drawn or hugging its content, is no wider than the column: its content's
  // narrowest (a fixed width inside) must not push it out.
  if (!row && cross !== 'fill' && crossMax === undefined && !isSmall(n) && !past) d.push(['max-width', columnInset(n, p)?.maxWidth ?? '100%']);
  if (crossMin !== undefined) d.push([`min-${crossProp}`, px(crossMin)]);
  if (crossMax !== undefined) d.push([`max-${crossProp}`, px(crossMax)]);
  return d;
}

/** Whether `n` reaches past its parent's right edge: only what ran past the design's edge does. */
const runsPast = (n: DesignNode, p: FrameNode) => n.box.x + n.box.width > p.box.x + p.box.width + 1;

/** A picture, or a painted box with nothing in it, too big to keep its size at every width. */
const keepsShape = (n: DesignNode) =>
  !isSmall(n) && (n.type === 'image' || (n.type === 'frame' && n.children.length === 0 && n.role !== 'divider' && n.style.fills.length > 0));

const round2 = (v: number) => Math.round(v * 100) / 100;

/** What a row's or grid's own layout becomes below its breakpoint. */
function reflowDecls(r: Reflow): Decl[] {
  switch (r.mode) {
    case 'wrap':
      return [['flex-wrap', 'wrap']];
    case 'grid':
      return [['grid-template-columns', `repeat(auto-fit, minmax(min(100%, ${px(r.minCell ?? 0)}), 1fr))`]];
  }
}

/**
 * `el` as an item of a parent that wraps its items or refits its cells below a breakpoint: an
 * item that is not small keeps its design width there only as far as the line allows, and one
 * that fills the row goes onto a line of its own before it gets narrower than its content.
 */
function withReflowOfParent(el: Element, n: DesignNode, ctx: Ctx): Element {
  const r = ctx.reflow;
  if (!r || isAbsolute(n, ctx) || isSmall(n)) return el;
  const has = (prop: string, value?: string) => el.decls.some(([p, v]) => p === prop && (value === undefined || v === value));
  const decls: Decl[] = [];
  if (r.mode === 'wrap' && has('flex', '1')) decls.push(['flex', `1 1 ${px(minWidth(n))}`]);
  if (!has('max-width', '100%')) decls.push(['max-width', '100%']);
  return decls.length ? { ...el, narrow: [{ below: r.below, decls }, ...(el.narrow ?? [])] } : el;
}

function margin(n: DesignNode, ctx: Ctx): Decl[] {
  if (!n.margin || sidesZero(n.margin) || !ctx.parent || isAbsolute(n, ctx)) return [];
  const inset = ctx.parent.layout.mode === 'column' ? columnInset(n, ctx.parent) : undefined;
  if (inset) return [['margin', `${px(n.margin.top)} ${inset.right} ${px(n.margin.bottom)} ${inset.left}`]];
  return [['margin', sides(n.margin)]];
}

function typography(n: TextNode, ctx: Ctx): Decl[] {
  const s = n.style;
  const d: Decl[] = [
    ['font-family', fontStack(s)],
    ['font-size', px(s.fontSize)],
    ['font-weight', String(s.fontWeight)],
    ['line-height', px(s.lineHeight)],
  ];
  if (s.letterSpacing) d.push(['letter-spacing', px(s.letterSpacing)]);
  d.push(['color', s.color]);
  if (s.align !== 'left' || ctx.inButton) d.push(['text-align', s.align]);
  if (s.italic) d.push(['font-style', 'italic']);
  if (s.decoration !== 'none') d.push(['text-decoration-line', s.decoration]);
  if (s.transform !== 'none') d.push(['text-transform', s.transform]);
  if (isSingleLine(n)) d.push(['white-space', 'nowrap']);
  return d;
}

/** Tags that may hold any flow content a segment's markup brings (a button or a list could not). */
const MARKUP_HOSTS = new Set(['div', 'section', 'header', 'footer', 'nav', 'main', 'aside', 'article', 'form']);

/**
 * The element as a box for markup written elsewhere: it keeps only how it sits in its parent; the
 * markup draws everything inside (its background and padding too, as it was shown the region).
 */
function withMarkup(el: Element, markup: Markup): Element {
  const narrow = splitNarrow(el.narrow, placesElement);
  return {
    tag: MARKUP_HOSTS.has(el.tag) ? el.tag : 'div',
    name: el.name,
    attrs: el.tag === 'a' || el.tag === 'button' ? [] : el.attrs.filter(([k]) => k !== 'type'),
    decls: el.decls.filter(placesElement),
    ...(narrow ? { narrow } : {}),
    children: [],
    markup,
  };
}

/**
 * `screenHref`: how this stack links to another screen of the app (see codegen/app.ts);
 * `markup`: code that stands in for the content of the nodes it names, by node id.
 */
export function buildPage(design: Design, screenHref: (screen: string) => string, markup: ReadonlyMap<string, Markup> = new Map()): Page {
  const b = new Builder(design, screenHref, markup);
  const root = b.node(design.root, { parent: undefined, parentTag: undefined, phrasing: false, inButton: false });
  return {
    title: design.source?.name ?? design.root.name ?? 'Design',
    viewport: design.viewport,
    root,
    assets: [...b.assets.values()],
    textStyles: b.textStyles,
    variables: b.variables,
  };
}

// The in-page half of the test-only DOM → Figma exporter (dom-export.ts): what a web-page
// importer into Figma reads from a rendered page. Elements that draw something (a background,
// a border, a shadow, an image) or dim their content (opacity) become boxes holding what is
// drawn inside them; elements that draw nothing are dissolved, their content going to the
// nearest box, as importers flatten wrapper divs. Text is one item per DOM text node, split into
// lines where it shares its lines with other inline content (a bold word mid-sentence), since a
// Figma text layer is a rectangle. What it returns is walked-page.ts.
//
// Skipped, as in the text extraction the benchmark scores with: display:none, visibility:hidden,
// opacity 0, script/style and the like, and what an ancestor clipping its overflow hides wholly
// (a clip of rect(0 0 0 0) too). Not read: ::before/::after boxes, list markers, inline SVG.
import type { Rect, Rgba, WalkedBox, WalkedGradient, WalkedImage, WalkedPage, WalkedShadow, WalkedText } from '../walked-page.ts';

/** Items carry their paint layer (`z`) until the walk is done and they are put in paint order. */
interface LayeredBox extends Omit<WalkedBox, 'children'> {
  children: LayeredItem[];
  z?: number;
}
type LayeredText = WalkedText & { z?: number };
type LayeredItem = LayeredBox | LayeredText;

/** Viewport CSS px, by edges. */
interface Edges {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
type Extent = Edges & { width: number; height: number };
type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'TITLE', 'IFRAME', 'OBJECT', 'OPTION', 'svg', 'SVG']);
const SIDES = ['Top', 'Right', 'Bottom', 'Left'] as const;
const GRADIENT_SIDES: Record<string, number> = { 'to top': 0, 'to right': 90, 'to bottom': 180, 'to left': 270, 'to top right': 45, 'to right top': 45, 'to bottom right': 135, 'to right bottom': 135, 'to bottom left': 225, 'to left bottom': 225, 'to top left': 315, 'to left top': 315 };
const FIT: Record<string, WalkedImage['scaleMode']> = { fill: 'STRETCH', contain: 'FIT', cover: 'FILL', none: 'FIT', 'scale-down': 'FIT' };
const ALIGN: Record<string, WalkedText['align']> = { left: 'LEFT', start: 'LEFT', center: 'CENTER', right: 'RIGHT', end: 'RIGHT', justify: 'JUSTIFIED', '-webkit-center': 'CENTER' };
const GENERIC = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-sans-serif', 'ui-serif', 'ui-monospace']);
const TEXTISH = new Set(['', 'text', 'search', 'email', 'url', 'tel', 'number', 'password', 'submit', 'button', 'reset']);

const px = (v: string) => parseFloat(v) || 0;
const parseColor = (c: string): Rgba | null => {
  const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)/.exec(c || '');
  if (!m) return null;
  const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
  return [+m[1], +m[2], +m[3], a];
};
const visibleColor = (c: string) => {
  const p = parseColor(c);
  return p && p[3] > 0 ? p : null;
};
// Splits a CSS list at top-level commas (not those inside rgb(...)).
const splitTop = (s: string) => {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out.filter(Boolean);
};
const shadowsOf = (css: string): WalkedShadow[] => {
  if (!css || css === 'none') return [];
  return splitTop(css).flatMap((part) => {
    const color = parseColor(part);
    const nums = part.replace(/rgba?\([^)]*\)/, '').match(/-?[\d.]+px|-?[\d.]+(?=\s|$)/g) || [];
    if (!color || color[3] === 0 || nums.length < 2) return [];
    const [x, y, blur, spread] = nums.map(px);
    return [{ x, y, blur: blur || 0, spread: spread || 0, color, inset: /\binset\b/.test(part) }];
  });
};
const gradientOf = (css: string): WalkedGradient | null => {
  const m = /^linear-gradient\((.*)\)$/.exec(css.trim());
  if (!m) return null;
  const parts = splitTop(m[1]);
  let angle = 180;
  if (/^-?[\d.]+(deg|turn|rad)$/.test(parts[0]) || GRADIENT_SIDES[parts[0]] !== undefined) {
    const a = parts.shift()!;
    angle = GRADIENT_SIDES[a] !== undefined ? GRADIENT_SIDES[a] : a.endsWith('turn') ? parseFloat(a) * 360 : a.endsWith('rad') ? (parseFloat(a) * 180) / Math.PI : parseFloat(a);
  }
  const stops = parts.map((p) => ({ color: parseColor(p), at: /([\d.]+)%\s*$/.exec(p.replace(/rgba?\([^)]*\)/, '')) }));
  if (stops.length < 2 || !stops.every((s): s is { color: Rgba; at: RegExpExecArray | null } => s.color !== null)) return null;
  return { angle, stops: stops.map((s, i) => ({ color: s.color, position: s.at ? parseFloat(s.at[1]) / 100 : i / (stops.length - 1) })) };
};
const bgScale = (s: CSSStyleDeclaration): WalkedImage['scaleMode'] => {
  const size = s.backgroundSize;
  if (size === 'cover') return 'FILL';
  if (size === 'contain') return 'FIT';
  if (size === '100% 100%') return 'STRETCH';
  return /repeat/.test(s.backgroundRepeat) && !/no-repeat/.test(s.backgroundRepeat) ? 'TILE' : 'FILL';
};
const nameOf = (el: Element) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');

// The box an element draws, or null when it draws nothing of its own.
const boxOf = (el: Element, s: CSSStyleDeclaration, r: DOMRect) => {
  const background = visibleColor(s.backgroundColor);
  const gradients: WalkedGradient[] = [], images: WalkedImage[] = [];
  for (const layer of splitTop(s.backgroundImage === 'none' ? '' : s.backgroundImage).reverse()) {
    const url = /^url\("?(data:[^")]+)"?\)$/.exec(layer);
    if (url) images.push({ src: url[1], scaleMode: bgScale(s) });
    else {
      const g = gradientOf(layer);
      if (g) gradients.push(g);
    }
  }
  if (el.tagName === 'IMG') {
    const img = el as HTMLImageElement;
    if (img.complete && img.naturalWidth > 0 && /^data:/.test(img.currentSrc || img.src)) images.push({ src: img.currentSrc || img.src, scaleMode: FIT[s.objectFit] || 'STRETCH' });
  }
  const sides = SIDES.map((side) => {
    const style = s[`border${side}Style`];
    const color = visibleColor(s[`border${side}Color`]);
    return { width: style === 'none' || style === 'hidden' || !color ? 0 : px(s[`border${side}Width`]), color, dashed: /dashed|dotted/.test(style) };
  });
  const widths = sides.map((side) => side.width) as [number, number, number, number];
  const widest = sides[widths.indexOf(Math.max(...widths))];
  const border = widest.width > 0 && widest.color ? { widths, color: widest.color, dashed: widest.dashed } : undefined;
  const shadows = shadowsOf(s.boxShadow);
  if (!background && !gradients.length && !images.length && !border && !shadows.length) return null;
  const cap = Math.min(r.width, r.height) / 2;
  const corners = [s.borderTopLeftRadius, s.borderTopRightRadius, s.borderBottomRightRadius, s.borderBottomLeftRadius];
  const radii = corners.map((v) => Math.min(cap, /%/.test(v) ? (parseFloat(v) / 100) * Math.min(r.width, r.height) : px(v))) as WalkedBox['radii'];
  return { background: background || undefined, gradients, images, border, radii, shadows };
};

// Decoration is drawn by the element that sets it, over all its inline content.
const decorationOf = (el: Element, body: HTMLElement): WalkedText['decoration'] => {
  for (let a: Element | null = el; a && a !== body; a = a.parentElement) {
    const line = getComputedStyle(a).textDecorationLine;
    if (/underline/.test(line)) return 'UNDERLINE';
    if (/line-through/.test(line)) return 'STRIKETHROUGH';
    if (!/^inline/.test(getComputedStyle(a).display)) break;
  }
  return 'NONE';
};
const union = (rs: DOMRect[]): Extent => {
  const l = Math.min(...rs.map((r) => r.left)), t = Math.min(...rs.map((r) => r.top));
  return { left: l, top: t, width: Math.max(...rs.map((r) => r.right)) - l, height: Math.max(...rs.map((r) => r.bottom)) - t, right: Math.max(...rs.map((r) => r.right)), bottom: Math.max(...rs.map((r) => r.bottom)) };
};
// Rects on one line overlap vertically by more than half the smaller.
const sameLine = (a: DOMRect, b: DOMRect) => Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > Math.min(a.height, b.height) / 2;
const inside = (clip: Edges, r: Edges) => r.right > clip.left && r.left < clip.right && r.bottom > clip.top && r.top < clip.bottom;
// Later siblings paint over earlier ones; positioned elements over flow content, by z-index.
const layerOf = (s: CSSStyleDeclaration) => (s.position === 'static' ? 0 : s.zIndex === 'auto' ? 1 : parseInt(s.zIndex, 10) < 0 ? -1 : 2 + parseInt(s.zIndex, 10));
const order = (items: LayeredItem[]) => {
  // Control text has no layer of its own; NaN compares as neither before nor after anything.
  items.sort((a, b) => Number(a.z) - Number(b.z));
  for (const it of items) {
    delete it.z;
    if (it.kind === 'box') order(it.children);
  }
  return items;
};

export default function walkDom(): WalkedPage {
  const sx = window.scrollX, sy = window.scrollY;
  const root = document.documentElement;
  const body = document.body || root;
  const rectOf = (r: DOMRect): Rect => [r.left + sx, r.top + sy, r.width, r.height];

  // The family the page is drawn in: the first of the stack this browser has (a web font that
  // could not load is not it), found by whether naming it changes a probe's width from each
  // generic family's; Chromium's default is a serif.
  const probe = document.createElement('canvas').getContext('2d')!;
  const probeWidth = (font: string) => {
    probe.font = '40px ' + font;
    return probe.measureText('mmmmmmmmmmlli WQ@#').width;
  };
  const installed = new Map<string, boolean>();
  const isInstalled = (family: string) => {
    if (!installed.has(family)) installed.set(family, ['monospace', 'serif', 'sans-serif'].some((g) => probeWidth('"' + family + '", ' + g) !== probeWidth(g)));
    return installed.get(family)!;
  };
  const drawnFamily = (stack: string) => {
    for (const f of stack.split(',').map((x) => x.trim().replace(/^["']|["']$/g, ''))) {
      if (GENERIC.has(f.toLowerCase()) || (f && isInstalled(f))) return f;
    }
    return 'serif';
  };
  const fontOf = (el: Element, s: CSSStyleDeclaration) => ({
    fontFamily: drawnFamily(s.fontFamily),
    fontSize: px(s.fontSize),
    fontWeight: parseInt(s.fontWeight, 10) || 400,
    italic: /italic|oblique/.test(s.fontStyle),
    letterSpacing: s.letterSpacing === 'normal' ? 0 : px(s.letterSpacing),
    align: ALIGN[s.textAlign] || 'LEFT',
    transform: s.textTransform === 'uppercase' || s.textTransform === 'lowercase' || s.textTransform === 'capitalize' ? s.textTransform : 'none',
    decoration: decorationOf(el, body),
  } satisfies Partial<WalkedText>);
  const range = document.createRange();
  // A Figma text layer is as tall as its lines' line height; the glyphs sit in its middle.
  const textItem = (el: Element, s: CSSStyleDeclaration, text: string, rects: DOMRect[], lines: number, color: Rgba): LayeredText => {
    const u = union(rects);
    const lh = s.lineHeight === 'normal' ? u.height / lines : px(s.lineHeight);
    const top = u.top - (lh * lines - u.height) / 2;
    return { kind: 'text', name: text.slice(0, 40), rect: [u.left + sx, top + sy, u.width, lh * lines], text, lines, lineHeight: lh, color, ...fontOf(el, s) };
  };
  const textItems = (n: Text, el: Element, s: CSSStyleDeclaration, out: LayeredItem[], clip: Edges) => {
    const data = n.data;
    const pre = /^pre/.test(s.whiteSpace) || s.whiteSpace === 'break-spaces';
    if (!data.trim()) return;
    const color = visibleColor(s.color);
    if (!color) return;
    const start = data.search(/\S/);
    let end = data.length;
    while (end > start && /\s/.test(data[end - 1])) end--;
    range.setStart(n, start);
    range.setEnd(n, end);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0 && inside(clip, r));
    if (!rects.length) return;
    const lines: DOMRect[][] = [];
    for (const r of rects) {
      const line = lines.find((l) => sameLine(l[0], r));
      if (line) line.push(r);
      else lines.push([r]);
    }
    const clean = (t: string) => (pre ? t.replace(/\s+$/, '') : t.replace(/\s+/g, ' ').trim());
    const u = union(rects);
    const first = union(lines[0]), last = union(lines[lines.length - 1]);
    const align = ALIGN[s.textAlign] || 'LEFT';
    // One text layer where its lines alone fill its rectangle as the element aligns them.
    const fits =
      lines.length === 1 ||
      (align === 'CENTER'
        ? Math.abs(first.left + first.width / 2 - (u.left + u.width / 2)) < 1
        : align === 'RIGHT'
          ? Math.abs(first.right - u.right) < 1 && Math.abs(last.right - u.right) < 1
          : Math.abs(first.left - u.left) < 1);
    if (fits) {
      out.push(textItem(el, s, clean(data.slice(start, end)), rects, lines.length, color));
      return;
    }
    // Line by line: each character's line, found from its own rect.
    const byLine: Array<{ from: number; to: number; rects: DOMRect[] }> = [];
    for (let i = start; i < end; i++) {
      if (/\s/.test(data[i])) {
        if (byLine.length) byLine[byLine.length - 1].to = i + 1;
        continue;
      }
      range.setStart(n, i);
      range.setEnd(n, i + 1);
      const r = range.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      const cur = byLine[byLine.length - 1];
      if (cur && sameLine(cur.rects[0], r)) {
        cur.rects.push(r);
        cur.to = i + 1;
      } else byLine.push({ from: i, to: i + 1, rects: [r] });
    }
    for (const l of byLine) {
      const t = clean(data.slice(l.from, l.to));
      if (t) out.push(textItem(el, s, t, l.rects, 1, color));
    }
  };
  const controlText = (el: Control, s: CSSStyleDeclaration, out: LayeredItem[]) => {
    const tag = el.tagName;
    const type = tag === 'INPUT' ? (el.getAttribute('type') || '').toLowerCase() : '';
    if (tag === 'INPUT' && !TEXTISH.has(type)) return;
    const selected = tag === 'SELECT' ? (el as HTMLSelectElement).selectedOptions[0] : undefined;
    let text = tag === 'SELECT' ? (selected ? selected.text : '') : type === 'password' ? '' : el.value;
    let color = visibleColor(s.color);
    if (!text && tag !== 'SELECT') {
      text = (el as HTMLInputElement | HTMLTextAreaElement).placeholder || '';
      color = visibleColor(getComputedStyle(el, '::placeholder').color);
    }
    text = text.replace(/\s+/g, ' ').trim();
    if (!text || !color) return;
    const r = el.getBoundingClientRect();
    const left = r.left + px(s.borderLeftWidth) + px(s.paddingLeft), right = r.right - px(s.borderRightWidth) - px(s.paddingRight);
    const lh = s.lineHeight === 'normal' ? Math.round(px(s.fontSize) * 1.15) : px(s.lineHeight);
    const top = r.top + (r.height - lh) / 2;
    const item: LayeredText = { kind: 'text', name: text.slice(0, 40), rect: [left + sx, top + sy, Math.max(1, right - left), lh], text, lines: 1, lineHeight: lh, color, ...fontOf(el, s) };
    if (type === 'submit' || type === 'button' || type === 'reset') item.align = 'CENTER';
    out.push(item);
  };

  // A picture with padding or a border around it is drawn in its content box, inside the box that draws the rest.
  const pictureInContentBox = (s: CSSStyleDeclaration, r: DOMRect, box: LayeredBox) => {
    const [top, right, bottom, left] = SIDES.map((side) => px(s[`padding${side}`]) + px(s[`border${side}Width`]));
    if (!(top || right || bottom || left) || !box.images.length) return;
    const rect: Rect = [r.left + left + sx, r.top + top + sy, r.width - left - right, r.height - top - bottom];
    box.children.push({ kind: 'box', name: 'img', rect, opacity: 1, gradients: [], images: [box.images.pop()!], radii: [0, 0, 0, 0], shadows: [], clips: false, children: [], z: 0 });
  };

  // clip: what the ancestors that clip their overflow leave visible, in viewport px.
  const walk = (el: Element, out: LayeredItem[], layer: number, clip: Edges) => {
    if (SKIP.has(el.tagName)) return;
    const s = getComputedStyle(el);
    if (s.display === 'none' || parseFloat(s.opacity) === 0 || s.contentVisibility === 'hidden') return;
    if (/rect\(\s*0(px)?[ ,]+0(px)?[ ,]+0(px)?[ ,]+0(px)?\s*\)/.test(s.clip)) return;
    const own = layerOf(s);
    const z = own === 0 ? layer : own;
    const shown = s.visibility === 'visible';
    const r = el.getBoundingClientRect();
    const opacity = parseFloat(s.opacity);
    const drawn = (el !== body || !bodyIsCanvas) && shown && r.width > 0 && r.height > 0 && inside(clip, r) ? boxOf(el, s, r) : null;
    let target = out;
    let box: LayeredBox | undefined;
    // An element that cuts off content overflowing it is a clipping frame even when it draws nothing.
    const cutsOff = el !== body && (s.overflowX !== 'visible' || s.overflowY !== 'visible') && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    if (drawn || cutsOff || (opacity < 1 && (el !== body || !bodyIsCanvas))) {
      box = { kind: 'box', name: nameOf(el), rect: rectOf(r), opacity, gradients: [], images: [], radii: [0, 0, 0, 0], shadows: [], ...(drawn || {}), clips: s.overflowX !== 'visible' || s.overflowY !== 'visible', children: [], z };
      out.push(box);
      target = box.children;
    }
    const inner = target === out ? z : 0;
    const clips = el !== body && (s.overflowX !== 'visible' || s.overflowY !== 'visible');
    const within = clips ? { left: Math.max(clip.left, r.left), top: Math.max(clip.top, r.top), right: Math.min(clip.right, r.right), bottom: Math.min(clip.bottom, r.bottom) } : clip;
    if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') {
      if (shown && inside(clip, r)) controlText(el as Control, s, target);
      return;
    }
    if (el.tagName === 'IMG') {
      if (box) pictureInContentBox(s, r, box);
      return;
    }
    for (const c of el.childNodes) {
      if (c.nodeType === 3) {
        if (shown) {
          const before = target.length;
          textItems(c as Text, el, s, target, within);
          for (let i = before; i < target.length; i++) target[i].z = inner;
        }
      } else if (c.nodeType === 1) walk(c as Element, target, inner, within);
    }
  };
  // The canvas takes the root's background, or the body's when the root has none (CSS
  // propagation); then the body draws no box of its own.
  const rootBackground = visibleColor(getComputedStyle(root).backgroundColor);
  const bodyIsCanvas = !rootBackground;
  const background = rootBackground || visibleColor(getComputedStyle(body).backgroundColor) || [255, 255, 255, 1];
  const children: LayeredItem[] = [];
  walk(body, children, 0, { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity });
  return {
    width: window.innerWidth,
    height: Math.max(Math.ceil(root.scrollHeight), window.innerHeight),
    background,
    children: order(children),
  };
}

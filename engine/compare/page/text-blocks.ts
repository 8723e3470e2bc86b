// In the page: the visible text blocks, as extract.ts describes them.
import type { TextBlock } from '../../ir/text-block.ts';

/** A box in viewport CSS px, by its edges. */
interface Edges {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'TITLE', 'IFRAME', 'OBJECT', 'TEXTAREA', 'SELECT', 'OPTION']);
const TEXTISH = new Set(['', 'text', 'search', 'email', 'url', 'tel', 'number', 'password']);
const BUTTONISH = new Set(['submit', 'button', 'reset']);

export default function textBlocks(): TextBlock[] {
  const sx = window.scrollX, sy = window.scrollY;
  const root = document.documentElement;
  const pageW = Math.max(root.scrollWidth, document.body ? document.body.scrollWidth : 0, window.innerWidth);
  const pageH = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0, window.innerHeight);
  const styles = new Map<Element, CSSStyleDeclaration>();
  const style = (el: Element) => {
    let s = styles.get(el);
    if (!s) {
      s = getComputedStyle(el);
      styles.set(el, s);
    }
    return s;
  };
  const hiddenCache = new Map<Element, boolean>();
  // display:none, opacity:0, clip rect(0…) anywhere up the tree; visibility is inherited, so the element's own value decides.
  const hiddenUp = (el: Element | null): boolean => {
    if (!el) return false;
    let h = hiddenCache.get(el);
    if (h !== undefined) return h;
    const s = style(el);
    h = s.display === 'none' || parseFloat(s.opacity) === 0 || /rect\(\s*0(px)?[ ,]+0(px)?[ ,]+0(px)?[ ,]+0(px)?\s*\)/.test(s.clip) || s.contentVisibility === 'hidden' || hiddenUp(el.parentElement);
    hiddenCache.set(el, h);
    return h;
  };
  const parseColor = (c: string) => {
    const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)/.exec(c);
    if (!m) return null;
    const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    const hex = [m[1], m[2], m[3]].map((v) => Math.max(0, Math.min(255, Math.round(parseFloat(v)))).toString(16).padStart(2, '0')).join('');
    return { hex: '#' + hex, alpha };
  };
  // Box clipped by every ancestor that clips its overflow.
  const clipBox = (el: Element, r: Edges): Edges => {
    let { left, top, right, bottom } = r;
    for (let a: Element | null = el; a && a !== root && a !== document.body; a = a.parentElement) {
      const s = style(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible' && s.overflow !== 'clip') continue;
      const c = a.getBoundingClientRect();
      if (s.overflowX !== 'visible') {
        left = Math.max(left, c.left);
        right = Math.min(right, c.right);
      }
      if (s.overflowY !== 'visible') {
        top = Math.max(top, c.top);
        bottom = Math.min(bottom, c.bottom);
      }
    }
    return { left, top, right, bottom };
  };
  const transform = (text: string, t: string) => {
    if (t === 'uppercase') return text.toUpperCase();
    if (t === 'lowercase') return text.toLowerCase();
    if (t === 'capitalize') return text.replace(/(^|\s)(\S)/g, (_, s: string, c: string) => s + c.toUpperCase());
    return text;
  };
  const out: TextBlock[] = [];
  const push = (el: Element, text: string, rect: Edges, colorCss: string) => {
    const c = parseColor(colorCss);
    if (!c || c.alpha === 0) return;
    const b = clipBox(el, rect);
    const w = b.right - b.left, h = b.bottom - b.top;
    if (!(w >= 1 && h >= 1)) return;
    const x = b.left + sx, y = b.top + sy;
    if (x + w <= 0 || y + h <= 0 || x >= pageW || y >= pageH) return;
    out.push({ text, box: { x, y, width: w, height: h }, color: c.hex });
  };
  const px = (v: string) => parseFloat(v) || 0;
  const control = (el: HTMLInputElement | HTMLTextAreaElement) => {
    if (hiddenUp(el)) return;
    const s = style(el);
    if (s.visibility !== 'visible') return;
    const type = el.tagName.toUpperCase() === 'TEXTAREA' ? '' : (el.getAttribute('type') || '').toLowerCase();
    if (!TEXTISH.has(type) && !BUTTONISH.has(type)) return;
    let text = type === 'password' ? '' : el.value;
    let color = s.color;
    if (!text && !BUTTONISH.has(type)) {
      text = el.placeholder || '';
      color = getComputedStyle(el, '::placeholder').color;
    }
    text = transform(text.replace(/\s+/g, ' ').trim(), s.textTransform);
    if (!text) return;
    const r = el.getBoundingClientRect();
    push(el, text, {
      left: r.left + px(s.borderLeftWidth) + px(s.paddingLeft),
      top: r.top + px(s.borderTopWidth) + px(s.paddingTop),
      right: r.right - px(s.borderRightWidth) - px(s.paddingRight),
      bottom: r.bottom - px(s.borderBottomWidth) - px(s.paddingBottom),
    }, color);
  };
  const range = document.createRange();
  const textNode = (n: Text) => {
    const data = n.data;
    const collapsed = data.replace(/\s+/g, ' ').trim();
    if (!collapsed) return;
    const el = n.parentElement;
    if (!el || hiddenUp(el)) return;
    const s = style(el);
    if (s.visibility !== 'visible') return;
    const start = data.search(/\S/);
    let end = data.length;
    while (end > start && /\s/.test(data[end - 1])) end--;
    range.setStart(n, start);
    range.setEnd(n, end);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    const inSvg = el instanceof SVGElement;
    push(el, transform(collapsed, s.textTransform), r, inSvg && parseColor(s.fill) ? s.fill : s.color);
  };
  // One walk in document order, so consecutive blocks are neighbours in reading order (the
  // matcher's merge step relies on that).
  const walker = document.createTreeWalker(document.body || root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => {
      if (n.nodeType === Node.TEXT_NODE) return NodeFilter.FILTER_ACCEPT;
      const tag = (n as Element).tagName.toUpperCase();
      if (tag === 'INPUT' || tag === 'TEXTAREA') {
        control(n as HTMLInputElement | HTMLTextAreaElement);
        return NodeFilter.FILTER_REJECT;
      }
      return SKIP.has(tag) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
    },
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) textNode(n as Text);
  return out;
}

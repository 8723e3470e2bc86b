// In every page the recorder visits, before the page's own scripts: window.__walkthrough.
import type { ElementFacts, ElementQuery, PageState, WalkthroughPage } from '../page-api.ts';

declare global {
  interface Window {
    __walkthrough: WalkthroughPage;
  }
}

const words = (s: string | null | undefined) => (s || '').replace(/\s+/g, ' ').trim();
const shown = (el: Element) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};
const INPUT_ROLES: Record<string, string> = { button: 'button', submit: 'button', reset: 'button', checkbox: 'checkbox', radio: 'radio' };
const IMPLICIT_ROLES: Record<string, (el: Element) => string | null> = {
  A: (el) => (el.hasAttribute('href') ? 'link' : null),
  BUTTON: () => 'button',
  LI: () => 'listitem',
  SUMMARY: () => 'button',
  SELECT: () => 'combobox',
  INPUT: (el) => INPUT_ROLES[(el as HTMLInputElement).type] || 'textbox',
};
const roleOf = (el: Element) => el.getAttribute('role') || (IMPLICIT_ROLES[el.tagName] ? IMPLICIT_ROLES[el.tagName](el) : null);
// Not every element has innerText (SVG) or a value (only controls): those read as empty.
const textOf = (el: Element) => {
  const { innerText, value, title } = el as Partial<HTMLInputElement>;
  return words(innerText) || words(el.getAttribute('aria-label')) || words(value) || words(title) || words(el.getAttribute('alt'));
};
// The shortest way to the element that names only it: a unique id, else positions under <body>.
const pathOf = (el: Element) => {
  const parts: string[] = [];
  for (let e: Element | null = el; e && e !== document.documentElement; e = e.parentElement) {
    if (e.id && document.querySelectorAll('#' + CSS.escape(e.id)).length === 1) {
      parts.unshift('#' + CSS.escape(e.id));
      break;
    }
    const { tagName } = e;
    const tag = tagName.toLowerCase();
    const same = e.parentElement ? [...e.parentElement.children].filter((c) => c.tagName === tagName) : [e];
    parts.unshift(same.length > 1 ? tag + ':nth-of-type(' + (same.indexOf(e) + 1) + ')' : tag);
  }
  return parts.join(' > ');
};
const box = (r: DOMRect) => ({ x: r.x, y: r.y, width: r.width, height: r.height });

export default function installWalkthrough(): void {
  const ids = new WeakMap<Element, number>();
  let nextId = 1;
  const idOf = (el: Element | null) => {
    if (!el) return 0;
    if (!ids.has(el)) ids.set(el, nextId++);
    return ids.get(el)!;
  };
  let navigation: string | null = null;
  addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>('a[href]') : null;
    if (!link) return;
    const url = new URL(link.href, location.href);
    if (url.origin === location.origin && url.pathname === location.pathname && url.search === location.search) return;
    event.preventDefault();
    navigation = url.href;
  }, true);
  addEventListener('submit', (event) => event.preventDefault(), true);

  window.__walkthrough = {
    state(x: number, y: number): PageState {
      const root = document.documentElement;
      const view = root.dataset.view || null;
      return {
        screen: location.pathname + (view ? '#' + view : ''),
        view,
        hit: idOf(document.elementFromPoint(x, y)),
        scrollY: Math.round(scrollY),
        height: Math.ceil(root.scrollHeight),
        scrollMax: Math.max(0, Math.ceil(root.scrollHeight) - innerHeight),
      };
    },
    scroll(top, x, y) {
      scrollTo({ top, behavior: 'instant' });
      return this.state(x, y);
    },
    takeNavigation() {
      const next = navigation;
      navigation = null;
      return next;
    },
    find(target: ElementQuery): ElementFacts {
      const all = [...document.querySelectorAll(target.css)];
      // Rendered text, which text-transform may have upper-cased: compared without case.
      const begins = (el: Element) => (textOf(el) + ' ').toLowerCase().startsWith((target.text + ' ').toLowerCase());
      const matches = target.text === undefined ? all : all.filter((el) => shown(el) && begins(el));
      const what = target.css + (target.text === undefined ? '' : ' with text "' + target.text + '"');
      if (matches.length === 0) throw new Error('no element matches ' + what);
      if (target.text === undefined && matches.length > 1) throw new Error(matches.length + ' elements match ' + what + '; a flow must name one');
      const el = matches[0];
      return { selector: pathOf(el), tag: el.tagName.toLowerCase(), role: roleOf(el), text: textOf(el).slice(0, 160), box: box(el.getBoundingClientRect()), scrollY: Math.round(scrollY) };
    },
    covers(selector, x, y) {
      const el = document.querySelector(selector);
      const top = document.elementFromPoint(x, y);
      return !!el && !!top && el.contains(top);
    },
  };
}

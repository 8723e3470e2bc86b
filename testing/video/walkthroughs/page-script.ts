// What the recorder adds to every page it visits. Page code is kept as strings: the engine is
// compiled without DOM types.

/**
 * Frames are taken on a virtual timeline, so anything that moves on the wall clock (CSS
 * transitions and animations, smooth scrolling, a blinking caret) would make a frame depend on
 * how slow the machine was. Pages show their end states instead.
 */
export const STILL_STYLE =
  '*,*::before,*::after{transition:none!important;animation:none!important;caret-color:transparent!important}html,body{scroll-behavior:auto!important}';

/**
 * Installed before any page script as `window.__walkthrough`:
 * - a click on a link to another document is stopped and remembered, so the recorder loads the
 *   next page itself, between two frames, rather than at some moment the browser picks;
 *   in-page links (a table of contents) still jump, at once;
 * - `state(x, y)` tells the recorder which screen is shown (path and view), the scroll offset,
 *   and which element is under the cursor: a page's pixels change with hover only when that
 *   element does, which is how unchanged frames are told apart without a screenshot;
 * - `find(target)` describes the element a flow points at, in the terms of the ground truth.
 */
export const PAGE_SCRIPT = `(() => {
  const ids = new WeakMap();
  let nextId = 1;
  const idOf = (el) => {
    if (!el) return 0;
    if (!ids.has(el)) ids.set(el, nextId++);
    return ids.get(el);
  };
  let navigation = null;
  addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link) return;
    const url = new URL(link.href, location.href);
    if (url.origin === location.origin && url.pathname === location.pathname && url.search === location.search) return;
    event.preventDefault();
    navigation = url.href;
  }, true);
  addEventListener('submit', (event) => event.preventDefault(), true);

  const words = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const IMPLICIT_ROLES = { A: (el) => (el.hasAttribute('href') ? 'link' : null), BUTTON: () => 'button', LI: () => 'listitem', SUMMARY: () => 'button', SELECT: () => 'combobox',
    INPUT: (el) => ({ button: 'button', submit: 'button', reset: 'button', checkbox: 'checkbox', radio: 'radio' })[el.type] || 'textbox' };
  const roleOf = (el) => el.getAttribute('role') || (IMPLICIT_ROLES[el.tagName] ? IMPLICIT_ROLES[el.tagName](el) : null);
  const textOf = (el) => words(el.innerText) || words(el.getAttribute('aria-label')) || words(el.value) || words(el.title) || words(el.getAttribute('alt'));
  // The shortest way to the element that names only it: a unique id, else positions under <body>.
  const pathOf = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      if (e.id && document.querySelectorAll('#' + CSS.escape(e.id)).length === 1) { parts.unshift('#' + CSS.escape(e.id)); break; }
      const tag = e.tagName.toLowerCase();
      const same = e.parentElement ? [...e.parentElement.children].filter((c) => c.tagName === e.tagName) : [e];
      parts.unshift(same.length > 1 ? tag + ':nth-of-type(' + (same.indexOf(e) + 1) + ')' : tag);
    }
    return parts.join(' > ');
  };
  const box = (r) => ({ x: r.x, y: r.y, width: r.width, height: r.height });

  window.__walkthrough = {
    state(x, y) {
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
    find(target) {
      const all = [...document.querySelectorAll(target.css)];
      // Rendered text, which text-transform may have upper-cased: compared without case.
      const begins = (el) => (textOf(el) + ' ').toLowerCase().startsWith((target.text + ' ').toLowerCase());
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
})();`;

// The small script the app's preview carries (next to the source marks of source-marks.ts): a
// click on an element tells the app which code made it, and the app's editor cursor, sent back,
// outlines the element it is in. It only talks to the frame's parent by postMessage; the
// messages' shapes are the API contract's PreviewPick and PreviewCursor.
import { SOURCE_MARK_ATTR } from './source-marks.ts';

// Plain JS in a string, not a serialised function: it runs in the preview as it is written here.
const PICKING_SCRIPT = `(() => {
  const attr = ${JSON.stringify(SOURCE_MARK_ATTR)};
  const rangeOf = (el) => {
    const m = /^(.*):(\\d+)-(\\d+)$/.exec(el.getAttribute(attr) || '');
    return m ? { path: m[1], start: Number(m[2]), end: Number(m[3]) } : undefined;
  };
  const outline = document.createElement('div');
  outline.setAttribute('aria-hidden', 'true');
  outline.style.cssText = 'position:absolute;pointer-events:none;z-index:2147483647;box-sizing:border-box;border:2px solid #2563eb;background:rgba(37,99,235,.12);margin:0;padding:0';
  const show = (el) => {
    if (!el) return outline.remove();
    const r = el.getBoundingClientRect();
    Object.assign(outline.style, { left: r.left + scrollX + 'px', top: r.top + scrollY + 'px', width: r.width + 'px', height: r.height + 'px' });
    document.documentElement.append(outline);
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };
  // Picking, not using: a click selects the element's code and does not follow links or submit.
  addEventListener('click', (e) => {
    const el = e.target instanceof Element ? e.target.closest('[' + attr + ']') : null;
    const range = el && rangeOf(el);
    if (!range) return;
    e.preventDefault();
    e.stopPropagation();
    show(el);
    parent.postMessage({ loupe: 'pick', ...range }, '*');
  }, true);
  addEventListener('message', (e) => {
    const d = e.data;
    if (e.source !== parent || !d || d.loupe !== 'cursor') return;
    let best, size = Infinity;
    for (const el of document.querySelectorAll('[' + attr + ']')) {
      const r = rangeOf(el);
      if (r && r.path === d.path && r.start <= d.offset && d.offset <= r.end && r.end - r.start < size) {
        best = el;
        size = r.end - r.start;
      }
    }
    show(best);
  });
})();`;

/** The document with the picking script as the body's last script (it waits for nothing). */
export function withPickingScript(html: string): string {
  const tag = `<script>${PICKING_SCRIPT}</script>`;
  return /<\/body>/i.test(html) ? html.replace(/<\/body>(?![\s\S]*<\/body>)/i, () => `${tag}\n</body>`) : html + tag;
}

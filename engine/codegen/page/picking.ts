// In the app's preview: a click on an element tells the app which code made it, and the app's
// editor cursor, sent back, outlines the element it is in (see preview-picking.ts).
import type { PreviewCursor, PreviewPick } from '../preview-messages.ts';

type SourceRange = Omit<PreviewPick, 'loupe'>;

const isCursor = (data: unknown): data is PreviewCursor => !!data && (data as { loupe?: unknown }).loupe === 'cursor';

/** `attr`: the attribute that holds each element's source range, `path:start-end`. */
export default function installPicking(attr: string): void {
  const rangeOf = (el: Element): SourceRange | undefined => {
    const m = /^(.*):(\d+)-(\d+)$/.exec(el.getAttribute(attr) || '');
    return m ? { path: m[1], start: Number(m[2]), end: Number(m[3]) } : undefined;
  };
  const outline = document.createElement('div');
  outline.setAttribute('aria-hidden', 'true');
  outline.style.cssText = 'position:absolute;pointer-events:none;z-index:2147483647;box-sizing:border-box;border:2px solid #2563eb;background:rgba(37,99,235,.12);margin:0;padding:0';
  const show = (el: Element | undefined) => {
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
    parent.postMessage({ loupe: 'pick', ...range } satisfies PreviewPick, '*');
  }, true);
  addEventListener('message', (e) => {
    const d: unknown = e.data;
    if (e.source !== parent || !isCursor(d)) return;
    let best: Element | undefined, size = Infinity;
    for (const el of document.querySelectorAll('[' + attr + ']')) {
      const r = rangeOf(el);
      if (r && r.path === d.path && r.start <= d.offset && d.offset <= r.end && r.end - r.start < size) {
        best = el;
        size = r.end - r.start;
      }
    }
    show(best);
  });
}

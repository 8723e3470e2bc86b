// In the page: what code-checks.ts measures, from what the browser laid out.
import type { CodeChecks } from '../code-checks.ts';

const PICTURES = new Set(['IMG', 'PICTURE', 'SVG', 'CANVAS', 'VIDEO']);

export default function codeChecks(): CodeChecks {
  const root = document.documentElement;
  const pageW = Math.max(root.scrollWidth, document.body ? document.body.scrollWidth : 0, window.innerWidth);
  const pageH = Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0, window.innerHeight);
  const elements = document.body ? [...document.body.querySelectorAll('*')] : [];
  let absolute = 0;
  let largest = 0;
  for (const el of elements) {
    const s = getComputedStyle(el);
    if (s.position === 'absolute' || s.position === 'fixed') absolute++;
    const picture = PICTURES.has(el.tagName.toUpperCase()) || s.backgroundImage.includes('url(');
    if (!picture || s.display === 'none' || s.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    // Clipped to the page, in page coordinates: a picture hanging off the edge covers only what shows.
    const left = Math.max(0, r.left + window.scrollX);
    const top = Math.max(0, r.top + window.scrollY);
    const right = Math.min(pageW, r.right + window.scrollX);
    const bottom = Math.min(pageH, r.bottom + window.scrollY);
    if (right > left && bottom > top) largest = Math.max(largest, (right - left) * (bottom - top));
  }
  return { largestImageShare: largest / (pageW * pageH), absoluteShare: elements.length ? absolute / elements.length : 0, elements: elements.length };
}

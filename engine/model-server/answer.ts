// A model's answer as code, or why it cannot be: a whole page (one HTML document) or a segment's
// markup (HTML and the CSS its classes need). Nothing is used that runs scripts, loads from the
// network or draws nothing, so a weak or broken model never leaves the user with worse than
// perception's code.
import { parse, serialize, type DefaultTreeAdapterMap } from 'parse5';
import { transform } from 'lightningcss';
import type { GeneratedCode, Markup } from '../codegen/index.ts';

type Node = DefaultTreeAdapterMap['node'];
type ParentNode = DefaultTreeAdapterMap['parentNode'];

export type PageAnswer = { code: GeneratedCode } | { fallback: string };
export type MarkupAnswer = { markup: Markup } | { fallback: string };

const MAX_HTML_BYTES = 1024 * 1024;

/** The HTML in a model's answer: a fenced html block, or the text from <!doctype/<html to </html>. */
export function extractHtml(text: string): string | undefined {
  const fenced = /```html\s*\n([\s\S]*?)```/i.exec(text)?.[1];
  if (fenced?.trim()) return fenced.trim();
  const start = text.search(/<!doctype html|<html[\s>]/i);
  const end = text.toLowerCase().lastIndexOf('</html>');
  return start >= 0 && end > start ? text.slice(start, end + '</html>'.length) : undefined;
}

/** Why `html` is not usable code; undefined when it is. */
export function unusableHtml(html: string): string | undefined {
  if (Buffer.byteLength(html) > MAX_HTML_BYTES) return 'it is over 1 MB';
  if (/<script\b/i.test(html) || /\son[a-z]+\s*=/i.test(html) || /javascript:/i.test(html)) return 'it contains scripts';
  if (/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i.test(html) || /url\(\s*["']?\s*(?:https?:)?\/\//i.test(html) || /@import/i.test(html)) return 'it loads from the network';
  const body = findElement(parse(html), 'body');
  if (!body || countElements(body) === 0) return 'its body is empty';
  return undefined;
}

/** A whole page's answer as the conversion's code. */
export function pageFromAnswer(text: string): PageAnswer {
  const html = extractHtml(text);
  if (!html) return { fallback: 'it wrote no HTML document' };
  const why = unusableHtml(html);
  if (why) return { fallback: why };
  return {
    code: {
      stack: 'html-css',
      entry: 'index.html',
      files: [{ path: 'index.html', contents: html + '\n' }],
    },
  };
}

/**
 * A segment's answer as markup: the body's content, and the CSS of every <style> in it (which
 * the page scopes to the segment). The CSS is parsed and written again, so that a rule the model
 * broke is dropped rather than breaking the page's stylesheet.
 */
export function markupFromAnswer(text: string): MarkupAnswer {
  const html = extractHtml(text) ?? (/^\s*</.test(text) && /> *\s*$/.test(text) ? text.trim() : undefined);
  if (!html) return { fallback: 'it wrote no HTML' };
  const why = unusableHtml(html);
  if (why) return { fallback: why };
  const doc = parse(html);
  const styles: string[] = [];
  takeStyles(doc, styles);
  const body = findElement(doc, 'body')!;
  let css = '';
  if (styles.some((s) => s.trim()))
    try {
      css = transform({
        filename: 'segment.css',
        code: Buffer.from(styles.join('\n')),
        errorRecovery: true,
      })
        .code.toString()
        .trim();
    } catch {
      return { fallback: 'its CSS does not parse' };
    }
  return { markup: { html: serialize(body as ParentNode).trim(), css } };
}

/** Removes every <style> element under `node`, keeping its text. */
function takeStyles(node: Node, into: string[]): void {
  if (!('childNodes' in node)) return;
  const parent = node as ParentNode;
  parent.childNodes = parent.childNodes.filter((c) => {
    if (c.nodeName !== 'style') return true;
    into.push(('childNodes' in c ? c.childNodes : []).map((t) => ('value' in t ? t.value : '')).join(''));
    return false;
  });
  for (const c of parent.childNodes) takeStyles(c, into);
}

function findElement(n: Node, name: string): Node | undefined {
  if (n.nodeName === name) return n;
  for (const c of 'childNodes' in n ? n.childNodes : []) {
    const hit = findElement(c, name);
    if (hit) return hit;
  }
  return undefined;
}
const countElements = (n: Node): number => ('childNodes' in n ? n.childNodes : []).reduce((sum, c) => sum + (c.nodeName.startsWith('#') ? 0 : 1 + countElements(c)), 0);

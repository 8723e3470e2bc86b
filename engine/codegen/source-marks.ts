// Where each element of the app's preview comes from in the code. Only the preview the app shows
// is marked (never the code, its render or its export): every element gets a data attribute with
// its file and source range, so a click in the preview can select the element's code and the
// editor's cursor can point at its element.
import { parse as parseHtml, type DefaultTreeAdapterMap } from 'parse5';
import { parse as parseScript } from '@babel/parser';
import { escapeAttr } from './html.ts';

export const SOURCE_MARK_ATTR = 'data-loupe-src';

type HtmlNode = DefaultTreeAdapterMap['node'];
type HtmlElement = DefaultTreeAdapterMap['element'];

interface Insertion {
  at: number;
  text: string;
}

/** `path:start-end`: offsets into the file's text (UTF-16 code units, as editors count). */
const markAttr = (path: string, start: number, end: number) => ` ${SOURCE_MARK_ATTR}="${escapeAttr(`${path}:${start}-${end}`)}"`;

function applyInsertions(source: string, insertions: Insertion[]): string {
  let out = '';
  let last = 0;
  for (const { at, text } of insertions.sort((a, b) => a.at - b.at)) {
    out += source.slice(last, at) + text;
    last = at;
  }
  return out + source.slice(last);
}

/** An HTML document whose body elements carry their source ranges in `path`. */
export function markHtml(html: string, path: string): string {
  const insertions: Insertion[] = [];
  const visit = (node: HtmlNode) => {
    if (!('childNodes' in node)) return;
    if ('tagName' in node) {
      // The head draws nothing; the parser makes up html, head and body where the source has none.
      if (node.tagName === 'head') return;
      const at = nameEnd(html, node);
      if (node.tagName !== 'html' && at !== undefined) {
        const loc = node.sourceCodeLocation!;
        insertions.push({ at, text: markAttr(path, loc.startOffset, loc.endTag?.endOffset ?? loc.endOffset) });
      }
    }
    const children = 'content' in node && node.tagName === 'template' ? node.content.childNodes : node.childNodes;
    for (const child of children) visit(child);
  };
  visit(parseHtml(html, { sourceCodeLocationInfo: true }));
  return applyInsertions(html, insertions);
}

/** Just after the tag name in the element's start tag (the source's spelling, which the parser may change). */
function nameEnd(html: string, el: HtmlElement): number | undefined {
  const start = el.sourceCodeLocation?.startTag?.startOffset;
  if (start === undefined) return undefined;
  const name = /^<[^\s/>]+/.exec(html.slice(start, start + 128));
  return name ? start + name[0].length : undefined;
}

interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && typeof (v as AstNode).type === 'string';

/**
 * A TSX/JSX module whose intrinsic elements (`<div>`, not `<Card>`) carry their source ranges in
 * `path`. Code that does not parse is returned as it is: the bundler then reports the error.
 */
export function markJsx(source: string, path: string): string {
  let ast: unknown;
  try {
    ast = parseScript(source, { sourceType: 'module', plugins: ['jsx', 'typescript'] });
  } catch {
    return source;
  }
  const insertions: Insertion[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isNode(node)) return;
    if (node.type === 'JSXElement') {
      const name = (node.openingElement as AstNode).name as AstNode;
      if (name.type === 'JSXIdentifier' && /^[a-z]/.test(name.name as string)) insertions.push({ at: name.end, text: markAttr(path, node.start, node.end) });
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'loc' && typeof value === 'object') visit(value);
  };
  visit(ast);
  return applyInsertions(source, insertions);
}

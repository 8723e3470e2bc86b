// Roles: what each node is to a person reading the page, from geometry and type alone.
// - headings: text clearly larger (or bolder and larger) than the body text, levels by rank
//   of size on the page; other text is a paragraph;
// - buttons: a small filled or bordered frame holding one short, centred text;
// - links and nav: a list of short texts in a row; header/footer: the page's first/last
//   full-width block when it holds such a nav or only small print, main: what lies between;
// - sections: full-width painted blocks of the page;
// - images: alt text from the nearest text beside or under the picture.
import type { DesignNode, FrameNode, ImageNode, TextNode } from '../ir/schema.ts';
import { flowLayout, frame, noStyle } from '../ir/build.ts';
import { bottom, painted, placeColumn, right } from './place.ts';

function* walk(n: DesignNode, parent?: FrameNode): Generator<[DesignNode, FrameNode | undefined]> {
  yield [n, parent];
  if (n.type === 'frame') for (const c of n.children) yield* walk(c, n);
}

export const words = (t: TextNode) => t.text.trim().split(/\s+/).length;
const isShort = (t: TextNode) => words(t) <= 4 && t.text.length <= 32 && !t.text.includes('\n');

/**
 * The font size carrying the most characters, counting sizes within 8% as one (the same type
 * measures a little differently line to line): the page's body text.
 */
function bodySize(texts: TextNode[]): number {
  let best = 16;
  let most = -1;
  for (const t of texts) {
    const s = t.style.fontSize;
    const chars = texts.reduce((n, o) => (Math.abs(o.style.fontSize - s) <= 0.08 * s ? n + o.text.length : n), 0);
    if (chars > most) [best, most] = [s, chars];
  }
  return best;
}

/** Marks roles on the page's nodes and groups its body into header/main/footer. */
export function assignRoles(root: FrameNode, newId: () => string): void {
  const nodes = [...walk(root)];
  for (const [n] of nodes) if (n.type === 'frame' && isButton(n)) n.role = 'button';
  const inButton = new Set<DesignNode>();
  for (const [n, p] of nodes) if (p && (p.role === 'button' || inButton.has(p))) inButton.add(n);
  const texts = nodes.flatMap(([n]) => (n.type === 'text' && !inButton.has(n) ? [n] : []));
  // Menus first: a menu's entries are links, however large their type.
  for (const [n] of nodes) if (n.type === 'frame' && isLinkRow(n)) markLinks(n, root);
  markHeadings(texts.filter((t) => t.role !== 'link'), bodySize(texts));
  for (const t of texts) t.role ??= 'paragraph';
  for (const [n, p] of nodes) if (n.type === 'image' && p) n.alt ||= nearbyText(n, p) ?? '';
  landmarks(root, newId);
}

function isButton(f: FrameNode): boolean {
  if (!painted(f) || f.role || f.box.height > 72 || f.box.width > 360 || f.children.length !== 1) return false;
  const t = f.children[0]!;
  if (t.type !== 'text' || !isShort(t)) return false;
  const left = t.box.x - f.box.x;
  const rightInset = right(f.box) - right(t.box);
  return Math.abs(left - rightInset) <= Math.max(4, 0.1 * f.box.width) && left >= 4;
}

/** Headings rank by size: sizes within 10% of a bigger one share its level. */
function markHeadings(texts: TextNode[], body: number): void {
  const heading = (t: TextNode) =>
    t.text.length <= 120 && (t.style.fontSize >= Math.max(body * 1.2, body + 2) || (t.style.fontWeight >= 600 && t.style.fontSize >= body * 1.1));
  const headings = texts.filter(heading);
  const sizes = [...new Set(headings.map((t) => t.style.fontSize))].sort((a, b) => b - a);
  const levelOf = new Map<number, number>();
  let level = 0;
  let top = Infinity;
  for (const s of sizes) {
    if (s < top * 0.9) [level, top] = [level + 1, s];
    levelOf.set(s, Math.min(6, level));
  }
  for (const t of headings) {
    t.role = 'heading';
    t.level = levelOf.get(t.style.fontSize)!;
  }
}

/** A row of three or more short texts (directly or in clusters): a menu. */
function isLinkRow(f: FrameNode): boolean {
  if (f.layout.mode !== 'row' || f.role === 'button') return false;
  const leaves = f.children.flatMap((c) => (c.type === 'frame' && c.layout.mode === 'row' && !painted(c) ? c.children : [c]));
  const texts = leaves.filter((c): c is TextNode => c.type === 'text');
  return texts.length >= 3 && texts.every(isShort);
}

/**
 * The row's short texts become links; near the top or the bottom of the page the row (or the
 * cluster holding the links, when the row also holds a logo or a button) is a nav.
 */
function markLinks(f: FrameNode, root: FrameNode): void {
  const texts = f.children.flatMap((c) => (c.type === 'frame' && c.layout.mode === 'row' ? c.children : [c])).filter((c) => c.type === 'text');
  for (const t of texts) t.role = 'link';
  const edge = f.box.y < root.box.y + 0.25 * root.box.height || bottom(f.box) > root.box.y + 0.85 * root.box.height;
  if (!edge) return;
  const home = f.children.find((c) => c.type === 'frame' && c.children.filter((x) => x.type === 'text').length >= 3) as FrameNode | undefined;
  const nav = home ?? f;
  nav.role ??= 'nav';
}

/** The text closest to the picture (touching or within 64 px) among its parent's content. */
function nearbyText(img: ImageNode, parent: FrameNode): string | undefined {
  let best: TextNode | undefined;
  let bestD = 64;
  for (const [n] of walk(parent)) {
    if (n.type !== 'text') continue;
    const dx = Math.max(0, n.box.x - right(img.box), img.box.x - right(n.box));
    const dy = Math.max(0, n.box.y - bottom(img.box), img.box.y - bottom(n.box));
    const d = Math.hypot(dx, dy);
    if (d < bestD || (d === bestD && best && n.role === 'heading')) [best, bestD] = [n, d];
  }
  return best?.text.slice(0, 80);
}

const contains = (f: DesignNode, role: string): boolean =>
  f.role === role || (f.type === 'frame' && f.children.some((c) => contains(c, role)));

/**
 * Header and footer from the page's first and last blocks; painted full-width blocks between
 * are sections, and everything between header and footer is wrapped in <main>.
 */
function landmarks(root: FrameNode, newId: () => string): void {
  const blocks = root.children.filter((c) => !c.absolute);
  if (blocks.length < 2) return;
  const full = (n: DesignNode) => n.box.width >= 0.9 * root.box.width;
  const first = blocks[0]!;
  const last = blocks[blocks.length - 1]!;
  const header = first.type === 'frame' && first.box.y < 0.2 * root.box.height && first.box.height < 0.35 * root.box.height && contains(first, 'nav') ? first : undefined;
  const body = bodySize([...walk(root)].flatMap(([n]) => (n.type === 'text' ? [n] : [])));
  // A footer is the page's last block, painted as a band of its own or set in small print.
  const textsOf = (n: DesignNode) => [...walk(n)].flatMap(([x]) => (x.type === 'text' ? [x] : []));
  const smallPrint = (n: DesignNode) => textsOf(n).every((t) => t.role !== 'heading' || (t.level ?? 1) >= 4) && (painted(n as FrameNode) || textsOf(n).every((t) => t.style.fontSize < body));
  const footer = last.type === 'frame' && full(last) && bottom(last.box) >= root.box.y + 0.85 * root.box.height && last.box.height < 0.4 * root.box.height && smallPrint(last) ? last : undefined;
  if (header) header.role = 'header';
  if (footer && footer !== header) footer.role = 'footer';
  const inner = blocks.filter((b) => b !== header && b !== footer);
  for (const b of inner) if (b.type === 'frame' && !b.role && painted(b) && full(b)) b.role = 'section';
  if (!header && !footer) return;
  if (inner.length === 0) return;
  const top = Math.min(...inner.map((b) => b.box.y));
  const height = Math.max(...inner.map((b) => bottom(b.box))) - top;
  // main spans the page so its content keeps its distance from the page's edges.
  const main = frame(newId(), { x: root.box.x, y: top, width: root.box.width, height }, [], { role: 'main', layout: flowLayout('column'), sizing: { width: 'fill', height: 'hug' }, style: noStyle() });
  placeColumn(main, inner);
  const absolute = root.children.filter((c) => c.absolute);
  placeColumn(root, [...(header ? [header] : []), main, ...(footer && footer !== header ? [footer] : [])]);
  root.children.push(...absolute);
}

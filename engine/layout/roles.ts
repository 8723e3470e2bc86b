// Roles: what each node is to a person reading the page, from geometry and type alone.
// - headings: text clearly larger (or bolder and larger) than the body text, levels by rank
//   of size on the page; other text is a paragraph;
// - buttons: a small filled or bordered frame holding one short, centred text;
// - inputs: a light, bordered or filled field holding one line of grey text set at its left
//   (a placeholder), or nothing; a tall one is a multi-line field;
// - links and nav: a list of short texts in a row; header/footer: the page's first/last
//   full-width block when it holds such a nav or only small print, main: what lies between;
// - sections: full-width painted blocks of the page;
// - images: alt text from the nearest text beside or under the picture.
import { hexToRgb } from '../ir/color.ts';
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
  const parentOf = new Map(nodes);
  for (const [n] of nodes) if (n.type === 'frame' && isInput(n, parentOf)) n.role = 'input';
  // A button's label and a field's placeholder are no headings or paragraphs of the page.
  const inButton = new Set<DesignNode>();
  for (const [n, p] of nodes) if (p && (p.role === 'button' || p.role === 'input' || inButton.has(p))) inButton.add(n);
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

/** Relative luminance-like lightness 0..1 of #rrggbb, and its chroma (max − min channel) 0..1. */
function tone(hex: string): { light: number; chroma: number } {
  const c = hexToRgb(hex).map((v) => v / 255);
  return { light: 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!, chroma: Math.max(...c) - Math.min(...c) };
}

/** The solid colour a frame shows: its own fill, else the nearest filled ancestor's. */
function shownFill(f: FrameNode, parentOf: Map<DesignNode, FrameNode | undefined>): string | undefined {
  for (let x: FrameNode | undefined = f; x; x = parentOf.get(x)) {
    const fill = x.style.fills[x.style.fills.length - 1];
    if (fill) return fill.type === 'solid' ? fill.color : undefined;
  }
  return undefined;
}

/**
 * A text field: a light box with a thin border or a fill of its own, as tall as one line of
 * form type (or taller, for a multi-line field), holding nothing or one line of grey text
 * that starts near its left edge and leaves much of the field empty.
 */
function isInput(f: FrameNode, parentOf: Map<DesignNode, FrameNode | undefined>): boolean {
  if (f.role || !painted(f) || f.box.height < 24 || f.box.width < 2 * f.box.height || f.box.width > 900) return false;
  const b = f.style.border?.width;
  if (b && Math.max(b.top, b.right, b.bottom, b.left) > 2) return false;
  const fill = shownFill(f, parentOf);
  if (!fill || tone(fill).light < 0.8) return false;
  // A field with no border of its own is told from the page by a fill that differs from what lies behind.
  if (!b && f.style.fills.length === 0) return false;
  // Taller than a line of form type: a multi-line field (codegen makes it a <textarea> from 64 px).
  const tall = f.box.height > 64;
  if (tall && (f.box.height > 240 || f.box.width < 120)) return false;
  if (f.children.length === 0) return !!b && f.box.width >= 4 * f.box.height && !tall;
  const t = f.children[0]!;
  if (f.children.length !== 1 || t.type !== 'text' || t.text.includes('\n') || t.box.height > 1.5 * t.style.lineHeight) return false;
  const { light, chroma } = tone(t.style.color);
  if (chroma > 0.12 || light < 0.25 || light > 0.8) return false;
  const left = t.box.x - f.box.x;
  const rightInset = right(f.box) - right(t.box);
  const top = t.box.y - f.box.y;
  const bottomInset = bottom(f.box) - bottom(t.box);
  // One line set at the left, centred in a single-line field or at the top of a tall one.
  const placed = tall ? top <= Math.max(16, 1.5 * left) : Math.abs(top - bottomInset) <= Math.max(4, 0.2 * f.box.height);
  return placed && left >= 2 && left <= Math.max(24, 0.8 * f.box.height) && rightInset >= Math.max(24, 2 * left);
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
  // A separator between the links (·, /, |) leads nowhere: it stays text.
  for (const t of texts) if (/[\p{L}\p{N}]/u.test(t.text)) t.role = 'link';
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

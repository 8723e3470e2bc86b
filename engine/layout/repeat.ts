// Repeated structures: children of one flow container that share a shape (nav items, cards
// of a grid, rows of a list) make that container a list and each of them a list item.
import { hexToRgb } from '../ir/color.ts';
import type { DesignNode, FrameNode, TextNode } from '../ir/schema.ts';
import { median } from '../stats.ts';
import { words } from './roles.ts';

/** Within 10% (and a few px) of each other. */
const close = (a: number, b: number) => Math.abs(a - b) <= Math.max(4, 0.1 * Math.max(a, b));

/** The node's kind and, for a frame, its children's shapes: what repeats when an item repeats. */
function shape(n: DesignNode): string {
  if (n.type !== 'frame') return n.type;
  return `frame(${n.layout.mode}:${n.children.map(shape).join(',')})`;
}

const sameText = (a: TextNode, b: TextNode) =>
  close(a.style.fontSize, b.style.fontSize) && a.style.fontWeight === b.style.fontWeight && a.style.color === b.style.color;

/** Whether `items`, children of `parent`, are the entries of one list. */
function isRepeat(parent: FrameNode, items: DesignNode[]): boolean {
  const first = items[0]!;
  const min = parent.layout.mode === 'grid' ? 2 : 3;
  if (items.length < min || items.some((c) => shape(c) !== shape(first))) return false;
  if (first.type === 'text') {
    const texts = items as TextNode[];
    if (!texts.every((t) => words(t) <= 5 && !t.text.includes('\n'))) return false;
    // Menu entries are a list whatever their type; other texts only when they look alike.
    if (!texts.every((t) => t.role === 'link') && !texts.every((t) => sameText(t, texts[0]!))) return false;
    // Lines of one paragraph sit a line apart; entries of a list stand further apart.
    if (parent.layout.mode === 'column') return parent.layout.gap >= 0.5 * texts[0]!.style.fontSize;
    return true;
  }
  if (first.type === 'frame') {
    const [w, h] = [first.box.width, first.box.height];
    const across = parent.layout.mode === 'column' ? (n: DesignNode) => close(n.box.width, w) : (n: DesignNode) => close(n.box.height, h);
    return items.every(across) && (first.children.length > 0 || items.every((n) => close(n.box.width, w) && close(n.box.height, h)));
  }
  return items.every((n) => close(n.box.width, first.box.width) && close(n.box.height, first.box.height));
}

/** Marks lists and list items under `node`, depth first. */
export function markRepeats(node: FrameNode): void {
  for (const c of node.children) if (c.type === 'frame') markRepeats(c);
  // A nav's entries are its list (the generators write <nav><ul>).
  if (node.layout.mode === 'none' || (node.role && node.role !== 'nav')) return;
  const flow = node.children.filter((c) => !c.absolute);
  if (flow.length !== node.children.length || !isRepeat(node, flow)) return;
  node.role ??= 'list';
  for (const c of flow) {
    if (!c.role) c.role = c.type === 'text' ? undefined : 'listitem';
    // A menu entry is as wide as its words.
    if (c.type === 'text' && node.layout.mode === 'row') c.sizing = { ...c.sizing, width: 'hug' };
  }
  unify(flow);
}

function mode<T>(v: T[]): T {
  const n = new Map<T, number>();
  for (const x of v) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1])[0]![0];
}
/** Values a measurement's noise explains (within 2 px): the median of them all. */
const settle = (v: number[]) => (Math.max(...v) - Math.min(...v) <= 2 ? median(v) : undefined);
const nearColours = (cs: string[]) => {
  const all = cs.map(hexToRgb);
  return all.every((c) => c.every((v, k) => Math.abs(v - all[0]![k]!) <= 24));
};

/**
 * Gives the items of one list the same measurements where they differ only by measuring
 * noise (a pixel of size, a shade of colour), walking the items in step: what a designer
 * made alike is written alike, so the items can share one component.
 */
function unify(items: DesignNode[]): void {
  const first = items[0]!;
  if (items.length < 2) return;
  const margins = items.map((n) => n.margin ?? { top: 0, right: 0, bottom: 0, left: 0 });
  const sides = (['top', 'right', 'bottom', 'left'] as const).map((k) => settle(margins.map((m) => m[k])));
  if (sides.every((v) => v !== undefined) && items.some((n) => n.margin)) {
    const [top, right, bottom, left] = sides as number[];
    for (const n of items.slice(1)) {
      if (top || right || bottom || left) n.margin = { top: top!, right: right!, bottom: bottom!, left: left! };
      else delete n.margin;
    }
    if (top || right || bottom || left) first.margin = { top: top!, right: right!, bottom: bottom!, left: left! };
    else delete first.margin;
  }
  for (const dim of ['width', 'height'] as const) {
    const v = settle(items.map((n) => n.box[dim]));
    if (v !== undefined) for (const n of items) n.box = { ...n.box, [dim]: v };
  }
  if (first.type === 'text') {
    const texts = items as TextNode[];
    const size = settle(texts.map((t) => t.style.fontSize));
    const colour = nearColours(texts.map((t) => t.style.color)) ? mode(texts.map((t) => t.style.color)) : undefined;
    const line = settle(texts.map((t) => t.style.lineHeight));
    for (const t of texts) {
      t.style = { ...t.style, ...(size ? { fontSize: size } : {}), ...(line ? { lineHeight: line } : {}), ...(colour ? { color: colour } : {}), fontWeight: mode(texts.map((x) => x.style.fontWeight)) };
    }
  }
  if (first.type === 'frame') {
    const frames = items as FrameNode[];
    const gap = settle(frames.map((f) => f.layout.gap));
    const pad = (['top', 'right', 'bottom', 'left'] as const).map((k) => settle(frames.map((f) => f.layout.padding[k])));
    for (const f of frames) {
      if (gap !== undefined) f.layout = { ...f.layout, gap };
      if (pad.every((v) => v !== undefined)) f.layout = { ...f.layout, padding: { top: pad[0]!, right: pad[1]!, bottom: pad[2]!, left: pad[3]! } };
    }
    first.children.forEach((_, k) => unify(frames.map((f) => f.children[k]!)));
  }
}

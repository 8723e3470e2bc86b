// One round of think mode's repairs: where the render differs from the design, change the IR
// (never the generated code), so every generator inherits the fix. Each repair is a step
// computed from what was measured, so the next round corrects what this one over- or
// under-shot:
// - text size: the rendered ink is taller or shorter than the design's → scale the font size;
// - text width: a single line renders wider or narrower → letter spacing spreads the difference;
// - wrapping: a line that wraps in the render but not in the design → a wider box;
// - offsets: the rendered line sits off its perceived place → its margin in the flow parent
//   (the next sibling takes the opposite change, so what follows stays where it was);
// - text colour: the glyphs' fully covered pixels differ in colour between render and design
//   (perception's colour is a median that anti-aliasing pales) → shift the colour by the difference;
// - frame fill: the colour covering a frame differs between design and render → the design's.
import type { Box, Design, DesignNode, FrameNode, TextNode } from '../ir/schema.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { hexToRgb, toHex, type Rgb } from '../ir/color.ts';
import { dist } from '../perceive/pixels.ts';
import { dominantFill, inkPair } from './ink.ts';
import type { RenderedText } from './text-match.ts';

export const REPAIR_KINDS = ['size', 'spacing', 'wrap', 'offset', 'color', 'fill'] as const;
export type RepairKind = (typeof REPAIR_KINDS)[number];
export type RepairCounts = Record<RepairKind, number>;
/** What the repairs change: the text's shape and place, or the paint. */
export const SHAPE_REPAIRS: readonly RepairKind[] = ['size', 'spacing', 'wrap', 'offset'];
export const PAINT_REPAIRS: readonly RepairKind[] = ['color', 'fill'];

export interface RepairInput {
  design: Design;
  /** Where each text node was perceived (by id): what every round aims for. */
  targets: ReadonlyMap<string, Box>;
  rendered: RenderedText[];
  designPixels: DecodedImage;
  renderPixels: DecodedImage;
  /** The kinds of repair to make (default all). */
  kinds?: readonly RepairKind[];
}

/** Ink heights differ by at least this many px before the font size changes (1 px is anti-aliasing noise). */
const MIN_INK_DELTA = 2;
/** Offsets under this many px are left alone. */
const MIN_OFFSET = 1;
/** Colour distances (RGB units) under this are noise. */
const MIN_COLOR_DELTA = 8;
/** A frame's design colour must cover this share of it to be its fill. */
const MIN_FILL_SHARE = 0.6;
/** Letter spacing stays within ±this many em: past it a width difference is a different face, not spacing. */
const MAX_SPACING_EM = 0.12;
/** Font size changes at most by these factors a round. */
const SIZE_STEP = [0.85, 1.2] as const;

interface Placed {
  node: DesignNode;
  parent: FrameNode | undefined;
}

/** A repaired copy of the design and how many repairs of each kind it carries. */
export function repairDesign(input: RepairInput): { design: Design; repairs: RepairCounts } {
  const design = structuredClone(input.design);
  const placed = new Map<string, Placed>();
  const visit = (node: DesignNode, parent: FrameNode | undefined) => {
    placed.set(node.id, { node, parent });
    if (node.type === 'frame') for (const c of node.children) visit(c, node);
  };
  visit(design.root, undefined);
  const repairs = Object.fromEntries(REPAIR_KINDS.map((k) => [k, 0])) as RepairCounts;
  const allowed = new Set(input.kinds ?? REPAIR_KINDS);
  for (const r of input.rendered) {
    const at = placed.get(r.node.id);
    const target = input.targets.get(r.node.id);
    if (!at || at.node.type !== 'text' || !target) continue;
    for (const kind of repairText(at.node, at.parent, r.box, target, input, allowed)) repairs[kind]++;
  }
  if (allowed.has('fill')) for (const { node } of placed.values()) if (node.type === 'frame' && repairFill(node, input)) repairs.fill++;
  return { design, repairs };
}

function repairText(n: TextNode, parent: FrameNode | undefined, rendered: Box, target: Box, input: RepairInput, allowed: ReadonlySet<RepairKind>): RepairKind[] {
  const done: RepairKind[] = [];
  const s = n.style;
  // Lines as perceived: written breaks, or a paragraph box that spans several lines.
  const lines = Math.max(n.text.split('\n').length, Math.round(target.height / s.lineHeight));
  if (rendered.height > (lines + 0.5) * s.lineHeight) {
    if (!allowed.has('wrap')) return [];
    widenOrTighten(n, parent);
    return ['wrap'];
  }
  const ink = inkPair(input.designPixels, target, input.renderPixels, rendered);
  let sized = false;
  if (allowed.has('size') && lines === 1 && ink && Math.abs(ink.design.height - ink.render.height) >= MIN_INK_DELTA) {
    s.fontSize = round2(s.fontSize * clamp(ink.design.height / ink.render.height, SIZE_STEP[0], SIZE_STEP[1]));
    sized = true;
    done.push('size');
  }
  const dw = target.width - rendered.width;
  if (allowed.has('spacing') && lines === 1 && !sized && Math.abs(dw) >= Math.max(1.5, 0.01 * target.width)) {
    const limit = MAX_SPACING_EM * s.fontSize;
    const spacing = round2(clamp(s.letterSpacing + dw / [...n.text].length, -limit, limit));
    if (spacing !== s.letterSpacing) {
      s.letterSpacing = spacing;
      done.push('spacing');
    }
  }
  const dx = round2(horizontalOffset(s.align, target, rendered));
  const dy = round2(target.y + target.height / 2 - (rendered.y + rendered.height / 2));
  if (allowed.has('offset') && (Math.abs(dx) >= MIN_OFFSET || Math.abs(dy) >= MIN_OFFSET)) {
    shift(n, parent, Math.abs(dx) >= MIN_OFFSET ? dx : 0, Math.abs(dy) >= MIN_OFFSET ? dy : 0);
    done.push('offset');
  }
  if (allowed.has('color') && ink && dist(ink.design.color, ink.render.color) > MIN_COLOR_DELTA) {
    const now = hexToRgb(s.color);
    s.color = toHex(now.map((v, k) => v + ink.design.color[k] - ink.render.color[k]) as Rgb) + s.color.slice(7);
    done.push('color');
  }
  return done;
}

/** How far the rendered line must move sideways: by the edge its alignment holds. */
function horizontalOffset(align: TextNode['style']['align'], target: Box, rendered: Box): number {
  if (align === 'center') return target.x + target.width / 2 - (rendered.x + rendered.width / 2);
  if (align === 'right') return target.x + target.width - (rendered.x + rendered.width);
  return target.x - rendered.x;
}

/**
 * Moves a node by (dx, dy) in its parent's layout. In a flow, the node's margin on the main
 * axis also moves what follows it, so the next sibling takes the opposite change.
 */
function shift(n: DesignNode, parent: FrameNode | undefined, dx: number, dy: number): void {
  if (!parent || n.absolute || parent.layout.mode === 'none') {
    n.box = { ...n.box, x: n.box.x + dx, y: n.box.y + dy };
    return;
  }
  const m = (n.margin ??= { top: 0, right: 0, bottom: 0, left: 0 });
  m.left = round2(m.left + dx);
  m.top = round2(m.top + dy);
  const main = parent.layout.mode === 'row' ? 'left' : parent.layout.mode === 'column' ? 'top' : undefined;
  const i = parent.children.indexOf(n);
  const next = parent.children.slice(i + 1).find((c) => !c.absolute);
  if (!main || !next) return;
  const nm = (next.margin ??= { top: 0, right: 0, bottom: 0, left: 0 });
  nm[main] = round2(nm[main] - (main === 'left' ? dx : dy));
}

/** A wrapped line gets a wider box where its parent has room, else tighter letters. */
function widenOrTighten(n: TextNode, parent: FrameNode | undefined): void {
  const room = parent ? parent.box.x + parent.box.width - parent.layout.padding.right - (n.box.x + n.box.width) : 0;
  if (room >= 1) {
    n.box = { ...n.box, width: n.box.width + Math.min(room, Math.max(4, 0.1 * n.box.width)) };
    n.sizing = { ...n.sizing, width: 'fixed' };
  } else {
    n.style.letterSpacing = round2(Math.max(-MAX_SPACING_EM * n.style.fontSize, n.style.letterSpacing - 0.02 * n.style.fontSize));
  }
}

function repairFill(f: FrameNode, input: RepairInput): boolean {
  const bottom = f.style.fills[0];
  if (bottom && bottom.type !== 'solid') return false;
  const want = dominantFill(input.designPixels, f.box);
  const got = dominantFill(input.renderPixels, f.box);
  if (!want || !got || want.share < MIN_FILL_SHARE || dist(want.color, got.color) <= MIN_COLOR_DELTA) return false;
  if (bottom && dist(hexToRgb(bottom.color), want.color) <= MIN_COLOR_DELTA) return false;
  const fill = { type: 'solid' as const, color: toHex(want.color) };
  if (bottom) f.style.fills[0] = fill;
  else f.style.fills.unshift(fill);
  return true;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round2 = (v: number) => Math.round(v * 100) / 100;

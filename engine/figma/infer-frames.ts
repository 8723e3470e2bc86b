// Frames without auto layout get the layout inference screenshots get, so their children become
// rows and columns where the geometry allows. What Figma already laid out exactly (a frame with
// children of its own: auto layout, or inferred on its own level before) must come through
// untouched, so each such frame takes part as an opaque stand-in of its box and is put back after.
import type { DesignNode, FrameNode, VectorNode } from '../ir/schema.ts';
import { inferLayout } from '../layout/index.ts';

const STAND_IN_SVG = '<svg></svg>';

function standIn(f: FrameNode, held: Map<string, FrameNode>): VectorNode {
  held.set(f.id, f);
  return { type: 'vector', id: f.id, box: f.box, sizing: f.sizing, svg: STAND_IN_SVG };
}

/** Puts the held frames back where their stand-ins ended up, with the place inference gave them. */
function restore(f: FrameNode, held: Map<string, FrameNode>): void {
  f.children = f.children.map((c) => {
    const real = c.type === 'vector' && c.svg === STAND_IN_SVG ? held.get(c.id) : undefined;
    if (!real) {
      if (c.type === 'frame') restore(c, held);
      return c;
    }
    if (c.margin) real.margin = c.margin;
    if (c.absolute) real.absolute = true;
    if (c.role && !real.role) real.role = c.role;
    return real;
  });
}

/** Lays `items` (the frame's converted children, groups flattened) out inside `f` as flow. */
export function inferFrameLayout(f: FrameNode, items: DesignNode[], newId: () => string): void {
  const held = new Map<string, FrameNode>();
  const stand = items.map((it) => (it.type === 'frame' && it.children.length > 0 ? standIn(it, held) : it));
  f.children = [];
  inferLayout(f, stand, newId);
  restore(f, held);
}

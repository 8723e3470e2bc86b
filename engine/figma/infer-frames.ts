// Frames without auto layout get the layout inference screenshots get, so their children become
// rows and columns where the geometry allows. What Figma already laid out exactly (a frame with
// children of its own: auto layout, or inferred on its own level before) must come through
// untouched, so each such frame takes part as an opaque stand-in of its box and is put back after.
// A layer drawn over such a frame and wholly inside it (an icon on a field, a badge on a card)
// belongs inside it: it is handed to the frame, rather than overlapping a stand-in it cannot enter.
import type { DesignNode, FrameNode, VectorNode } from '../ir/schema.ts';
import { area } from '../ir/geometry.ts';
import { contains, inferLayout } from '../layout/index.ts';

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


/** Takes layers that lie over a frame with content of its own into that frame. */
export type Adopt = (host: FrameNode, guests: DesignNode[]) => void;

/** The layers (by host) drawn above a frame with content and wholly inside it: the smallest such frame takes each. */
function guestsOf(items: DesignNode[]): Map<FrameNode, DesignNode[]> {
  const guests = new Map<FrameNode, DesignNode[]>();
  items.forEach((it, i) => {
    let host: FrameNode | undefined;
    for (const h of items.slice(0, i)) {
      if (h.type === 'frame' && h.children.length > 0 && contains(h.box, it.box) && area(h.box) > area(it.box) && (!host || area(h.box) < area(host.box))) host = h;
    }
    if (host) guests.set(host, [...(guests.get(host) ?? []), it]);
  });
  return guests;
}

/** Lays `items` (the frame's converted children, groups flattened) out inside `f` as flow. */
export function inferFrameLayout(f: FrameNode, all: DesignNode[], newId: () => string, adopt: Adopt): void {
  const guests = guestsOf(all);
  const adopted = new Set([...guests.values()].flat());
  for (const [host, its] of guests) adopt(host, its);
  const items = all.filter((it) => !adopted.has(it));
  const held = new Map<string, FrameNode>();
  const stand = items.map((it) => (it.type === 'frame' && it.children.length > 0 ? standIn(it, held) : it));
  f.children = [];
  inferLayout(f, stand, newId);
  restore(f, held);
}

// Where a model server's swarm cuts the design: along perception's layout tree, so that each
// segment is one element of the page perception would write, and the model's code for it can
// take that element's place. The page's top-level blocks are cut first; a block that still
// covers much of the page is opened into its own children while the count allows.
import { area, type Box, type Design, type DesignNode, type FrameNode } from '../ir/index.ts';

export interface Segment {
  /** The IR node the segment is: its code stands in for that node's content. */
  id: string;
  label: string;
  box: Box;
  node: DesignNode;
}

export interface CutOptions {
  /** The most segments the page is cut into (default 12). */
  maxSegments?: number;
  /** A segment larger than this share of the page is opened into its children (default 0.3). */
  maxShare?: number;
}

/** Nodes smaller than this (px²) carry too little for a request of their own. */
const MIN_AREA = 24 * 24;

const opens = (n: DesignNode): n is FrameNode => n.type === 'frame' && n.layout.mode !== 'none' && n.layout.mode !== 'grid' && n.children.some((c) => !c.absolute && area(c.box) >= MIN_AREA);
const kept = (n: DesignNode) => !n.absolute && area(n.box) >= MIN_AREA;

/** The segments in reading order; a page with no blocks is one segment, the page itself. */
export function cutSegments(design: Design, { maxSegments = 12, maxShare = 0.3 }: CutOptions = {}): Segment[] {
  const page = area(design.root.box);
  let nodes: DesignNode[] = opens(design.root) ? design.root.children.filter(kept) : [design.root];
  for (;;) {
    const largest = nodes.filter((n) => opens(n) && area(n.box) > maxShare * page).sort((a, b) => area(b.box) - area(a.box))[0] as FrameNode | undefined;
    if (!largest) break;
    const children = largest.children.filter(kept);
    if (nodes.length - 1 + children.length > maxSegments) break;
    nodes = nodes.flatMap((n) => (n === largest ? children : [n]));
  }
  const named = new Map<string, number>();
  return nodes.map((node) => {
    const base = node.role ?? node.name ?? node.type;
    const count = (named.get(base) ?? 0) + 1;
    named.set(base, count);
    return { id: node.id, label: count === 1 ? base : `${base} ${count}`, box: node.box, node };
  });
}

/** The text perception read inside a node, top to bottom. */
export function textOf(node: DesignNode): string[] {
  if (node.type === 'text') return [node.text];
  return node.type === 'frame' ? node.children.flatMap(textOf) : [];
}

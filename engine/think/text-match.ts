// Which rendered text block belongs to which IR text node. Every generator writes the IR's text
// nodes in tree order, one DOM text node per line, so the rendered blocks (read in document
// order) follow the IR's text nodes; matching the two sequences by exact text, in order, tells
// repeated labels ("Learn more" three times) apart without any mapping written into the code.
import type { DesignNode, FrameNode, TextNode } from '../ir/schema.ts';
import type { TextBlock } from '../ir/text-block.ts';
import type { Box } from '../ir/schema.ts';

export interface RenderedText {
  node: TextNode;
  /** The union of the node's rendered lines, page CSS px. */
  box: Box;
  /** How many DOM text nodes (lines written by the code) it rendered as. */
  blocks: number;
}

/** How far ahead a node's text is looked for: blocks the IR does not explain (e.g. SVG text) are skipped. */
const LOOKAHEAD = 24;

const normal = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** The IR's text nodes in document order. */
export function textNodes(node: DesignNode, out: TextNode[] = []): TextNode[] {
  if (node.type === 'text') out.push(node);
  else if (node.type === 'frame') for (const c of node.children) textNodes(c, out);
  return out;
}

/** Pairs each IR text node with its rendered lines; nodes not found in the render are left out. */
export function matchRenderedText(root: FrameNode, rendered: TextBlock[]): RenderedText[] {
  const texts = rendered.map((b) => normal(b.text));
  const out: RenderedText[] = [];
  let next = 0;
  for (const node of textNodes(root)) {
    const lines = node.text.split('\n').map(normal).filter(Boolean);
    if (lines.length === 0) continue;
    const end = Math.min(texts.length, next + LOOKAHEAD);
    for (let start = next; start < end; start++) {
      if (!lines.every((l, k) => texts[start + k] === l)) continue;
      const boxes = rendered.slice(start, start + lines.length).map((b) => b.box);
      out.push({ node, box: union(boxes), blocks: lines.length });
      next = start + lines.length;
      break;
    }
  }
  return out;
}

function union(boxes: Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return {
    x,
    y,
    width: Math.max(...boxes.map((b) => b.x + b.width)) - x,
    height: Math.max(...boxes.map((b) => b.y + b.height)) - y,
  };
}

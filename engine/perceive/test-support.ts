// What the perception tests share: walking a perceived tree and comparing colours.
import type { DesignNode } from '../ir/schema.ts';

/** Every node of the tree, the root first. */
export function allNodes(n: DesignNode, out: DesignNode[] = []): DesignNode[] {
  out.push(n);
  if (n.type === 'frame') for (const c of n.children) allNodes(c, out);
  return out;
}

/** Euclidean distance of two #rrggbb colours in RGB. */
export function hexDist(a: string, b: string): number {
  const p = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const [x, y] = [p(a), p(b)];
  return Math.hypot(x[0]! - y[0]!, x[1]! - y[1]!, x[2]! - y[2]!);
}

// Items placed from their boxes (they overlap a neighbour, so no flow can hold them) are placed
// in the frames that hold them. The groups that flow.ts makes for rows and columns are as big as
// their flow, so an item that overlapped the group's edge was left sticking out of it, anchored
// to a box it is not in: its offsets came out negative or wider than the group, and once the page
// narrowed it stuck out of the page too. Each such item moves up to the nearest frame that holds
// it, and is placed from that frame's edges.
import type { DesignNode, FrameNode } from '../ir/schema.ts';
import { contains } from './flow.ts';

/** Moves every absolutely placed item under `node` out of frames that do not hold it, innermost first. */
export function anchorAbsolutes(node: FrameNode): void {
  for (const c of node.children) if (c.type === 'frame') anchorAbsolutes(c);
  const children: DesignNode[] = [];
  for (const c of node.children) {
    children.push(c);
    if (c.type !== 'frame') continue;
    const stray = c.children.filter((g) => g.absolute && !contains(c.box, g.box));
    if (stray.length === 0) continue;
    c.children = c.children.filter((g) => !stray.includes(g));
    // Right after the frame it left: it still paints over that frame, as before.
    children.push(...stray);
  }
  node.children = children;
}

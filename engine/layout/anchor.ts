// Items placed from their boxes (they overlap a neighbour, so no flow can hold them) are placed
// in frames that hold them and whose width does not depend on them. The groups that flow.ts makes
// for rows and columns are as big as their flow, so an item that overlapped the group's edge was
// left sticking out of it, anchored to a box it is not in: its offsets came out negative or wider
// than the group, and once the page narrowed it stuck out of the page too. And a frame as wide as
// its content (hug) is, in CSS, only as wide as its flow, whatever the item's box made it in the
// design. Each such item moves up to the nearest frame that holds it and has a width of its own,
// and is placed from that frame's edges.
import type { DesignNode, FrameNode } from '../ir/schema.ts';
import { contains } from './flow.ts';

/** Moves every absolutely placed item under `node` out of frames that do not hold it or hug their content, innermost first. */
export function anchorAbsolutes(node: FrameNode): void {
  for (const c of node.children) if (c.type === 'frame') anchorAbsolutes(c);
  const children: DesignNode[] = [];
  for (const c of node.children) {
    if (c.type !== 'frame') {
      children.push(c);
      continue;
    }
    const stray = c.children.filter((g) => g.absolute && (!contains(c.box, g.box) || c.sizing.width === 'hug'));
    c.children = c.children.filter((g) => !stray.includes(g));
    // Beside the frame it left, where it reads: before it when it starts no lower than the
    // frame's flow (a notice over the top of a list), after it otherwise.
    const top = Math.min(...c.children.filter((g) => !g.absolute).map((g) => g.box.y));
    children.push(...stray.filter((g) => g.box.y <= top), c, ...stray.filter((g) => g.box.y > top));
  }
  node.children = children;
}

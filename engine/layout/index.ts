// Layout inference: absolute boxes → a tree a developer would keep. Nest by containment,
// lay out in rows, columns and grids (flow.ts, place.ts), place what overlaps in the frame that
// holds it (anchor.ts), name what things are (roles.ts), then turn repeated structures into
// lists (repeat.ts), whose items are made alike, and place everything again from the final boxes.
import type { DesignNode, FrameNode } from '../ir/schema.ts';
import { anchorAbsolutes } from './anchor.ts';
import { arrangeFlow, nestByContainment } from './flow.ts';
import { reflow } from './place.ts';
import { markRepeats } from './repeat.ts';
import { assignRoles } from './roles.ts';

/** How the layout nests boxes, for callers that hand layers to a frame the same way. */
export { contains } from './flow.ts';

export function inferLayout(root: FrameNode, items: DesignNode[], newId: () => string): FrameNode {
  arrangeFlow(nestByContainment(root, items), newId);
  anchorAbsolutes(root);
  assignRoles(root, newId);
  markRepeats(root);
  reflow(root);
  return root;
}

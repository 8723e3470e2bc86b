// Layout inference: absolute boxes → a tree a developer would keep. Nest by containment,
// lay out in rows, columns and grids (flow.ts, place.ts), name what things are (roles.ts),
// then turn repeated structures into lists (repeat.ts).
import type { DesignNode, FrameNode } from '../ir/schema.ts';
import { arrangeFlow, nestByContainment } from './flow.ts';
import { markRepeats } from './repeat.ts';
import { assignRoles } from './roles.ts';

export function inferLayout(root: FrameNode, items: DesignNode[], newId: () => string): FrameNode {
  arrangeFlow(nestByContainment(root, items), newId);
  assignRoles(root, newId);
  markRepeats(root);
  return root;
}

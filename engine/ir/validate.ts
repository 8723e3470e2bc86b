import { LoupeError } from '../errors.ts';
import { Design } from './schema.ts';

/**
 * Levels of frames in frames a design may have. Parsing (zod) and the code generators recurse
 * once per level and run out of stack somewhere past 500; Figma import can nest this deep from
 * layers lying each within the last, and a stored design is untrusted.
 */
export const MAX_DESIGN_DEPTH = 300;

/** Whether the tree under data.root is deeper than `max`, walked with a stack of its own. */
function deeperThan(data: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[(data as { root?: unknown } | null)?.root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = (node as { children?: unknown } | null)?.children;
    if (Array.isArray(children)) for (const c of children) stack.push([c, depth + 1]);
  }
  return false;
}

/** Parses untrusted data into a Design, or throws INVALID_IR naming the first bad paths. */
export function parseDesign(data: unknown): Design {
  if (deeperThan(data, MAX_DESIGN_DEPTH)) {
    throw new LoupeError(
      'INPUT_TOO_LARGE',
      `The design nests boxes over ${MAX_DESIGN_DEPTH} deep (frames in frames, or layers each lying within the last); Loupe lays out up to ${MAX_DESIGN_DEPTH} levels. Flatten the layers, or convert a smaller part.`,
    );
  }
  const result = Design.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new LoupeError('INVALID_IR', `The design IR is not valid: ${problems}`);
}

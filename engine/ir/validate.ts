
import { LoupeError } from '../errors.ts';
import { Design } from './schema.ts';

/** Parses untrusted data into a Design, or throws INVALID_IR naming the first bad paths. */
export function parseDesign(data: unknown): Design {
  const result = Design.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new LoupeError('INVALID_IR', `The design IR is not valid: ${problems}`);
}


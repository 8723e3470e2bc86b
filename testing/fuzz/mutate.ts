// Mutations of real inputs as fast-check arbitraries: damaged bytes (flips, cuts, inserted
// junk, repeated runs) and damaged JSON (type swaps, nulls, absurd numbers, deep nesting,
// huge arrays). Each value carries a short description of what was done, for the failure folder.
import fc from 'fast-check';

export interface Mutated<T> {
  value: T;
  /** What was done to the original, in a few words. */
  how: string;
}

/** A copy of `base` damaged in one of the ways a file on disk or in transit gets damaged. */
export function mutatedBytes(base: Uint8Array): fc.Arbitrary<Mutated<Buffer>> {
  const at = fc.nat(base.length - 1);
  return fc.oneof(
    fc.array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 32 }).map((flips) => {
      const value = Buffer.from(base);
      for (const [i, byte] of flips) value[i] = byte;
      return { value, how: `${flips.length} bytes changed` };
    }),
    at.map((end) => ({ value: Buffer.from(base.subarray(0, end)), how: `cut to ${end} of ${base.length} bytes` })),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 256 })).map(([i, junk]) => ({
      value: Buffer.concat([base.subarray(0, i), junk, base.subarray(i)]),
      how: `${junk.length} random bytes inserted at ${i}`,
    })),
    fc.tuple(at, fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 2, max: 64 })).map(([i, length, times]) => {
      const run = base.subarray(i, i + length);
      return { value: Buffer.concat([base.subarray(0, i), ...Array<Uint8Array>(times).fill(run), base.subarray(i)]), how: `${run.length} bytes at ${i} repeated ${times}×` };
    }),
  );
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

/** Where a value sits: its container and its key there. Collected without recursion, as deep documents are the point. */
function slots(root: Json): Array<{ parent: Container; key: string | number }> {
  const found: Array<{ parent: Container; key: string | number }> = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) {
      found.push({ parent: value, key });
      stack.push((value as Record<string | number, Json>)[key]!);
    }
  }
  return found;
}

const MAX_REPEATED_CHARS = 16 * 1024 * 1024;

const ABSURD_NUMBERS = [1e308, -1e308, 1e9, -1e9, 1e6, -1, 0, 2 ** 53 + 1, 1e-300, 0.5];

/** One change at one place; `slot` and `pick` are fractions so the arbitrary does not depend on the document's shape. */
const edit = fc.oneof(
  fc.constantFrom<Json>(null, '', 'x', true, {}, []).map((to) => ({ op: 'set' as const, to })),
  fc.constantFrom(...ABSURD_NUMBERS).map((to) => ({ op: 'set' as const, to })),
  fc.constant({ op: 'delete' as const }),
  fc.constant({ op: 'swap' as const }),
  fc.integer({ min: 100, max: 5000 }).map((depth) => ({ op: 'nest' as const, depth })),
  fc.integer({ min: 1000, max: 30_000 }).map((times) => ({ op: 'repeat' as const, times })),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

/** A value of another type than `value`: the swap a schema must catch. */
function swapped(value: Json): Json {
  if (Array.isArray(value)) return value.length > 0 ? { 0: value[0]! } : 'array';
  if (value === null) return {};
  if (typeof value === 'object') return [value];
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.length;
  return value ? 1 : 'false';
}

interface Nest {
  marker: string;
  depth: number;
  inner: Json;
}

function apply(root: Json, where: number, change: Edit, nests: Nest[]): string {
  const all = slots(root);
  if (all.length === 0) return 'nothing to change';
  const { parent, key } = all[Math.floor(where * all.length)]!;
  const current = (parent as Record<string | number, Json>)[key]!;
  const put = (value: Json) => void ((parent as Record<string | number, Json>)[key] = value);
  switch (change.op) {
    case 'set':
      put(change.to);
      return `${key} set to ${JSON.stringify(change.to)}`;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return `${key} removed`;
    case 'swap':
      put(swapped(current));
      return `${key}'s type changed`;
    case 'nest': {
      // Written as text later (nestedText): JSON.stringify itself recurses, and overflows on deep nesting.
      const marker = `loupe-fuzz-nest-${nests.length}`;
      nests.push({ marker, depth: change.depth, inner: current });
      put(marker);
      return `${key} nested ${change.depth} frames deep`;
    }
    case 'repeat': {
      const item = Array.isArray(current) && current.length > 0 ? current[0]! : current;
      // Bounded in bytes: a huge array of a whole subtree would be gigabytes of text.
      const times = Math.max(1, Math.min(change.times, Math.floor(MAX_REPEATED_CHARS / (JSON.stringify(item)?.length ?? 4))));
      put(Array<Json>(times).fill(item));
      return `${key} made an array of ${times}`;
    }
  }
}

/** `text` with each nest's marker replaced by its value wrapped in `depth` frames, each the only child of the one above. */
function nestedText(text: string, nests: readonly Nest[]): string {
  // Newest first: a later nest may have wrapped a value holding an earlier one's marker.
  for (const { marker, depth, inner } of [...nests].reverse()) {
    const opener = '{"id":"9:0","name":"nest","type":"FRAME","children":[';
    text = text.replace(JSON.stringify(marker), () => `${opener.repeat(depth)}${JSON.stringify(inner)}${']}'.repeat(depth)}`);
  }
  return text;
}

/** `base` (parsed JSON) with one to three changes at random places, as JSON text. */
export function mutatedJson(base: unknown): fc.Arbitrary<Mutated<string>> {
  return fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), edit), { minLength: 1, maxLength: 3 }).map((edits) => {
    const root = structuredClone(base) as Json;
    const nests: Nest[] = [];
    const how = edits.map(([where, change]) => apply(root, where, change, nests));
    return { value: nestedText(JSON.stringify(root), nests), how: how.join('; ') };
  });
}

/** The value for case `n` of a run seeded with `seed`: the same pair always gives the same value. */
export function caseValue<T>(arbitrary: fc.Arbitrary<T>, seed: number, n: number): T {
  return fc.sample(arbitrary, { seed: (Math.imul(seed, 0x9e3779b1) + n) | 0, numRuns: 1 })[0]!;
}

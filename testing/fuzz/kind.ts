// What a fuzzed input kind is: a way to make case n of a seeded run, and a way to run it
// against the real code. A case is accepted (resolves 'accepted') or refused (a LoupeError
// or an HTTP 4xx with a JSON error: 'refused'); anything else it throws is an internal error.
import { isLoupeError } from '../../engine/errors.ts';

export type Outcome = 'accepted' | 'refused';

export interface FuzzCase {
  /** A file name with the input's extension: it is written under this name, and a CLI reads it by it. */
  name: string;
  bytes: Buffer;
  /** What was done to the real input it came from. */
  how: string;
}

export interface FuzzTarget {
  make(seed: number, n: number): FuzzCase;
  /** Runs the case already written to `path`. */
  run(path: string): Promise<Outcome>;
  close(): Promise<void>;
}

export const FUZZ_KINDS = ['images', 'figma', 'video', 'api', 'bridge'] as const;
export type FuzzKindName = (typeof FUZZ_KINDS)[number];

/** The kinds whose inputs `loupe convert` takes as a file. */
export const CLI_KINDS: ReadonlySet<FuzzKindName> = new Set(['images', 'figma', 'video']);

/** Runs library code: a LoupeError is a refusal, any other exception escapes as an internal error. */
export async function refusedIfLoupeError(work: () => unknown): Promise<Outcome> {
  try {
    await work();
    return 'accepted';
  } catch (error) {
    if (isLoupeError(error)) return 'refused';
    throw error;
  }
}

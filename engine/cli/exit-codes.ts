import { isLoupeError } from '../errors.ts';

/** 0 success, 1 internal error (a bug: please report), 2 user error (bad input or arguments), 130 cancelled. */
export const EXIT = { ok: 0, internal: 1, user: 2, cancelled: 130 } as const;

export function exitCodeFor(error: unknown): number {
  if (!isLoupeError(error)) return EXIT.internal;
  return error.code === 'CANCELLED' ? EXIT.cancelled : EXIT.user;
}

export function describeError(error: unknown): string {
  if (isLoupeError(error)) return `loupe: ${error.message}`;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `loupe: internal error — this is a bug in Loupe, please report it with the details below.\n${detail}`;
}

// Work done elsewhere (in a worker thread, in a browser's renderer) that a signal cuts short: the
// caller has its answer at once, and whatever was doing the work is told to stop.
import { LoupeError } from '../errors.ts';

export interface CutShort {
  /** Tells what is doing the work to stop; its own end is ignored from then on. */
  stop?: () => void;
  /** The error the work ends with (default: cancelled). */
  reason?: () => Error;
}

/** `work`'s outcome, unless `signal` aborts first. */
export function cancellable<T>(work: Promise<T>, signal: AbortSignal | undefined, { stop, reason = cancelled }: CutShort = {}): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      stop?.();
      reject(reason());
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const cancelled = () => new LoupeError('CANCELLED', 'Cancelled.');

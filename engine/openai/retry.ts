// When to ask a model server again: jittered exponential backoff, the server's own Retry-After,
// and waits that a cancel ends at once.

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Requests in all, the first included. */
  maxAttempts: number;
  /** Uniform in [0, 1); injectable so that tests can pin the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 6, random: Math.random };

/**
 * The wait before the next attempt after `failures` failed ones (1 after the first), "full
 * jitter": clients that failed together (a swarm of segments against one busy server) spread
 * out instead of coming back in step.
 */
export function backoffMs(policy: RetryPolicy, failures: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(policy.random() * ceiling);
}

/**
 * How long the server asked to be left alone, ms: `retry-after-ms` (OpenAI's and Azure's), else
 * `Retry-After` in seconds or as an HTTP date. Undefined when it said nothing usable.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  // Seconds are digits only: Number.parseFloat would read the day of a date ("Wed, 21 Oct…") as NaN but "21 Oct" as 21.
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// setTimeout fires at once for delays past 2^31-1 ms.
const LONGEST_TIMER = 2 ** 31 - 1;

/** Waits `ms`, or rejects with the signal's reason as soon as it is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', cancel);
      resolve();
    };
    const timer = setTimeout(done, Math.min(Math.max(0, ms), LONGEST_TIMER));
    const cancel = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', cancel, { once: true });
  });
}

// A stream of states where only the newest matters (a model server's segments, which move with
// every few characters streamed): passed on at most once per interval, and the newest is never
// lost: what arrives within an interval is sent when it ends, and `end` sends what is still
// waiting at once (before the job's last event) and drops whatever comes after (a request the
// cancel has not reached yet must not report after the job ended).

export interface Throttled<T> {
  push(value: T): void;
  /** Sends what is waiting now; later pushes are dropped. */
  end(): void;
}

export function throttleLatest<T>(send: (value: T) => void, intervalMs: number, now: () => number = () => performance.now()): Throttled<T> {
  let lastSent = -Infinity;
  let waiting: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  const sendWaiting = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!waiting) return;
    const { value } = waiting;
    waiting = undefined;
    lastSent = now();
    send(value);
  };
  return {
    push(value) {
      if (ended) return;
      waiting = { value };
      const wait = lastSent + intervalMs - now();
      if (wait <= 0) sendWaiting();
      else timer ??= setTimeout(sendWaiting, wait);
    },
    end() {
      sendWaiting();
      ended = true;
    },
  };
}

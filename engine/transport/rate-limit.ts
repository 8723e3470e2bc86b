// A cap on requests per time window: a paired plugin sends a frame at a time, so a burst beyond
// this is a runaway loop.
export class RateLimiter {
  private readonly times: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether one more request fits now (and counts it if so). */
  take(): boolean {
    const t = this.now();
    while (this.times.length > 0 && this.times[0]! <= t - this.windowMs) this.times.shift();
    if (this.times.length >= this.limit) return false;
    this.times.push(t);
    return true;
  }

  /** Seconds until the next request fits. */
  retryAfter(): number {
    return Math.max(1, Math.ceil(((this.times[0] ?? this.now()) + this.windowMs - this.now()) / 1000));
  }
}

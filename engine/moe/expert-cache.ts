// Which experts stay loaded in a pool with a byte budget (the accelerator, or the CPU's share of
// memory), and which are dropped. MoE routing is skewed and fairly stable: a few experts of each
// layer serve most tokens. Plain LRU lets every rarely used expert push a popular one out; the
// frequency-aware policy keeps a decayed use count per expert and admits a newcomer only when it
// has been used more than the resident it would replace (TinyLFU's admission rule), so one-off
// experts run from where they are instead of churning the pool. Prefetch loads the experts the
// router of the layer before predicts, early, when the pool has room for them or they outrank a
// resident.

export type ExpertKey = `${number}/${number}`;
export const expertKey = (layer: number, expert: number): ExpertKey => `${layer}/${expert}`;

export interface CacheStats {
  /** Uses of an expert that was resident. */
  hits: number;
  /** Uses of an expert that was not resident (loaded, or run from the tier below). */
  misses: number;
  /** Misses not admitted: the expert ran from the tier below, nothing was evicted. */
  bypasses: number;
  evictions: number;
  /** Bytes brought into the pool (loads and prefetches). */
  bytesLoaded: number;
  prefetches: number;
  /** Prefetched experts used before they were evicted. */
  usefulPrefetches: number;
}

export interface CachePolicy {
  readonly name: 'frequency' | 'lru';
  /**
   * Records a use of `key` (size `bytes`). Returns whether it is resident now: true on a hit or
   * when it was admitted (the caller loads it), false when it is to run from the tier below.
   * `pinned` keys (the other experts of the same step) are never evicted for it.
   */
  use(key: ExpertKey, bytes: number, pinned?: ReadonlySet<ExpertKey>): { resident: boolean; hit: boolean; evicted: ExpertKey[] };
  /** Loads `key` ahead of use when it fits or outranks a resident; returns what was evicted, or undefined when not admitted. */
  prefetch(key: ExpertKey, bytes: number, pinned?: ReadonlySet<ExpertKey>): ExpertKey[] | undefined;
  has(key: ExpertKey): boolean;
  /** Advances time by one token (decays use counts). */
  tick(): void;
  readonly stats: CacheStats;
  readonly usedBytes: number;
}

const emptyStats = (): CacheStats => ({ hits: 0, misses: 0, bypasses: 0, evictions: 0, bytesLoaded: 0, prefetches: 0, usefulPrefetches: 0 });

abstract class BudgetedPool {
  readonly stats = emptyStats();
  protected readonly sizes = new Map<ExpertKey, number>();
  private readonly prefetched = new Set<ExpertKey>();
  usedBytes = 0;

  constructor(readonly budgetBytes: number) {}

  has(key: ExpertKey): boolean {
    return this.sizes.has(key);
  }

  /** The resident to drop first, among those not pinned; undefined when none may go. */
  protected abstract victim(pinned: ReadonlySet<ExpertKey> | undefined): ExpertKey | undefined;
  /** Whether `key` deserves the place `victim` holds. */
  protected abstract outranks(key: ExpertKey, victim: ExpertKey): boolean;
  protected abstract touched(key: ExpertKey, counted: boolean): void;
  protected abstract dropped(key: ExpertKey): void;

  abstract tick(): void;

  use(key: ExpertKey, bytes: number, pinned?: ReadonlySet<ExpertKey>) {
    this.touched(key, true);
    if (this.sizes.has(key)) {
      this.stats.hits++;
      if (this.prefetched.delete(key)) this.stats.usefulPrefetches++;
      return { resident: true, hit: true, evicted: [] };
    }
    this.stats.misses++;
    const evicted = this.makeRoom(key, bytes, pinned);
    if (!evicted) {
      this.stats.bypasses++;
      return { resident: false, hit: false, evicted: [] };
    }
    this.admit(key, bytes);
    return { resident: true, hit: false, evicted };
  }

  prefetch(key: ExpertKey, bytes: number, pinned?: ReadonlySet<ExpertKey>): ExpertKey[] | undefined {
    if (this.sizes.has(key)) return [];
    this.touched(key, false);
    const evicted = this.makeRoom(key, bytes, pinned);
    if (!evicted) return undefined;
    this.admit(key, bytes);
    this.prefetched.add(key);
    this.stats.prefetches++;
    return evicted;
  }

  private admit(key: ExpertKey, bytes: number): void {
    this.sizes.set(key, bytes);
    this.usedBytes += bytes;
    this.stats.bytesLoaded += bytes;
  }

  /** Evicts until `bytes` fit; undefined (and nothing evicted) when `key` may not displace enough. */
  private makeRoom(key: ExpertKey, bytes: number, pinned: ReadonlySet<ExpertKey> | undefined): ExpertKey[] | undefined {
    if (bytes > this.budgetBytes) return undefined;
    const victims: ExpertKey[] = [];
    let free = this.budgetBytes - this.usedBytes;
    const skip = new Set(pinned);
    while (free < bytes) {
      const v = this.victim(skip);
      if (v === undefined || !this.outranks(key, v)) return undefined;
      victims.push(v);
      skip.add(v);
      free += this.sizes.get(v)!;
    }
    for (const v of victims) {
      this.usedBytes -= this.sizes.get(v)!;
      this.sizes.delete(v);
      this.prefetched.delete(v);
      this.dropped(v);
      this.stats.evictions++;
    }
    return victims;
  }
}

/** Least recently used, the baseline: every miss is admitted, the oldest resident goes. */
export class LruPolicy extends BudgetedPool implements CachePolicy {
  readonly name = 'lru' as const;
  private clock = 0;
  private readonly lastUse = new Map<ExpertKey, number>();

  protected touched(key: ExpertKey): void {
    this.lastUse.set(key, ++this.clock);
  }

  protected dropped(): void {}

  protected victim(pinned: ReadonlySet<ExpertKey> | undefined): ExpertKey | undefined {
    let best: ExpertKey | undefined;
    for (const k of this.sizes.keys()) if (!pinned?.has(k) && (best === undefined || this.lastUse.get(k)! < this.lastUse.get(best)!)) best = k;
    return best;
  }

  protected outranks(): boolean {
    return true;
  }

  tick(): void {}
}

/**
 * Decayed use counts: each use adds 1, each token multiplies every count by `decay`, so the
 * counts follow routing that drifts (another page, another prompt) within a few hundred tokens.
 */
export class FrequencyPolicy extends BudgetedPool implements CachePolicy {
  readonly name = 'frequency' as const;
  private time = 0;
  private readonly counts = new Map<ExpertKey, { value: number; at: number }>();

  constructor(
    budgetBytes: number,
    private readonly decay = 0.995,
  ) {
    super(budgetBytes);
  }

  score(key: ExpertKey): number {
    const c = this.counts.get(key);
    return c ? c.value * this.decay ** (this.time - c.at) : 0;
  }

  protected touched(key: ExpertKey, counted: boolean): void {
    // A prefetch is a prediction, not a use: it ranks the expert as if it had been used once.
    const value = this.score(key) + (counted ? 1 : 0.5);
    this.counts.set(key, { value, at: this.time });
  }

  protected dropped(): void {}

  protected victim(pinned: ReadonlySet<ExpertKey> | undefined): ExpertKey | undefined {
    let best: ExpertKey | undefined;
    let bestScore = Infinity;
    for (const k of this.sizes.keys()) {
      if (pinned?.has(k)) continue;
      const s = this.score(k);
      if (s < bestScore) {
        best = k;
        bestScore = s;
      }
    }
    return best;
  }

  protected outranks(key: ExpertKey, victim: ExpertKey): boolean {
    return this.score(key) > this.score(victim);
  }

  tick(): void {
    this.time++;
    // Forget experts whose counts have decayed to nothing, so the table stays as small as the model's expert count.
    if (this.time % 1024 === 0) for (const [k] of this.counts) if (!this.sizes.has(k) && this.score(k) < 1e-3) this.counts.delete(k);
  }
}

export function cachePolicy(name: CachePolicy['name'], budgetBytes: number): CachePolicy {
  return name === 'lru' ? new LruPolicy(budgetBytes) : new FrequencyPolicy(budgetBytes);
}

/** One token's routing: per MoE layer, the experts chosen (in order of layers). */
export type RoutingStep = Array<{ layer: number; experts: number[]; predicted?: number[] }>;

/**
 * Replays a routing trace through a policy, as the runtime drives it: per token and layer, the
 * layer's predicted experts are prefetched (when given), then its chosen experts are used with
 * each other pinned.
 */
export function replay(policy: CachePolicy, trace: RoutingStep[], bytesOf: (layer: number, expert: number) => number): CacheStats {
  for (const step of trace) {
    for (const { layer, experts, predicted } of step) {
      const pinned = new Set(experts.map((e) => expertKey(layer, e)));
      for (const e of predicted ?? []) policy.prefetch(expertKey(layer, e), bytesOf(layer, e), pinned);
      for (const e of experts) policy.use(expertKey(layer, e), bytesOf(layer, e), pinned);
    }
    policy.tick();
  }
  return { ...policy.stats };
}

export const hitRate = (s: CacheStats) => (s.hits + s.misses === 0 ? 0 : s.hits / (s.hits + s.misses));

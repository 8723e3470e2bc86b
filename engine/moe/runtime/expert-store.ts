// Where each expert runs. Two pools, each with a byte budget and a cache policy: the
// accelerator (a GPU through CUDA or WebGPU where there is one; on a CPU-only machine a second
// CPU pool, so placement, eviction and admission are exercised the same way) and the CPU.
//
// A CPU pool holds its experts in one of two forms (ExpertForm). As sessions: an expert it
// admits is built into an onnxruntime session from the model's stored bytes (7.5–12 ms on
// Kimi-VL's widths; onnxruntime prepacks it to about 1.4× those bytes) and runs in 0.2–0.3 ms.
// As stored bytes: it is read into the int4 kernel's memory as the package stores it (1.0×, no
// build) and runs there in 0.6–1.0 ms (its weights in or out of the processor's caches); an evicted
// expert's region is reused by the next.
//
// With sessions, an expert neither pool admits runs in the kernel from the package's file (about
// 1.25 ms, reading included), and a CPU pool too small for every expert builds an expert's
// session only at its BUILD_AT_USE-th use while resident, running the uses before in the kernel:
// under a tight budget the pool admits and evicts experts all the time (about a hundred a
// benchmark run at 1 GiB on the bench model), and most of those it evicts again before they
// would have repaid a build. A pool that holds every expert never evicts, so it builds at the
// first use. Only what the kernel does not take (int8, a block size other than 32, more than
// STORED_MAX_ROWS rows) still builds a session at once; a pool of stored bytes builds one for
// that use only.
//
// Every way computes the same thing (the kernel within 1e-5 of a session, relative), so the
// tokens do not depend on where the experts ran; which way an expert runs depends only on its
// own uses and on whether its pool holds every expert (each shard's share of the budget against
// its share of the experts), so the same budgets give the same bits at any number of expert shards.
import { cachePolicy, expertKey, type CachePolicy, type CacheStats, type ExpertKey } from '../expert-cache.ts';
import type { BuiltGraph } from './graphs.ts';
import { OrtSession, tensor, type Device } from './ort-session.ts';

/** The use, while resident, at which a CPU pool builds an expert's session (ski rental: about when the kernel's extra time would have paid for a build). */
export const BUILD_AT_USE = 4;

/**
 * How a CPU pool holds its experts: `session`, each in an onnxruntime session (prepacked by
 * onnxruntime: about 1.4× the stored bytes, the fastest arithmetic); `stored`, as the package
 * stores them, in the int4 kernel's memory (1.0×, no build, a slower multiply).
 */
export type ExpertForm = 'session' | 'stored';

export interface PoolOptions {
  device: Device;
  budgetBytes: number;
  policy: CachePolicy['name'];
  /** Only for the CPU; default `session`. */
  form?: ExpertForm;
}

export interface PoolStats extends CacheStats {
  device: Device;
  form: ExpertForm;
  budgetBytes: number;
  usedBytes: number;
  /** Experts run here and the time they took, ms. */
  runs: number;
  runMs: number;
  /** Of those runs, the ones the int4 kernel made from stored bytes, before a session was built. */
  storedRuns: number;
  /** Sessions built. */
  builds: number;
}

export interface ExpertSource {
  /** The expert's model (weights included). */
  build(layer: number, expert: number): BuiltGraph;
  /** Weight bytes of the expert, without building it. */
  bytes(layer: number, expert: number): number;
  /** Runs the expert on x [rows, hidden] from its stored bytes, without a session; undefined where it cannot. */
  runStored(layer: number, expert: number, x: Float32Array, rows: number): Float32Array | undefined;
  /** The same from a copy kept in the kernel's memory until `drop`; undefined where the kernel does not take the expert on these rows. */
  runHeld(layer: number, expert: number, x: Float32Array, rows: number): Float32Array | undefined;
  /** Whether the kernel takes the expert at all (on one row). */
  kernelTakes(layer: number, expert: number): boolean;
  /** Lets go of the copy `runHeld` kept. */
  drop(layer: number, expert: number): void;
  /** Bytes the int4 kernel's memory took for weights: the experts held as stored bytes, regions to reuse, copies read for one use. */
  kernelBytes(): number;
  /** Lets go of the files it holds open. */
  close(): void;
}

/** The ways an expert can run, for one use. */
interface Ways {
  build(): BuiltGraph;
  feed(s: OrtSession): Float32Array;
  stored(): Float32Array | undefined;
  held(): Float32Array | undefined;
  kernelTakes(): boolean;
  drop(): void;
}

class Pool {
  readonly policy: CachePolicy;
  readonly sessions = new Map<ExpertKey, OrtSession>();
  /** Resident experts with no session yet: their uses so far. */
  private readonly unbuilt = new Map<ExpertKey, number>();
  /** Experts held as stored bytes in the kernel's memory, each with the way to let go of it. */
  private readonly held = new Map<ExpertKey, () => void>();
  /** Whether a newly admitted expert runs in the kernel until its BUILD_AT_USE-th use. */
  private readonly defers: boolean;
  private readonly holdsStored: boolean;
  runs = 0;
  runMs = 0;
  storedRuns = 0;
  builds = 0;

  constructor(
    readonly options: PoolOptions,
    private readonly threads: number,
    /** The bytes of the experts the pool may be asked for: a budget as large never evicts. */
    expertBytes: number,
  ) {
    this.policy = cachePolicy(options.policy, options.budgetBytes);
    this.holdsStored = options.device === 'cpu' && options.form === 'stored';
    this.defers = options.device === 'cpu' && !this.holdsStored && options.budgetBytes < expertBytes;
  }

  /**
   * Runs resident expert `key`. A pool of stored experts runs it from its copy in the kernel's
   * memory (a prefill's many rows in a session built for that use); otherwise from its stored
   * bytes until its BUILD_AT_USE-th use on a CPU pool that defers, in its session from then on.
   */
  run(key: ExpertKey, ways: Ways): Float32Array {
    if (this.holdsStored && ways.kernelTakes()) {
      const out = ways.held();
      if (out) {
        this.held.set(key, ways.drop);
        this.storedRuns++;
        return out;
      }
      this.builds++;
      return runOnce(OrtSession.of(ways.build(), { device: 'cpu', threads: this.threads }, `expert ${key}`), ways.feed);
    }
    let s = this.sessions.get(key);
    if (!s) {
      const uses = (this.unbuilt.get(key) ?? 0) + 1;
      const out = this.defers && uses < BUILD_AT_USE ? ways.stored() : undefined;
      if (out) {
        this.unbuilt.set(key, uses);
        this.storedRuns++;
        return out;
      }
      this.unbuilt.delete(key);
      this.sessions.set(key, (s = OrtSession.of(ways.build(), { device: this.options.device, threads: this.threads }, `expert ${key}`)));
      this.builds++;
    }
    return ways.feed(s);
  }

  drop(keys: readonly ExpertKey[]): void {
    for (const k of keys) {
      this.sessions.get(k)?.release();
      this.sessions.delete(k);
      this.unbuilt.delete(k);
      this.held.get(k)?.();
      this.held.delete(k);
    }
  }

  /** Every expert the pool holds, in whatever form. */
  keys(): ExpertKey[] {
    return [...new Set([...this.sessions.keys(), ...this.held.keys()])];
  }

  stats(): PoolStats {
    return { ...this.policy.stats, device: this.options.device, form: this.holdsStored ? 'stored' : 'session', budgetBytes: this.options.budgetBytes, usedBytes: this.policy.usedBytes, runs: this.runs, runMs: this.runMs, storedRuns: this.storedRuns, builds: this.builds };
  }
}

/** Runs a session built for one use, then lets it go. */
function runOnce(session: OrtSession, feed: (s: OrtSession) => Float32Array): Float32Array {
  try {
    return feed(session);
  } finally {
    session.release();
  }
}

export class ExpertStore {
  private readonly pools: Pool[];
  /** Runs of experts no pool admitted (from their stored bytes, or built for one use). */
  private transientRuns = 0;
  private transientMs = 0;
  /** Of those, the runs the int4 kernel made from stored bytes (the others built a session). */
  private storedRuns = 0;
  /** Each expert's weight bytes, asked for on every use: looked up once. */
  private readonly sizes = new Map<ExpertKey, number>();

  /** `pools` in order of preference: the accelerator first, then the CPU. */
  /** `expertBytes`: the stored bytes of the routed experts this store holds its share of. */
  constructor(
    private readonly source: ExpertSource,
    pools: PoolOptions[],
    private readonly threads: number,
    expertBytes: number,
  ) {
    this.pools = pools.map((p) => new Pool(p, threads, expertBytes));
  }

  /**
   * Runs expert `expert` of `layer` on x [rows, hidden] where the pools placed it.
   * `step` holds the experts of the same layer and token(s), which must not evict each other.
   */
  run(layer: number, expert: number, step: ReadonlySet<ExpertKey>, x: Float32Array, rows: number, hidden: number): Float32Array {
    const key = expertKey(layer, expert);
    const bytes = this.bytesOf(layer, expert);
    const ways: Ways = {
      build: () => this.source.build(layer, expert),
      feed: (s) => s.run({ x: tensor(x, [rows, hidden]) }).out!.data as Float32Array,
      stored: () => this.source.runStored(layer, expert, x, rows),
      held: () => this.source.runHeld(layer, expert, x, rows),
      kernelTakes: () => this.source.kernelTakes(layer, expert),
      drop: () => this.source.drop(layer, expert),
    };
    for (const pool of this.pools) {
      const { resident, evicted } = pool.policy.use(key, bytes, step);
      pool.drop(evicted);
      if (!resident) continue;
      const t0 = performance.now();
      const out = pool.run(key, ways);
      pool.runs++;
      pool.runMs += performance.now() - t0;
      return out;
    }
    const t0 = performance.now();
    try {
      const out = ways.stored();
      if (out) {
        this.storedRuns++;
        return out;
      }
      return runOnce(OrtSession.of(ways.build(), { device: 'cpu', threads: this.threads }, `expert ${key}`), ways.feed);
    } finally {
      this.transientRuns++;
      this.transientMs += performance.now() - t0;
    }
  }

  bytesOf(layer: number, expert: number): number {
    const key = expertKey(layer, expert);
    let bytes = this.sizes.get(key);
    if (bytes === undefined) this.sizes.set(key, (bytes = this.source.bytes(layer, expert)));
    return bytes;
  }

  /** Advances the pools' clocks by one token. */
  tick(): void {
    for (const p of this.pools) p.policy.tick();
  }

  stats(): { pools: PoolStats[]; transientRuns: number; transientMs: number; storedRuns: number; kernelBytes: number } {
    return { pools: this.pools.map((p) => p.stats()), transientRuns: this.transientRuns, transientMs: this.transientMs, storedRuns: this.storedRuns, kernelBytes: this.source.kernelBytes() };
  }

  release(): void {
    for (const p of this.pools) p.drop(p.keys());
    this.source.close();
  }
}

// Where each expert runs. Two pools, each with a byte budget and a cache policy: the
// accelerator (a GPU through CUDA or WebGPU where there is one; on a CPU-only machine a second
// CPU pool, so placement, eviction and admission are exercised the same way) and the CPU. An
// expert is built into a session the first time a pool admits it, from the model's stored bytes,
// and released when the pool evicts it. An expert neither pool admits is run by the int4 kernel
// straight from its stored bytes (stored-expert.ts): building a session for one use costs tens of
// times what running it does. Only a format the kernel does not take (int8, a block size other
// than 32) still gets a session made for that one use. Every way computes the same thing (the
// kernel within 1e-5 of a session, relative), so the tokens do not depend on where the experts
// ran (on the CPU-as-accelerator pool they are bit for bit the same).
import { cachePolicy, expertKey, type CachePolicy, type CacheStats, type ExpertKey } from '../expert-cache.ts';
import type { BuiltGraph } from './graphs.ts';
import { OrtSession, tensor, type Device } from './ort-session.ts';

export interface PoolOptions {
  device: Device;
  budgetBytes: number;
  policy: CachePolicy['name'];
}

export interface PoolStats extends CacheStats {
  device: Device;
  budgetBytes: number;
  usedBytes: number;
  /** Experts run here and the time they took, ms. */
  runs: number;
  runMs: number;
}

export interface ExpertSource {
  /** The expert's model (weights included). */
  build(layer: number, expert: number): BuiltGraph;
  /** Weight bytes of the expert, without building it. */
  bytes(layer: number, expert: number): number;
  /** Runs the expert on x [rows, hidden] from its stored bytes, without a session; undefined where it cannot. */
  runStored(layer: number, expert: number, x: Float32Array, rows: number): Float32Array | undefined;
  /** Lets go of the files it holds open. */
  close(): void;
}

class Pool {
  readonly policy: CachePolicy;
  readonly sessions = new Map<ExpertKey, OrtSession>();
  runs = 0;
  runMs = 0;

  constructor(
    readonly options: PoolOptions,
    private readonly threads: number,
  ) {
    this.policy = cachePolicy(options.policy, options.budgetBytes);
  }

  session(key: ExpertKey, build: () => BuiltGraph): OrtSession {
    let s = this.sessions.get(key);
    if (!s) this.sessions.set(key, (s = OrtSession.of(build(), { device: this.options.device, threads: this.threads }, `expert ${key}`)));
    return s;
  }

  drop(keys: readonly ExpertKey[]): void {
    for (const k of keys) {
      this.sessions.get(k)?.release();
      this.sessions.delete(k);
    }
  }

  stats(): PoolStats {
    return { ...this.policy.stats, device: this.options.device, budgetBytes: this.options.budgetBytes, usedBytes: this.policy.usedBytes, runs: this.runs, runMs: this.runMs };
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
  constructor(
    private readonly source: ExpertSource,
    pools: PoolOptions[],
    private readonly threads: number,
  ) {
    this.pools = pools.map((p) => new Pool(p, threads));
  }

  /**
   * Runs expert `expert` of `layer` on x [rows, hidden] where the pools placed it.
   * `step` holds the experts of the same layer and token(s), which must not evict each other.
   */
  run(layer: number, expert: number, step: ReadonlySet<ExpertKey>, x: Float32Array, rows: number, hidden: number): Float32Array {
    const key = expertKey(layer, expert);
    const bytes = this.bytesOf(layer, expert);
    const build = () => this.source.build(layer, expert);
    const feed = (s: OrtSession) => s.run({ x: tensor(x, [rows, hidden]) }).out!.data as Float32Array;
    for (const pool of this.pools) {
      const { resident, evicted } = pool.policy.use(key, bytes, step);
      pool.drop(evicted);
      if (!resident) continue;
      const t0 = performance.now();
      const out = feed(pool.session(key, build));
      pool.runs++;
      pool.runMs += performance.now() - t0;
      return out;
    }
    const t0 = performance.now();
    try {
      const stored = this.source.runStored(layer, expert, x, rows);
      if (stored) {
        this.storedRuns++;
        return stored;
      }
      const once = OrtSession.of(build(), { device: 'cpu', threads: this.threads }, `expert ${key}`);
      try {
        return feed(once);
      } finally {
        once.release();
      }
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

  stats(): { pools: PoolStats[]; transientRuns: number; transientMs: number; storedRuns: number } {
    return { pools: this.pools.map((p) => p.stats()), transientRuns: this.transientRuns, transientMs: this.transientMs, storedRuns: this.storedRuns };
  }

  release(): void {
    for (const p of this.pools) p.drop([...p.sessions.keys()]);
    this.source.close();
  }
}

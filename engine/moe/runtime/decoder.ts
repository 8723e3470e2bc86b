// The decoder as it runs: token embeddings in, logits out, a KV cache carried between calls so a
// prompt is read once (prefill, many tokens a call) and each new token costs one call (decode).
// Per layer: the attention block's session, then the dense MLP, or the router's choice of experts
// (run where the expert store placed them, each on the rows routed to it) plus the shared experts.
import { isMoeLayer, type TextConfig } from '../config.ts';
import type { ExpertStore, PoolOptions } from './expert-store.ts';
import { SHARDS, runShard, shardOf, shardStore, type ExpertUse, type ShardWorker } from './expert-shards.ts';
import { attentionGraph, denseStem, headGraph, mlpGraph, routerBias, sharedStem, type BuiltGraph, type GraphOptions, type RuntimeWeights } from './graphs.ts';
import { OrtSession, int64Tensor, tensor } from './ort-session.ts';
import { route } from './routing.ts';
import { ropeInverseFrequencies } from './rope.ts';

export interface DecoderOptions extends GraphOptions {
  /** Threads of each session (1 keeps a session to one core). */
  threads: number;
  /** Where experts may live, the accelerator first; an expert no pool admits runs from the model's files each time. Each expert shard gets half of each budget. */
  pools: PoolOptions[];
  /** Runs the odd expert shard in its own thread, alongside the decoding thread's even shard. */
  shardWorker?: ShardWorker;
}

/** The runtime's weights, plus the stored size of a weight without reading it. */
export interface DecoderWeights extends RuntimeWeights {
  storedBytes(name: string): number;
  /**
   * Rows of a [rows, width] float tensor as float32, where the source can give rows without
   * widening the whole tensor (the embedding: Kimi's is 163 840 rows).
   */
  rows?(name: string, ids: readonly number[], width: number): Float32Array;
}

export interface ForwardResult {
  /** [rows, vocab]: every new position's logits, or only the last one's. */
  logits: Float32Array;
  rows: number;
  /** Per MoE layer, in order: each new token's experts. */
  routing: Array<{ layer: number; experts: Int32Array[] }>;
}

/** Bytes of weights read and sessions run since the counters were last reset. */
export interface Traffic {
  weightBytes: number;
  runs: number;
}

class Unit {
  constructor(
    readonly session: OrtSession,
    readonly weightBytes: number,
  ) {}
}

export class RuntimeDecoder {
  private readonly attention: Unit[] = [];
  private readonly mlp: Unit[] = [];
  private head?: Unit;
  /** The expert shards' stores; the odd one unused when a worker runs that shard. */
  private readonly shards: ExpertStore[];
  private readonly biases: Float32Array[] = [];
  private embeddings?: Float32Array;
  private inverseFrequencies?: Float32Array;
  /** Per layer: the cached compressed KV [capacity, kv_lora_rank] and rotated key part [capacity, rope]. */
  private ckv: Float32Array[] = [];
  private kpe: Float32Array[] = [];
  private capacity = 0;
  /** Tokens in the cache. */
  position = 0;
  readonly traffic: Traffic = { weightBytes: 0, runs: 0 };

  constructor(
    private readonly weights: DecoderWeights,
    private readonly c: TextConfig,
    private readonly options: DecoderOptions,
  ) {
    this.shards = Array.from({ length: SHARDS }, () => shardStore(weights, c, options.pools, { accuracyLevel: options.accuracyLevel }, options.threads));
  }

  private unit(graph: BuiltGraph, what: string): Unit {
    return new Unit(new OrtSession(graph.model, { device: 'cpu', threads: this.options.threads }, what), graph.weightBytes);
  }

  private attentionUnit(layer: number): Unit {
    return (this.attention[layer] ??= this.unit(attentionGraph(this.weights, this.c, layer, isMoeLayer(this.c, layer), this.options), `layer ${layer}'s attention`));
  }

  private mlpUnit(layer: number): Unit {
    const stem = isMoeLayer(this.c, layer) ? sharedStem(layer) : denseStem(layer);
    return (this.mlp[layer] ??= this.unit(mlpGraph(this.weights, this.c, stem, this.options), `layer ${layer}'s MLP`));
  }

  private run(unit: Unit, feeds: Parameters<OrtSession['run']>[0]) {
    this.traffic.weightBytes += unit.weightBytes;
    this.traffic.runs++;
    return unit.session.run(feeds);
  }

  /** Token ids → their embeddings [ids, hidden]. */
  embed(ids: readonly number[]): Float32Array {
    const H = this.c.hidden_size;
    for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= this.c.vocab_size) throw new RangeError(`token id ${id} is outside the vocabulary (0…${this.c.vocab_size - 1})`);
    const name = 'language_model.model.embed_tokens.weight';
    if (this.weights.rows) return this.weights.rows(name, ids, H);
    const table = (this.embeddings ??= this.weights.get(name).data);
    const out = new Float32Array(ids.length * H);
    ids.forEach((id, t) => out.set(table.subarray(id * H, (id + 1) * H), t * H));
    return out;
  }

  /** Forgets the cached tokens. */
  reset(): void {
    this.position = 0;
  }

  private reserve(tokens: number): void {
    if (tokens <= this.capacity) return;
    const capacity = Math.max(tokens, this.capacity * 2, 256);
    const grow = (old: Float32Array[], width: number) =>
      Array.from({ length: this.c.num_hidden_layers }, (_, l) => {
        const next = new Float32Array(capacity * width);
        if (old[l]) next.set(old[l]!.subarray(0, this.position * width));
        return next;
      });
    this.ckv = grow(this.ckv, this.c.kv_lora_rank);
    this.kpe = grow(this.kpe, this.c.qk_rope_head_dim);
    this.capacity = capacity;
  }

  /** RoPE's cos and sin [m, rope/2] for positions from..from+m-1, in float32 as torch computes them. */
  private rope(from: number, m: number): { cos: Float32Array; sin: Float32Array } {
    const f = Math.fround;
    const half = this.c.qk_rope_head_dim / 2;
    const cos = new Float32Array(m * half);
    const sin = new Float32Array(m * half);
    const frequencies = (this.inverseFrequencies ??= ropeInverseFrequencies(this.c));
    for (let i = 0; i < half; i++) {
      const inv = frequencies[i]!;
      for (let t = 0; t < m; t++) {
        const a = f((from + t) * inv);
        cos[t * half + i] = Math.cos(a);
        sin[t * half + i] = Math.sin(a);
      }
    }
    return { cos, sin };
  }

  /** Runs `rows` new tokens' embeddings [rows, hidden] after the cached ones. */
  forward(embeddings: Float32Array, rows: number, { allLogits = false } = {}): ForwardResult {
    const c = this.c;
    const H = c.hidden_size;
    const P = this.position;
    const T = P + rows;
    this.reserve(T);
    const { cos, sin } = this.rope(P, rows);
    const positions = int64Tensor(Array.from({ length: rows }, (_, i) => i), [1, rows]);
    const mask = new Float32Array(rows * T);
    for (let i = 0; i < rows; i++) mask.fill(-Infinity, i * T + P + i + 1, (i + 1) * T);
    const R = c.kv_lora_rank;
    const dr = c.qk_rope_head_dim;
    let h = embeddings;
    const routing: ForwardResult['routing'] = [];
    for (let layer = 0; layer < c.num_hidden_layers; layer++) {
      const out = this.run(this.attentionUnit(layer), {
        h: tensor(h, [rows, H]),
        positions,
        cos: tensor(cos, [rows, dr / 2]),
        sin: tensor(sin, [rows, dr / 2]),
        past_ckv: tensor(this.ckv[layer]!.subarray(0, P * R), [P, R]),
        past_kpe: tensor(this.kpe[layer]!.subarray(0, P * dr), [P, dr]),
        mask: tensor(mask, [rows, T]),
      });
      this.ckv[layer]!.set(out.ckv!.data as Float32Array, P * R);
      this.kpe[layer]!.set(out.kpe!.data as Float32Array, P * dr);
      const residual = out.h_out!.data as Float32Array;
      const y = out.y!.data as Float32Array;
      // The odd shard's experts go to their thread first, to run while this one runs the shared experts.
      const routed = isMoeLayer(c, layer) ? this.startExperts(layer, y, rows, out.router_logits!.data as Float32Array) : undefined;
      const mlp = this.run(this.mlpUnit(layer), { x: tensor(y, [rows, H]) }).out!.data as Float32Array;
      const next = new Float32Array(residual);
      for (let i = 0; i < next.length; i++) next[i]! += mlp[i]!;
      if (routed) routing.push({ layer, experts: this.finishExperts(routed, y, rows, next) });
      h = next;
    }
    this.position = T;
    for (const s of this.shards) s.tick();
    const head = (this.head ??= this.unit(headGraph(this.weights, c, this.options), 'the LM head'));
    const lastRows = allLogits ? rows : 1;
    const logits = this.run(head, { h: tensor(h.subarray((rows - lastRows) * H), [lastRows, H]) }).logits!.data as Float32Array;
    return { logits, rows: lastRows, routing };
  }

  /** Routes the rows and hands the odd shard's experts to their thread, if there is one. */
  private startExperts(layer: number, y: Float32Array, rows: number, logits: Float32Array): { layer: number; experts: Int32Array[]; even: ExpertUse[]; odd: ExpertUse[]; remote: boolean } {
    const bias = (this.biases[layer] ??= this.weights.get(routerBias(layer)).data);
    const { experts, weights } = route(logits, bias, this.c);
    const uses = Array.from({ length: SHARDS }, () => new Map<number, ExpertUse>());
    experts.forEach((chosen, row) =>
      chosen.forEach((e, k) => {
        const shard = uses[shardOf(e)]!;
        const use = shard.get(e) ?? shard.set(e, { expert: e, rows: [], weights: [] }).get(e)!;
        use.rows.push(row);
        use.weights.push(weights[row]![k]!);
      }),
    );
    const [even, odd] = uses.map((m) => [...m.values()]) as [ExpertUse[], ExpertUse[]];
    const remote = this.options.shardWorker !== undefined && odd.length > 0;
    if (remote) this.options.shardWorker!.submit(layer, odd, y, rows);
    return { layer, experts, even, odd, remote };
  }

  /** Adds both shards' weighted expert outputs into `acc`, the even shard's first; returns the choices. */
  private finishExperts(r: ReturnType<RuntimeDecoder['startExperts']>, y: Float32Array, rows: number, acc: Float32Array): Int32Array[] {
    const H = this.c.hidden_size;
    const even = runShard(this.shards[0]!, r.layer, r.even, y, rows, H);
    const odd = r.remote ? this.options.shardWorker!.result(rows) : runShard(this.shards[1]!, r.layer, r.odd, y, rows, H);
    for (const { sum, bytes } of [even, odd]) {
      for (let i = 0; i < acc.length; i++) acc[i]! += sum[i]!;
      this.traffic.weightBytes += bytes;
    }
    this.traffic.runs += r.even.length + r.odd.length;
    return r.experts;
  }

  /** Each pool's figures, both shards together. */
  expertStats(): ReturnType<ExpertStore['stats']> {
    const parts = [this.shards[0]!.stats(), this.options.shardWorker ? this.options.shardWorker.stats() : this.shards[1]!.stats()];
    const add = <T extends object>(a: T, b: T): T =>
      Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === 'number' ? v + ((b as Record<string, number>)[k] ?? 0) : v])) as T;
    return {
      pools: parts[0]!.pools.map((p, i) => add(p, parts[1]!.pools[i]!)),
      transientRuns: parts[0]!.transientRuns + parts[1]!.transientRuns,
      transientMs: parts[0]!.transientMs + parts[1]!.transientMs,
    };
  }

  /** Weight bytes held in sessions now: the attention, MLP and head units built so far and every pool's experts. */
  residentWeightBytes(): number {
    const units = [...this.attention, ...this.mlp, this.head].reduce((sum, u) => sum + (u?.weightBytes ?? 0), 0);
    return units + this.expertStats().pools.reduce((sum, p) => sum + p.usedBytes, 0);
  }

  release(): void {
    for (const u of [...this.attention, ...this.mlp, this.head]) u?.session.release();
    for (const s of this.shards) s.release();
    void this.options.shardWorker?.close();
  }
}

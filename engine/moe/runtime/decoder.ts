// The decoder as it runs: token embeddings in, logits out, a KV cache carried between calls so a
// prompt is read once (prefill, many tokens a call) and each new token costs one call (decode).
// Per layer: the attention block's session, then the dense MLP, or the router's choice of experts
// (run where the expert store placed them, each on the rows routed to it) plus the shared experts.
import { isMoeLayer, type TextConfig } from '../config.ts';
import type { ExpertStore, PoolOptions } from './expert-store.ts';
import { byShard, outputLength, runShard, shardStore, type ExpertUse, type ShardWorker } from './expert-shards.ts';
import { attentionGraph, denseStem, headGraph, mlpGraph, routerBias, sharedStem, type BuiltGraph, type GraphOptions, type RuntimeWeights } from './graphs.ts';
import { OrtSession, int64Tensor, tensor, type Device } from './ort-session.ts';
import { route } from './routing.ts';
import { ropeInverseFrequencies } from './rope.ts';

export interface DecoderOptions extends GraphOptions {
  /** Threads of the dense units' sessions (attention, MLPs, head), shared out between the expert shards for theirs. */
  threads: number;
  /** Where experts may live, the accelerator first; an expert no pool admits runs from the model's files each time. Each expert shard gets its share of each budget. */
  pools: PoolOptions[];
  /** Expert shards 1… in threads of their own; shard 0 runs in the decoding thread. None: every expert runs here. */
  workers?: readonly ShardWorker[];
  /**
   * Where the dense units run (attention, routers, shared and dense MLPs, head): a GPU when there
   * is one, as KTransformers and llama.cpp place them, since every token reads them; default the CPU.
   */
  denseDevice?: Device;
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
  /** Expert shard 0's store (every expert's, without workers). */
  private readonly experts: ExpertStore;
  private readonly workers: readonly ShardWorker[];
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
    this.workers = options.workers ?? [];
    this.experts = shardStore(weights, c, options.pools, { accuracyLevel: options.accuracyLevel }, this.workers.length + 1, options.threads);
  }

  private unit(graph: BuiltGraph, what: string): Unit {
    return new Unit(OrtSession.of(graph, { device: this.options.denseDevice ?? 'cpu', threads: this.options.threads }, what), graph.weightBytes);
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
      // The other shards' experts go to their threads first, to run while this one runs its own and the shared experts.
      const routed = isMoeLayer(c, layer) ? this.runExperts(layer, y, rows, out.router_logits!.data as Float32Array) : undefined;
      const mlp = this.run(this.mlpUnit(layer), { x: tensor(y, [rows, H]) }).out!.data as Float32Array;
      const next = new Float32Array(residual);
      for (let i = 0; i < next.length; i++) next[i]! += mlp[i]!;
      if (routed) routing.push({ layer, experts: this.addExperts(routed, next) });
      h = next;
    }
    this.position = T;
    this.experts.tick();
    const head = (this.head ??= this.unit(headGraph(this.weights, c, this.options), 'the LM head'));
    const lastRows = allLogits ? rows : 1;
    const logits = this.run(head, { h: tensor(h.subarray((rows - lastRows) * H), [lastRows, H]) }).logits!.data as Float32Array;
    return { logits, rows: lastRows, routing };
  }

  /** Routes the rows, hands the other shards' experts to their threads and runs shard 0's here. */
  private runExperts(layer: number, y: Float32Array, rows: number, logits: Float32Array) {
    const H = this.c.hidden_size;
    const bias = (this.biases[layer] ??= this.weights.get(routerBias(layer)).data);
    const { experts, weights } = route(logits, bias, this.c);
    const byExpert = new Map<number, ExpertUse>();
    experts.forEach((chosen, row) =>
      chosen.forEach((e, k) => {
        const use = byExpert.get(e) ?? byExpert.set(e, { expert: e, rows: [], weights: [] }).get(e)!;
        use.rows.push(row);
        use.weights.push(weights[row]![k]!);
      }),
    );
    const uses = [...byExpert.values()].sort((a, b) => a.expert - b.expert);
    const parts = byShard(uses, this.workers.length + 1);
    this.workers.forEach((w, i) => parts[i + 1]!.length > 0 && w.submit(layer, parts[i + 1]!, y, rows));
    const local = new Float32Array(outputLength(parts[0]!, H));
    const bytes = runShard(this.experts, layer, parts[0]!, y, H, local);
    return { experts, uses, parts, local, bytes };
  }

  /** Adds every expert's weighted output into `acc` in expert id order (whichever shard ran it); returns the choices. */
  private addExperts(r: ReturnType<RuntimeDecoder['runExperts']>, acc: Float32Array): Int32Array[] {
    const H = this.c.hidden_size;
    const where = new Map<number, { out: Float32Array<ArrayBufferLike>; at: number }>();
    r.parts.forEach((uses, s) => {
      let out: Float32Array<ArrayBufferLike> = r.local;
      if (s > 0) {
        if (uses.length === 0) return;
        const result = this.workers[s - 1]!.result(uses);
        out = result.out;
        this.traffic.weightBytes += result.bytes;
      }
      let at = 0;
      for (const u of uses) {
        where.set(u.expert, { out, at });
        at += u.rows.length * H;
      }
    });
    this.traffic.weightBytes += r.bytes;
    this.traffic.runs += r.uses.length;
    for (const u of r.uses) {
      const { out, at } = where.get(u.expert)!;
      u.rows.forEach((row, i) => {
        const w = u.weights[i]!;
        const from = at + i * H;
        for (let d = 0; d < H; d++) acc[row * H + d]! += w * out[from + d]!;
      });
    }
    return r.experts;
  }

  /** Threads the routed experts are shared out between, this one included. */
  get expertThreads(): number {
    return this.workers.length + 1;
  }

  /** Each pool's figures, every shard together. */
  expertStats(): ReturnType<ExpertStore['stats']> {
    const parts = [this.experts.stats(), ...this.workers.map((w) => w.stats())];
    const add = <T extends object>(a: T, b: T): T =>
      Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === 'number' ? v + ((b as Record<string, number>)[k] ?? 0) : v])) as T;
    return parts.reduce((a, b) => ({ ...add(a, b), pools: a.pools.map((p, i) => add(p, b.pools[i]!)) }));
  }

  /** Weight bytes held in sessions now: the attention, MLP and head units built so far and every pool's experts. */
  residentWeightBytes(): number {
    const units = [...this.attention, ...this.mlp, this.head].reduce((sum, u) => sum + (u?.weightBytes ?? 0), 0);
    return units + this.expertStats().pools.reduce((sum, p) => sum + p.usedBytes, 0);
  }

  release(): void {
    for (const u of [...this.attention, ...this.mlp, this.head]) u?.session.release();
    this.experts.release();
    for (const w of this.workers) void w.close();
  }
}

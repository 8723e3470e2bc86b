// The decoder as it runs: token embeddings in, logits out, a KV cache carried between calls so a
// prompt is read once (prefill, many tokens a call) and each new token costs one call (decode).
// Per layer: the attention block's session, then the dense MLP, or the router's choice of experts
// (run where the expert store placed them, each on the rows routed to it) plus the shared experts.
import { isMoeLayer, type TextConfig } from '../config.ts';
import { expertKey } from '../expert-cache.ts';
import { ExpertStore, type PoolOptions } from './expert-store.ts';
import { attentionGraph, denseStem, expertStem, headGraph, mlpGraph, routerBias, sharedStem, type BuiltGraph, type GraphOptions, type RuntimeWeights } from './graphs.ts';
import { OrtSession, tensor } from './ort-session.ts';
import { route } from './routing.ts';

export interface DecoderOptions extends GraphOptions {
  /** Threads of each session (1 keeps a session to one core). */
  threads: number;
  /** Where experts may live, the accelerator first; an expert no pool admits runs from the model's files each time. */
  pools: PoolOptions[];
}

/** The runtime's weights, plus the stored size of a weight without reading it. */
export interface DecoderWeights extends RuntimeWeights {
  storedBytes(name: string): number;
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
  private readonly experts: ExpertStore;
  private readonly biases: Float32Array[] = [];
  private embeddings?: Float32Array;
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
    const graphOptions = { accuracyLevel: options.accuracyLevel };
    this.experts = new ExpertStore(
      {
        build: (layer, e) => mlpGraph(weights, c, expertStem(layer, e), graphOptions),
        bytes: (layer, e) => ['gate_proj', 'up_proj', 'down_proj'].reduce((sum, p) => sum + weights.storedBytes(`${expertStem(layer, e)}.${p}.weight`), 0),
      },
      options.pools,
      options.threads,
    );
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
    const table = (this.embeddings ??= this.weights.get('language_model.model.embed_tokens.weight').data);
    const H = this.c.hidden_size;
    const out = new Float32Array(ids.length * H);
    ids.forEach((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.c.vocab_size) throw new RangeError(`token id ${id} is outside the vocabulary (0…${this.c.vocab_size - 1})`);
      out.set(table.subarray(id * H, (id + 1) * H), t * H);
    });
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

  /** RoPE's cos and sin [m, rope/2, 1] for positions from..from+m-1, in float32 as torch computes them. */
  private rope(from: number, m: number): { cos: Float32Array; sin: Float32Array } {
    const f = Math.fround;
    const dr = this.c.qk_rope_head_dim;
    const half = dr / 2;
    const cos = new Float32Array(m * half);
    const sin = new Float32Array(m * half);
    for (let i = 0; i < half; i++) {
      const inv = f(1 / f(this.c.rope_theta ** f((2 * i) / dr)));
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
    const mask = new Float32Array(rows * T);
    for (let i = 0; i < rows; i++) mask.fill(-Infinity, i * T + P + i + 1, (i + 1) * T);
    const R = c.kv_lora_rank;
    const dr = c.qk_rope_head_dim;
    let h = embeddings;
    const routing: ForwardResult['routing'] = [];
    for (let layer = 0; layer < c.num_hidden_layers; layer++) {
      const out = this.run(this.attentionUnit(layer), {
        h: tensor(h, [rows, H]),
        cos: tensor(cos, [rows, dr / 2, 1]),
        sin: tensor(sin, [rows, dr / 2, 1]),
        past_ckv: tensor(this.ckv[layer]!.subarray(0, P * R), [P, R]),
        past_kpe: tensor(this.kpe[layer]!.subarray(0, P * dr), [P, dr]),
        mask: tensor(mask, [rows, T]),
      });
      this.ckv[layer]!.set(out.ckv!.data as Float32Array, P * R);
      this.kpe[layer]!.set(out.kpe!.data as Float32Array, P * dr);
      const residual = out.h_out!.data as Float32Array;
      const y = out.y!.data as Float32Array;
      const mlp = this.run(this.mlpUnit(layer), { x: tensor(y, [rows, H]) }).out!.data as Float32Array;
      const next = new Float32Array(residual);
      for (let i = 0; i < next.length; i++) next[i]! += mlp[i]!;
      if (isMoeLayer(c, layer)) routing.push({ layer, experts: this.routedExperts(layer, y, rows, out.router_logits!.data as Float32Array, next) });
      h = next;
    }
    this.position = T;
    this.experts.tick();
    const head = (this.head ??= this.unit(headGraph(this.weights, c, this.options), 'the LM head'));
    const lastRows = allLogits ? rows : 1;
    const logits = this.run(head, { h: tensor(h.subarray((rows - lastRows) * H), [lastRows, H]) }).logits!.data as Float32Array;
    return { logits, rows: lastRows, routing };
  }

  /** Adds each chosen expert's weighted output for the rows routed to it into `acc`; returns the choices. */
  private routedExperts(layer: number, y: Float32Array, rows: number, logits: Float32Array, acc: Float32Array): Int32Array[] {
    const H = this.c.hidden_size;
    const bias = (this.biases[layer] ??= this.weights.get(routerBias(layer)).data);
    const { experts, weights } = route(logits, bias, this.c);
    const byExpert = new Map<number, Array<{ row: number; weight: number }>>();
    experts.forEach((chosen, row) => chosen.forEach((e, k) => byExpert.set(e, [...(byExpert.get(e) ?? []), { row, weight: weights[row]![k]! }])));
    const step = new Set([...byExpert.keys()].map((e) => expertKey(layer, e)));
    // Experts in id order: the sums come out the same whatever order the router listed them in.
    for (const e of [...byExpert.keys()].sort((a, b) => a - b)) {
      const uses = byExpert.get(e)!;
      const x = new Float32Array(uses.length * H);
      uses.forEach((u, i) => x.set(y.subarray(u.row * H, (u.row + 1) * H), i * H));
      const out = this.experts.run(layer, e, step, (session) => session.run({ x: tensor(x, [uses.length, H]) }).out!.data as Float32Array);
      this.traffic.weightBytes += this.experts.bytesOf(layer, e);
      this.traffic.runs++;
      uses.forEach((u, i) => {
        for (let d = 0; d < H; d++) acc[u.row * H + d]! += u.weight * out[i * H + d]!;
      });
    }
    return experts;
  }

  expertStats() {
    return this.experts.stats();
  }

  release(): void {
    for (const u of [...this.attention, ...this.mlp, this.head]) u?.session.release();
    this.experts.release();
  }
}

// The decode benchmark's baseline: a MoE layer's routed experts run by onnxruntime's fused
// com.microsoft QMoE operator (one node holding all of the layer's experts as int4) instead of the
// runtime's one MatMulNBits session per expert. Shared experts are not part of it: they are a
// dense MLP that both ways run the same, so the comparison is of the routed experts only.
//
// The router is the runtime's own (routing.ts, DeepSeek's noaux_tc): QMoE is handed its decision
// rather than re-deriving it. router_probs only selects (QMoE takes the k largest), so it holds
// the chosen experts' ranks and -inf elsewhere; router_weights holds their mixing weights, which
// QMoE gathers at the chosen experts and uses as they are (normalize_routing_weights = 0).
//
// What ORT 1.30's CPU QMoE needs, found by experiment (the schema documents little of it):
// - fc1 holds each expert's gate and up rows interleaved (gate₀, up₀, gate₁, …): the CPU kernel
//   accepts only swiglu_fusion = 1. Its SwiGLU is gate·sigmoid(α·gate)·(up + β); α = 1 and β = 0
//   (1.30's defaults, set explicitly since GPT-OSS-style models use others) give silu(gate)·up.
// - Rows are packed without padding, ceil(K/2) bytes each: QMoE derives hidden and intermediate
//   sizes from the weights' shapes, so MatMulNBits' whole-block padding breaks it whenever K is
//   not a multiple of the block. Within a row the bytes are MatMulNBits' (low nibble first).
// - Scales are [E, N, blocks]. Whether they are block-wise is read from fc1's last dimension: with
//   one block per row fc1 counts as per-channel, and fc2 must then be per-channel too (so a hidden
//   size ≤ block size < intermediate size cannot be expressed). Per-channel zero points are packed
//   two rows a byte ([E, ceil(N/2)]), not one row a byte as block-wise ones are; an fc2 with one
//   block under a block-wise fc1 is declared [E, N, 1] but still read the per-channel way.
// - An expert whose mixing weight is ≤ 1e-8 is skipped, not multiplied by zero.
// - The kernel dequantises each chosen expert to float32 and multiplies with SGEMM, every call.
//   Zero points take a per-value loop that makes that about 3× slower than the symmetric
//   (zero-point-free) path; prepacking (weights as initializers) makes it slower still, holds an
//   unpacked copy and takes seconds per session, so the weights are fed as inputs instead.
//   Symmetric int4 is therefore QMoE's fastest form here and the default; asymmetric keeps the
//   runtime's own int4 values exactly, for checking QMoE against it.
// - Each run allocates the chosen experts' dequantised float32 weights (~14 MB at the bench
//   shape). The runtime's sessions run without onnxruntime's memory arena; without one these
//   pages can be faulted in afresh on every run, which on a VM whose host backs memory lazily
//   made a decode's QMoE layers about twice as slow (71 against 36 ms a layer, same loaded
//   machine). QMoE's own session keeps the arena, so the baseline is timed at its best.
import { createRequire } from 'node:module';
import ort from 'onnxruntime-node';
import { isMoeLayer, type TextConfig } from '../../engine/moe/config.ts';
import { LoupeError } from '../../engine/errors.ts';
import { buildModel, node, type GraphValue } from '../../engine/moe/onnx-graph.ts';
import { quantise, type QuantisedWeight } from '../../engine/moe/quant.ts';
import { expertStem, routerBias, type RuntimeWeights } from '../../engine/moe/runtime/graphs.ts';
import { tensor, type Feeds, type Fetched } from '../../engine/moe/runtime/ort-session.ts';
import { route, type Routing } from '../../engine/moe/runtime/routing.ts';
import type { MoeEngine } from '../../engine/moe/runtime/engine.ts';
import { packageWeights } from '../../engine/moe/runtime/package-weights.ts';
import { argmax } from '../../engine/moe/sampling.ts';

const require = createRequire(import.meta.url);
const { binding, initOrt } = require('onnxruntime-node/dist/binding.js') as typeof import('onnxruntime-node/dist/binding.js');

/** A synchronous CPU session as the runtime's OrtSession makes them (native binding, no spinning), but with the memory arena. */
class ArenaSession {
  private readonly session: InstanceType<typeof binding.InferenceSession>;
  private readonly fetches: Record<string, null>;

  constructor(model: Uint8Array, threads: number, what: string) {
    initOrt();
    this.session = new binding.InferenceSession();
    try {
      this.session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
        executionProviders: ['cpu'],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        enableCpuMemArena: true,
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (error) {
      throw new LoupeError('MODEL_UNSUPPORTED', `onnxruntime could not load ${what}: ${(error as Error).message}`, { cause: error });
    }
    this.fetches = Object.fromEntries(this.session.outputMetadata.map((m) => [m.name, null]));
  }

  run(feeds: Feeds): Fetched {
    return this.session.run(feeds, this.fetches, {}) as Fetched;
  }

  release(): void {
    this.session.dispose();
  }
}

export interface QmoeOptions {
  /** Intra-op threads of each layer's session. */
  threads: number;
  /**
   * Quantisation block along K; default: the stored weights' block where they are int4, else 32.
   * A power of two ≥ 16, as for MatMulNBits.
   */
  blockSize?: number;
  /**
   * 'symmetric' (the default): no zero points, QMoE's fastest CPU path; the weights are
   * requantised from their float values. 'asymmetric': min/max blocks with zero points, the
   * runtime's own int4 values (its stored bytes where they fit), so QMoE's output matches the
   * per-expert MatMulNBits sessions to float rounding.
   */
  quantisation?: 'symmetric' | 'asymmetric';
}

/** One matrix of every expert in QMoE's layout. */
interface Stacked {
  weights: Uint8Array;
  scales: Float32Array;
  zeroPoints?: Uint8Array;
  /** Rows, packed row bytes and blocks a row, of one expert. */
  N: number;
  rowBytes: number;
  blocks: number;
}

/** A 4-bit block-quantised W [N, K] as QMoE reads one expert's matrix. */
export interface ExpertMatrix {
  weights: Uint8Array;
  scales: Float32Array;
  /** One nibble per row and block, low first, rows padded to whole bytes; absent when symmetric. */
  zeroPoints?: Uint8Array;
}

/**
 * Symmetric int4 in QMoE's layout (rows of ceil(K/2) bytes, scales [N, blocks]), zero point 8:
 * w ≈ (q − 8)·scale, the block's largest magnitude on an end of [−8, 7].
 */
export function quantiseSymmetric(W: Float32Array, N: number, K: number, blockSize: number): ExpertMatrix {
  const blocks = Math.ceil(K / blockSize);
  const rowBytes = Math.ceil(K / 2);
  const weights = new Uint8Array(N * rowBytes);
  const scales = new Float32Array(N * blocks);
  const nibble = (v: number) => {
    const q = Math.round(v) + 8;
    return q < 0 ? 0 : q > 15 ? 15 : q;
  };
  for (let n = 0; n < N; n++) {
    const row = n * K;
    for (let b = 0; b < blocks; b++) {
      const start = b * blockSize;
      const end = Math.min(K, start + blockSize);
      let lo = 0;
      let hi = 0;
      for (let k = start; k < end; k++) {
        const v = W[row + k]!;
        if (v < lo) lo = v;
        else if (v > hi) hi = v;
      }
      const scale = Math.fround(hi >= -lo ? hi / 7 : -lo / 8);
      scales[n * blocks + b] = scale;
      const inv = scale === 0 ? 0 : 1 / scale;
      // Blocks start at even k (the block size is even), so a byte never spans two blocks.
      for (let k = start; k < end; k += 2) {
        const high = k + 1 < end ? nibble(W[row + k + 1]! * inv) : 8;
        weights[n * rowBytes + (k >> 1)] = nibble(W[row + k]! * inv) | (high << 4);
      }
    }
  }
  return { weights, scales };
}

/** MatMulNBits' int4 layout to QMoE's: the same bytes a row, less the padding of its last block. */
function fromMatMulNBits(q: QuantisedWeight): ExpertMatrix {
  const { N, K, blockSize } = q;
  const blocks = Math.ceil(K / blockSize);
  const stride = (blocks * blockSize) / 2;
  const rowBytes = Math.ceil(K / 2);
  const weights = new Uint8Array(N * rowBytes);
  for (let n = 0; n < N; n++) weights.set(q.qweight.subarray(n * stride, n * stride + rowBytes), n * rowBytes);
  return { weights, scales: q.scales, zeroPoints: q.zeroPoints };
}

/** Gate and up [N, K] as fc1's float rows: gate₀, up₀, gate₁, up₁, … */
function interleave(gate: Float32Array, up: Float32Array, N: number, K: number): Float32Array {
  const out = new Float32Array(2 * N * K);
  for (let n = 0; n < N; n++) {
    out.set(gate.subarray(n * K, (n + 1) * K), 2 * n * K);
    out.set(up.subarray(n * K, (n + 1) * K), (2 * n + 1) * K);
  }
  return out;
}

/** The same interleaving for matrices already quantised: rows of gate and up alternately, with their scales and zero points. */
function interleaveQuantised(a: ExpertMatrix, b: ExpertMatrix, N: number, rowBytes: number, blocks: number): ExpertMatrix {
  const zpRow = Math.ceil(blocks / 2);
  const weights = new Uint8Array(2 * N * rowBytes);
  const scales = new Float32Array(2 * N * blocks);
  const zeroPoints = a.zeroPoints && b.zeroPoints ? new Uint8Array(2 * N * zpRow) : undefined;
  for (let n = 0; n < N; n++) {
    [a, b].forEach((m, i) => {
      const row = 2 * n + i;
      weights.set(m.weights.subarray(n * rowBytes, (n + 1) * rowBytes), row * rowBytes);
      scales.set(m.scales.subarray(n * blocks, (n + 1) * blocks), row * blocks);
      zeroPoints?.set(m.zeroPoints!.subarray(n * zpRow, (n + 1) * zpRow), row * zpRow);
    });
  }
  return { weights, scales, zeroPoints };
}

/**
 * Per-row zero points (one nibble per row and block) as QMoE reads them for a per-channel matrix
 * (one block a row): two rows a byte.
 */
function perChannelZeroPoints(z: Uint8Array, N: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(N / 2));
  for (let n = 0; n < N; n++) out[n >> 1]! |= (z[n]! & 15) << ((n & 1) * 4);
  return out;
}

/** The layer's routed experts, in QMoE's layout and its session. */
export class QmoeLayer {
  readonly blockSize: number;
  readonly quantisation: 'symmetric' | 'asymmetric';
  /** Bytes of one expert as QMoE stores it (weights, scales, zero points): what it reads per chosen expert. */
  readonly expertBytes: number;
  private readonly session: ArenaSession;
  private readonly weightFeeds: Feeds;
  private readonly E: number;
  private readonly H: number;
  private readonly k: number;
  private bias?: Float32Array;

  constructor(
    private readonly weights: RuntimeWeights,
    private readonly c: TextConfig,
    readonly layer: number,
    options: QmoeOptions,
  ) {
    if (!isMoeLayer(c, layer)) throw new RangeError(`layer ${layer} has no routed experts`);
    const E = (this.E = c.n_routed_experts);
    const H = (this.H = c.hidden_size);
    const I = c.moe_intermediate_size;
    this.k = c.num_experts_per_tok;
    this.quantisation = options.quantisation ?? 'symmetric';
    const stored = weights.quantised(`${expertStem(layer, 0)}.gate_proj.weight`);
    const bs = (this.blockSize = options.blockSize ?? (stored?.bits === 4 ? stored.blockSize : 32));
    if (!Number.isInteger(bs) || bs < 16 || (bs & (bs - 1)) !== 0) throw new RangeError(`QMoE block size must be a power of two ≥ 16, not ${bs}`);
    const b1 = Math.ceil(H / bs);
    const b2 = Math.ceil(I / bs);
    if (b1 === 1 && b2 > 1) {
      throw new LoupeError('MODEL_UNSUPPORTED', `QMoE cannot hold hidden size ${H} ≤ block ${bs} < moe_intermediate_size ${I}: with one block a row it takes fc1 as per-channel and then needs fc2 per-channel too`);
    }
    const asymmetric = this.quantisation === 'asymmetric';

    // The runtime's stored int4 bytes are taken as they are where they are MatMulNBits blocks of
    // this size; otherwise the float values (dequantised where stored quantised) are quantised.
    const matrix = (name: string, N: number, K: number): ExpertMatrix => {
      if (asymmetric) {
        const q = weights.quantised(name);
        if (q && q.bits === 4 && q.blockSize === bs) return fromMatMulNBits(q);
        return fromMatMulNBits(quantise(weights.get(name).data, N, K, 4, bs));
      }
      return quantiseSymmetric(weights.get(name).data, N, K, bs);
    };
    const fc1: Stacked = { weights: new Uint8Array(E * 2 * I * Math.ceil(H / 2)), scales: new Float32Array(E * 2 * I * b1), N: 2 * I, rowBytes: Math.ceil(H / 2), blocks: b1 };
    const fc2: Stacked = { weights: new Uint8Array(E * H * Math.ceil(I / 2)), scales: new Float32Array(E * H * b2), N: H, rowBytes: Math.ceil(I / 2), blocks: b2 };
    // Zero points per expert: block-wise, a row's nibbles padded to a byte; per-channel, two rows a byte.
    const zpStride = (m: Stacked) => (m.blocks > 1 ? m.N * Math.ceil(m.blocks / 2) : Math.ceil(m.N / 2));
    if (asymmetric) {
      fc1.zeroPoints = new Uint8Array(E * zpStride(fc1));
      // Declared [E, N, 1] when per-channel under a block-wise fc1, so sized for that shape.
      fc2.zeroPoints = new Uint8Array(b2 === 1 && b1 > 1 ? E * H : E * zpStride(fc2));
    }
    const put = (into: Stacked, e: number, m: ExpertMatrix) => {
      into.weights.set(m.weights, e * into.N * into.rowBytes);
      into.scales.set(m.scales, e * into.N * into.blocks);
      if (into.zeroPoints) into.zeroPoints.set(into.blocks > 1 ? m.zeroPoints! : perChannelZeroPoints(m.zeroPoints!, into.N), e * zpStride(into));
    };
    for (let e = 0; e < E; e++) {
      const stem = expertStem(layer, e);
      const storedGate = asymmetric ? weights.quantised(`${stem}.gate_proj.weight`) : undefined;
      const storedUp = asymmetric ? weights.quantised(`${stem}.up_proj.weight`) : undefined;
      const direct = storedGate?.bits === 4 && storedGate.blockSize === bs && storedUp?.bits === 4 && storedUp.blockSize === bs;
      // Interleaving rows commutes with quantising them (blocks never cross rows), so stored
      // matrices are interleaved as bytes and float ones before quantising, once.
      const gateUp = direct
        ? interleaveQuantised(matrix(`${stem}.gate_proj.weight`, I, H), matrix(`${stem}.up_proj.weight`, I, H), I, fc1.rowBytes, b1)
        : asymmetric
          ? fromMatMulNBits(quantise(interleave(weights.get(`${stem}.gate_proj.weight`).data, weights.get(`${stem}.up_proj.weight`).data, I, H), 2 * I, H, 4, bs))
          : quantiseSymmetric(interleave(weights.get(`${stem}.gate_proj.weight`).data, weights.get(`${stem}.up_proj.weight`).data, I, H), 2 * I, H, bs);
      put(fc1, e, gateUp);
      put(fc2, e, matrix(`${stem}.down_proj.weight`, H, I));
    }
    const perExpert = (m: Stacked) => m.weights.byteLength / E + m.scales.byteLength / E + (m.zeroPoints ? zpStride(m) : 0);
    this.expertBytes = perExpert(fc1) + perExpert(fc2);

    const zpDims = (m: Stacked) => (m.blocks > 1 ? [E, m.N, Math.ceil(m.blocks / 2)] : b1 > 1 ? [E, m.N, 1] : [E, Math.ceil(m.N / 2)]);
    const weightInputs: Array<GraphValue & { dims: number[]; data: Uint8Array | Float32Array }> = [
      { name: 'fc1', type: 'uint8', dims: [E, fc1.N, fc1.rowBytes], data: fc1.weights },
      { name: 'fc1_scales', type: 'float32', dims: [E, fc1.N, b1], data: fc1.scales },
      { name: 'fc2', type: 'uint8', dims: [E, fc2.N, fc2.rowBytes], data: fc2.weights },
      { name: 'fc2_scales', type: 'float32', dims: [E, fc2.N, b2], data: fc2.scales },
    ];
    if (asymmetric) {
      weightInputs.push(
        { name: 'fc1_zero_points', type: 'uint8', dims: zpDims(fc1), data: fc1.zeroPoints! },
        { name: 'fc2_zero_points', type: 'uint8', dims: zpDims(fc2), data: fc2.zeroPoints! },
      );
    }
    const zp = (name: string) => (asymmetric ? name : '');
    // Inputs by position: x, router_probs, fc1 weights, scales, bias, fc2 weights, scales, bias,
    // fc3 weights, scales, bias, fc1/fc2/fc3 zero points, router_weights.
    const qmoe = node(
      'QMoE',
      ['x', 'router_probs', 'fc1', 'fc1_scales', '', 'fc2', 'fc2_scales', '', '', '', '', zp('fc1_zero_points'), zp('fc2_zero_points'), '', 'router_weights'],
      ['out'],
      {
        k: this.k,
        activation_type: 'swiglu',
        swiglu_fusion: 1,
        activation_alpha: { float: 1 },
        activation_beta: { float: 0 },
        expert_weight_bits: 4,
        block_size: bs,
        normalize_routing_weights: 0,
      },
      'com.microsoft',
    );
    const model = buildModel({
      nodes: [qmoe],
      inputs: [
        { name: 'x', type: 'float32', dims: ['m', H] },
        { name: 'router_probs', type: 'float32', dims: ['m', E] },
        { name: 'router_weights', type: 'float32', dims: ['m', E] },
        ...weightInputs.map(({ data: _, ...v }) => v),
      ],
      outputs: [{ name: 'out', type: 'float32', dims: ['m', H] }],
    });
    this.session = new ArenaSession(model, options.threads, `layer ${layer}'s QMoE`);
    this.weightFeeds = Object.fromEntries(
      weightInputs.map((w) => [w.name, w.data instanceof Uint8Array ? new ort.Tensor('uint8', w.data, w.dims) : tensor(w.data, w.dims)]),
    );
  }

  /** The router's choice for x's rows from the gate's logits [tokens, experts]. */
  route(routerLogits: Float32Array): Routing {
    const bias = (this.bias ??= this.weights.get(routerBias(this.layer)).data);
    return route(routerLogits, bias, this.c);
  }

  /** QMoE's two router inputs for a routing: the choice as ranks (−inf elsewhere) and the weights. */
  routerInputs(routing: Routing, tokens: number): { probs: Float32Array; weights: Float32Array } {
    const E = this.E;
    if (routing.experts.length !== tokens) throw new RangeError(`QMoE: a routing of ${routing.experts.length} tokens for ${tokens} rows`);
    const probs = new Float32Array(tokens * E).fill(-Infinity);
    const weights = new Float32Array(tokens * E);
    routing.experts.forEach((chosen, t) => {
      if (chosen.length !== this.k) throw new RangeError(`QMoE runs exactly ${this.k} experts a token, not ${chosen.length}`);
      chosen.forEach((e, rank) => {
        probs[t * E + e] = this.k - rank;
        weights[t * E + e] = routing.weights[t]![rank]!;
      });
    });
    return { probs, weights };
  }

  /** Σ over each row's chosen experts of weight · expert(x): x [tokens, hidden] → [tokens, hidden]; shared experts not included. */
  run(x: Float32Array, tokens: number, routing: Routing): Float32Array {
    const { probs, weights } = this.routerInputs(routing, tokens);
    return this.session.run({
      ...this.weightFeeds,
      x: tensor(x, [tokens, this.H]),
      router_probs: tensor(probs, [tokens, this.E]),
      router_weights: tensor(weights, [tokens, this.E]),
    }).out!.data as Float32Array;
  }

  release(): void {
    this.session.release();
  }
}

/** One MoE layer's part of a step: its input rows (the post-attention norm's output) and the router's choice for them. */
export interface MoeStepInput {
  layer: number;
  x: Float32Array;
  routing: Routing;
}

/**
 * The routed experts of every MoE layer as QMoE layers: a decode step's MoE part, so the bench can
 * time the same decode with QMoE in place of the per-expert sessions (attention, shared experts
 * and head are the runtime's either way and are not run here).
 */
export class QmoeExperts {
  /** The MoE layers, in order. */
  readonly layers: number[];
  private readonly built = new Map<number, QmoeLayer>();
  /** Bytes of expert weights QMoE read and QMoE runs since the counters were last reset. */
  readonly traffic = { weightBytes: 0, runs: 0 };

  constructor(
    private readonly weights: RuntimeWeights,
    private readonly c: TextConfig,
    private readonly options: QmoeOptions,
  ) {
    this.layers = Array.from({ length: c.num_hidden_layers }, (_, l) => l).filter((l) => isMoeLayer(c, l));
  }

  /** The layer's QMoE, built on first use (a bench builds them all before timing). */
  layer(layer: number): QmoeLayer {
    let q = this.built.get(layer);
    if (!q) this.built.set(layer, (q = new QmoeLayer(this.weights, this.c, layer, this.options)));
    return q;
  }

  /** Runs each layer's routed experts on its rows; returns their outputs [rows, hidden] in input order. */
  step(inputs: readonly MoeStepInput[]): Float32Array[] {
    return inputs.map(({ layer, x, routing }) => {
      const q = this.layer(layer);
      const distinct = new Set(routing.experts.flatMap((chosen) => [...chosen]));
      this.traffic.weightBytes += distinct.size * q.expertBytes;
      this.traffic.runs++;
      return q.run(x, routing.experts.length, routing);
    });
  }

  release(): void {
    for (const q of this.built.values()) q.release();
    this.built.clear();
  }
}

/**
 * A routing for replaying recorded expert choices (ForwardResult.routing keeps the experts, not
 * their weights): each chosen expert weighs routed_scaling_factor / k. QMoE's time depends on which
 * experts run, not on their weights (any above 1e-8), so it times the recorded decode exactly.
 */
export function replayRouting(experts: readonly Int32Array[], c: Pick<TextConfig, 'num_experts_per_tok' | 'routed_scaling_factor'>): Routing {
  const w = c.routed_scaling_factor / c.num_experts_per_tok;
  return { experts: [...experts], weights: experts.map((chosen) => new Float32Array(chosen.length).fill(w)) };
}

export interface QmoeDecodeResult {
  /** Decode steps timed. */
  tokens: number;
  /** The runtime's decode steps as they ran, and the part of them spent in routed experts' sessions. */
  runtimeMs: number;
  routedMs: number;
  /** QMoE running the same steps' routed experts (the same experts, layer after layer, step after step). */
  qmoeMs: number;
  runtimeTokPerS: number;
  /** The same decode with QMoE for the routed experts: tokens / (runtimeMs − routedMs + qmoeMs). */
  qmoeTokPerS: number;
  /** Routed-expert bytes QMoE read per token. */
  qmoeBytesPerToken: number;
}

/**
 * Times "the same decode with QMoE for the routed experts". The engine decodes `decodeTokens`
 * greedy tokens after `prompt`, recording each step's expert choices and the time its routed
 * experts' sessions took; QMoE then runs those same choices for every MoE layer and step, in
 * decode order (so, as in a real decode, a layer's experts are not still in the cache from its
 * previous run), and replaces the routed experts' time. Everything else (attention, shared
 * experts, the head, routing, the weighted sum) is the runtime's as measured. QMoE's inputs are
 * stand-in rows and equal weights (replayRouting): its time depends on which experts run, not on
 * the values. Building the QMoE layers (all routed experts of every layer, requantised) is not timed.
 */
export function qmoeDecode(engine: Pick<MoeEngine, 'pkg' | 'decoder'>, prompt: readonly number[], decodeTokens: number, options: Partial<QmoeOptions> = {}): QmoeDecodeResult {
  const c = engine.pkg.config.text_config;
  const decoder = engine.decoder;
  const expertMs = () => {
    const s = decoder.expertStats();
    return s.pools.reduce((sum, p) => sum + p.runMs, 0) + s.transientMs;
  };
  decoder.reset();
  let logits = decoder.forward(decoder.embed(prompt), prompt.length).logits;
  const steps: Array<Array<{ layer: number; experts: Int32Array[] }>> = [];
  let runtimeMs = 0;
  let routedMs = 0;
  for (let s = 0; s < decodeTokens; s++) {
    const e0 = expertMs();
    const t0 = performance.now();
    const step = decoder.forward(decoder.embed([argmax(logits)]), 1);
    runtimeMs += performance.now() - t0;
    routedMs += expertMs() - e0;
    steps.push(step.routing);
    logits = step.logits;
  }
  decoder.reset();

  const moe = new QmoeExperts(packageWeights(engine.pkg), c, { threads: 1, ...options });
  try {
    for (const layer of moe.layers) moe.layer(layer);
    const x = new Float32Array(c.hidden_size).fill(0.01);
    const inputs = steps.map((routing) => routing.map(({ layer, experts }) => ({ layer, x, routing: replayRouting(experts, c) })));
    moe.step(inputs[0] ?? []);
    const bytes0 = moe.traffic.weightBytes;
    const t0 = performance.now();
    for (const step of inputs) moe.step(step);
    const qmoeMs = performance.now() - t0;
    const tokens = steps.length;
    return {
      tokens,
      runtimeMs,
      routedMs,
      qmoeMs,
      runtimeTokPerS: (tokens * 1000) / runtimeMs,
      qmoeTokPerS: (tokens * 1000) / (runtimeMs - routedMs + qmoeMs),
      qmoeBytesPerToken: (moe.traffic.weightBytes - bytes0) / tokens,
    };
  } finally {
    moe.release();
  }
}

/** qmoeDecode's tokens per second: the decode bench's `qmoeDecodeTokPerS`. */
export const qmoeDecodeTokPerS = (engine: Pick<MoeEngine, 'pkg' | 'decoder'>, prompt: readonly number[], decodeTokens: number, options: Partial<QmoeOptions> = {}) =>
  qmoeDecode(engine, prompt, decodeTokens, options).qmoeTokPerS;

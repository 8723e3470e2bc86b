// The decoder as onnxruntime graphs, one per unit the runtime places and runs on its own: a
// layer's attention block (with its norms and, for MoE layers, the router), one expert (or the
// shared experts, or a dense MLP: the same SwiGLU shape), and the head. Linear weights stored
// quantised go to MatMulNBits as their stored bytes; others to MatMul as float32.
//
// Attention is MLA in its absorbed form: the cache holds, per token, the normalised compressed
// KV (kv_lora_rank values) and the rotated shared key part (qk_rope_head_dim values), not every
// head's keys and values. Queries are mapped into the compressed space through kv_b_proj's key
// half, and the attention output back out through its value half, which gives the same result
// as expanding the cache and reads an order of magnitude fewer bytes per cached token.
// RoPE rotates consecutive pairs; DeepSeek's reference de-interleaves first and rotates halves,
// which permutes query and key alike and leaves every dot product, hence the output, unchanged.
import type { TextConfig } from '../config.ts';
import { buildModel, node, type GraphNode, type GraphValue, type Initializer } from '../onnx-graph.ts';
import type { LocatedWeight, StoredLocation } from '../package.ts';
import { quantLayout, type QuantisedWeight } from '../quant.ts';
import type { Tensor } from '../tensor.ts';
import { attentionScale } from './rope.ts';

/** The weights the runtime reads: float32 by name, and the stored quantised form where there is one. */
export interface RuntimeWeights {
  get(name: string): Tensor;
  quantised(name: string): QuantisedWeight | undefined;
  /**
   * Where a quantised weight's parts lie in files under `folder`: onnxruntime then reads them
   * itself, so a weight is not held in JavaScript, in the model's bytes and in onnxruntime at once.
   */
  located?(name: string): LocatedWeight | undefined;
  readonly folder?: string;
}

/** An ONNX model and the bytes of weights it reads each time it runs. */
export interface BuiltGraph {
  model: Uint8Array;
  weightBytes: number;
  /** The folder its external initializers' files are relative to, if it has any. */
  externalFolder?: string;
}

export interface GraphOptions {
  /**
   * MatMulNBits' accuracy level: 0 computes in float32 (the reference's numbers), 4 quantises
   * activations to int8 per block (about twice as fast on CPUs with int8 dot products; logits
   * move by about 1e-2 relative).
   */
  accuracyLevel: 0 | 4;
}

/** A graph under construction: nodes and initializers, with unique names. */
export class Builder {
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  private serial = 0;

  constructor(
    private readonly weights: RuntimeWeights,
    private readonly options: GraphOptions,
  ) {}

  name(base: string): string {
    return `${base}_${++this.serial}`;
  }

  op(opType: string, inputs: string[], attributes?: GraphNode['attributes'], domain = ''): string {
    const out = this.name(opType.toLowerCase());
    this.nodes.push(node(opType, inputs, [out], attributes, domain));
    return out;
  }

  ops(opType: string, inputs: string[], outputs: number, attributes?: GraphNode['attributes']): string[] {
    const outs = Array.from({ length: outputs }, () => this.name(opType.toLowerCase()));
    this.nodes.push(node(opType, inputs, outs, attributes));
    return outs;
  }

  constant(data: Float32Array, dims: number[]): string {
    const name = this.name('const');
    this.initializers.push({ name, type: 'float32', dims, bytes: data });
    return name;
  }

  ints(values: number[]): string {
    const name = this.name('shape');
    this.initializers.push({ name, type: 'int64', dims: [values.length], bytes: BigInt64Array.from(values, BigInt) });
    return name;
  }

  /** x [.., K] · Wᵀ for a weight stored quantised, its stored parts (bytes, or where they lie) as MatMulNBits' initializers. */
  private matMulNBits(x: string, q: QuantisedWeight | LocatedWeight): string {
    const layout = quantLayout(q.N, q.K, q.bits, q.blockSize);
    const part = (base: string, type: 'uint8' | 'float32', dims: number[], data: ArrayBufferView | StoredLocation): string => {
      const name = this.name(base);
      this.initializers.push('file' in data ? { name, type, dims, external: { location: data.file, offset: data.offset, length: data.length } } : { name, type, dims, bytes: data });
      return name;
    };
    const b = part('qweight', 'uint8', layout.qweightShape, q.qweight);
    const s = part('scales', 'float32', [layout.scalesLength], q.scales);
    const z = part('zero_points', 'uint8', [layout.zeroPointsLength], q.zeroPoints);
    return this.op('MatMulNBits', [x, b, s, z], { K: q.K, N: q.N, bits: q.bits, block_size: q.blockSize, accuracy_level: this.options.accuracyLevel }, 'com.microsoft');
  }

  /** x [.., K] · Wᵀ for W [N, K] stored under `weight`. */
  linear(x: string, weight: string): string {
    const q = this.weights.located?.(weight) ?? this.weights.quantised(weight);
    return q ? this.matMulNBits(x, q) : this.linearFloat(x, weight);
  }

  /**
   * x [.., K] · Wᵀ over rows [start, start + count) of W [N, K] stored under `weight`: a quantised
   * weight's rows are whole blocks, so the slice is its stored bytes as they are.
   */
  linearRows(x: string, weight: string, start: number, count: number): string {
    const q = this.weights.located?.(weight) ?? this.weights.quantised(weight);
    if (!q) return this.linearFloat(x, weight, start, count);
    const layout = quantLayout(q.N, q.K, q.bits, q.blockSize);
    const per = { qweight: layout.blocksPerRow * layout.blobSize, scales: layout.blocksPerRow * 4, zeroPoints: layout.zeroPointsLength / q.N };
    const rows = <T extends ArrayBufferView | StoredLocation>(part: T, bytesPerRow: number): T => {
      if ('file' in part) return { ...part, offset: part.offset + start * bytesPerRow, length: count * bytesPerRow };
      const view = part as ArrayBufferView;
      return new (view.constructor as new (b: ArrayBufferLike, o: number, n: number) => T)(view.buffer, view.byteOffset + start * bytesPerRow, (count * bytesPerRow) / (view instanceof Float32Array ? 4 : 1));
    };
    return this.matMulNBits(x, { ...q, N: count, qweight: rows(q.qweight, per.qweight), scales: rows(q.scales, per.scales), zeroPoints: rows(q.zeroPoints, per.zeroPoints) } as QuantisedWeight | LocatedWeight);
  }

  /**
   * x · Wᵢᵀ for several weights of one input, as one MatMulNBits over their rows stacked when
   * all are quantised alike (the layout is row by row, so stacking is concatenation): one larger
   * product costs less than several small ones. Otherwise one product each.
   */
  linears(x: string, weights: string[]): string[] {
    // Weights left in their files are not contiguous there: stacking them would mean a copy.
    if (this.weights.located) return weights.map((w) => this.linear(x, w));
    const qs = weights.map((w) => this.weights.quantised(w));
    const first = qs[0];
    if (!first || qs.some((q) => !q || q.K !== first.K || q.bits !== first.bits || q.blockSize !== first.blockSize)) return weights.map((w) => this.linear(x, w));
    const parts = qs as QuantisedWeight[];
    const stack = <T extends Uint8Array | Float32Array>(pick: (q: QuantisedWeight) => T, make: (n: number) => T): T => {
      const out = make(parts.reduce((n, q) => n + pick(q).length, 0));
      let at = 0;
      for (const q of parts) {
        out.set(pick(q), at);
        at += pick(q).length;
      }
      return out;
    };
    const stacked: QuantisedWeight = {
      ...first,
      N: parts.reduce((n, q) => n + q.N, 0),
      qweight: stack((q) => q.qweight, (n) => new Uint8Array(n)),
      scales: stack((q) => q.scales, (n) => new Float32Array(n)),
      zeroPoints: stack((q) => q.zeroPoints, (n) => new Uint8Array(n)),
    };
    return this.ops('Split', [this.matMulNBits(x, stacked), this.ints(parts.map((q) => q.N))], parts.length, { axis: -1 });
  }

  /** x · Wᵀ in float32 whatever W is stored as (the router's scores decide which experts run), over rows [start, start + count) of W, all by default. */
  linearFloat(x: string, weight: string, start = 0, count?: number): string {
    const w = this.weights.get(weight);
    const [N, K] = w.shape as [number, number];
    const rows = count ?? N - start;
    return this.op('MatMul', [x, this.constant(transpose(w.data.subarray(start * K, (start + rows) * K), rows, K), [K, rows])]);
  }

  /** RMSNorm over the last axis as onnxruntime's one fused kernel (float32, as the reference computes it). */
  rmsNorm(x: string, weight: string, eps: number): string {
    const w = this.weights.get(weight);
    return this.op('SimplifiedLayerNormalization', [x, this.constant(w.data, [w.data.length])], { axis: -1, epsilon: { float: eps } });
  }

  /**
   * Rotates consecutive pairs of each head's `d` values in x [m, heads·d] by the angles whose
   * cos/sin [m, d/2] rows are fed per token (`positions` [1, m] = 0…m−1 picks each token's row).
   */
  rotary(x: string, heads: number, d: number): string {
    const rotated = this.op('RotaryEmbedding', [this.op('Reshape', [x, this.ints([1, -1, heads * d])]), 'positions', 'cos', 'sin'], { interleaved: 1, num_heads: heads }, 'com.microsoft');
    return this.op('Reshape', [rotated, this.ints([-1, heads * d])]);
  }

  /** x · Wᵀ + b (torch.nn.Linear); onnxruntime fuses the pair into one Gemm where x is 2-D. */
  linearBias(x: string, weight: string, bias: string): string {
    const b = this.weights.get(bias);
    return this.op('Add', [this.linear(x, weight), this.constant(b.data, [b.data.length])]);
  }

  /** torch.nn.LayerNorm over the last axis (biased variance), as one LayerNormalization. */
  layerNorm(x: string, weight: string, bias: string, eps: number): string {
    const w = this.weights.get(weight);
    const b = this.weights.get(bias);
    return this.op('LayerNormalization', [x, this.constant(w.data, [w.data.length]), this.constant(b.data, [b.data.length])], { axis: -1, epsilon: { float: eps } });
  }

  /** GELU: 'none' is the exact x·Φ(x), 'tanh' PyTorch's tanh approximation (opset 20's Gelu). */
  gelu(x: string, approximate: 'none' | 'tanh'): string {
    return this.op('Gelu', [x], { approximate });
  }

  model(inputs: GraphValue[], outputs: Array<GraphValue & { from: string }>): BuiltGraph {
    const nodes = [...this.nodes, ...outputs.map((o) => node('Identity', [o.from], [o.name]))];
    const weightBytes = this.initializers.reduce((sum, i) => sum + ('bytes' in i ? i.bytes.byteLength : i.external.length), 0);
    const external = this.initializers.some((i) => 'external' in i);
    return { model: buildModel({ nodes, inputs, outputs: outputs.map(({ from: _, ...v }) => v), initializers: this.initializers }), weightBytes, ...(external ? { externalFolder: this.weights.folder } : {}) };
  }
}

function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

const prefix = (layer: number) => `language_model.model.layers.${layer}`;

/** q_a_layernorm and kv_a_layernorm are built with DeepseekV3RMSNorm's default eps, not the config's rms_norm_eps. */
const LATENT_NORM_EPS = 1e-6;

/**
 * A layer's attention block. Inputs: h [m, hidden] (the residual stream), positions [1, m]
 * (0…m−1) and cos/sin [m, rope/2] of the new tokens' positions, past_ckv [p, kv_lora_rank], past_kpe [p, rope], mask [m, p+m]
 * (0 or -inf). Outputs: h (after the attention residual), y (post-attention norm: the MLP's
 * input), ckv and kpe of the new tokens (to append to the cache), and router_logits [m, experts]
 * in MoE layers.
 */
export function attentionGraph(weights: RuntimeWeights, c: TextConfig, layer: number, moe: boolean, options: GraphOptions): BuiltGraph {
  const g = new Builder(weights, options);
  const p = prefix(layer);
  const H = c.num_attention_heads;
  const dn = c.qk_nope_head_dim;
  const dr = c.qk_rope_head_dim;
  const dv = c.v_head_dim;
  const R = c.kv_lora_rank;
  const x = g.rmsNorm('h', `${p}.input_layernorm.weight`, c.rms_norm_eps);
  // The query's first projection and the compressed KV's read the same input: one product.
  const [qIn, kva] = g.linears(x, [`${p}.self_attn.${c.q_lora_rank === null ? 'q_proj' : 'q_a_proj'}.weight`, `${p}.self_attn.kv_a_proj_with_mqa.weight`]) as [string, string];
  const q = c.q_lora_rank === null ? qIn : g.linear(g.rmsNorm(qIn, `${p}.self_attn.q_a_layernorm.weight`, LATENT_NORM_EPS), `${p}.self_attn.q_b_proj.weight`);
  const [qNopeRows, qPeRows] = g.ops('Split', [g.op('Reshape', [q, g.ints([-1, H, dn + dr])]), g.ints([dn, dr])], 2, { axis: -1 });
  const qNope = g.op('Transpose', [qNopeRows!], { perm: [1, 0, 2] });
  const qRot = g.op('Transpose', [g.op('Reshape', [g.rotary(g.op('Reshape', [qPeRows!, g.ints([-1, H * dr])]), H, dr), g.ints([-1, H, dr])])], { perm: [1, 0, 2] });

  const [ckvRaw, kpeRaw] = g.ops('Split', [kva, g.ints([R, dr])], 2, { axis: -1 });
  const ckv = g.rmsNorm(ckvRaw!, `${p}.self_attn.kv_a_layernorm.weight`, LATENT_NORM_EPS);
  const kpe = g.rotary(kpeRaw!, 1, dr);
  const ckvAll = g.op('Concat', ['past_ckv', ckv], { axis: 0 });
  const kpeAll = g.op('Concat', ['past_kpe', kpe], { axis: 0 });

  // kv_b_proj [H*(dn+dv), R]: per head, dn rows map the compressed KV to keys, dv rows to values.
  // The value rows are used as stored (one product per head); the key rows are needed transposed
  // (contracted over dn, the axis they are not quantised along), so they are widened to float32.
  const kvbName = `${p}.self_attn.kv_b_proj.weight`;
  const kvb = weights.get(kvbName).data;
  const uk = new Float32Array(H * dn * R);
  for (let h = 0; h < H; h++) uk.set(kvb.subarray(h * (dn + dv) * R, (h * (dn + dv) + dn) * R), h * dn * R);
  const qAbsorbed = g.op('MatMul', [qNope, g.constant(uk, [H, dn, R])]);
  const scores = g.op('Add', [
    g.op('FusedMatMul', [qAbsorbed, ckvAll], { transB: 1 }, 'com.microsoft'),
    g.op('FusedMatMul', [qRot, kpeAll], { transB: 1 }, 'com.microsoft'),
  ]);
  const scaled = g.op('Add', [g.op('Mul', [scores, g.constant(new Float32Array([attentionScale(c)]), [])]), 'mask']);
  const probs = g.op('Softmax', [scaled], { axis: -1 });
  // Per head: its attention over the compressed cache [m, R], then that head's value rows.
  const latent = g.ops('Split', [g.op('MatMul', [probs, ckvAll]), g.ints(Array(H).fill(1))], H, { axis: 0 });
  const heads = latent.map((l, h) => g.linearRows(g.op('Squeeze', [l, g.ints([0])]), kvbName, h * (dn + dv) + dn, dv));
  const merged = H === 1 ? heads[0]! : g.op('Concat', heads, { axis: -1 });
  const h = g.op('Add', ['h', g.linear(merged, `${p}.self_attn.o_proj.weight`)]);
  const y = g.rmsNorm(h, `${p}.post_attention_layernorm.weight`, c.rms_norm_eps);

  const outputs: Array<GraphValue & { from: string }> = [
    { name: 'h_out', type: 'float32', dims: ['m', c.hidden_size], from: h },
    { name: 'y', type: 'float32', dims: ['m', c.hidden_size], from: y },
    { name: 'ckv', type: 'float32', dims: ['m', R], from: ckv },
    { name: 'kpe', type: 'float32', dims: ['m', dr], from: kpe },
  ];
  if (moe) outputs.push({ name: 'router_logits', type: 'float32', dims: ['m', c.n_routed_experts], from: g.linearFloat(y, `${p}.mlp.gate.weight`) });
  return g.model(
    [
      { name: 'h', type: 'float32', dims: ['m', c.hidden_size] },
      { name: 'positions', type: 'int64', dims: [1, 'm'] },
      { name: 'cos', type: 'float32', dims: ['m', dr / 2] },
      { name: 'sin', type: 'float32', dims: ['m', dr / 2] },
      { name: 'past_ckv', type: 'float32', dims: ['p', R] },
      { name: 'past_kpe', type: 'float32', dims: ['p', dr] },
      { name: 'mask', type: 'float32', dims: ['m', 't'] },
    ],
    outputs,
  );
}

/** A SwiGLU MLP: down(silu(gate(x)) * up(x)); one routed expert, the shared experts, or a dense layer's MLP. */
export function mlpGraph(weights: RuntimeWeights, c: TextConfig, stem: string, options: GraphOptions): BuiltGraph {
  const g = new Builder(weights, options);
  const [gate, up] = g.linears('x', [`${stem}.gate_proj.weight`, `${stem}.up_proj.weight`]) as [string, string];
  const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
  return g.model([{ name: 'x', type: 'float32', dims: ['m', c.hidden_size] }], [{ name: 'out', type: 'float32', dims: ['m', c.hidden_size], from: g.linear(act, `${stem}.down_proj.weight`) }]);
}

/** The final norm and the LM head: h [m, hidden] → logits [m, vocab]. */
export function headGraph(weights: RuntimeWeights, c: TextConfig, options: GraphOptions): BuiltGraph {
  const g = new Builder(weights, options);
  const y = g.rmsNorm('h', 'language_model.model.norm.weight', c.rms_norm_eps);
  const head = c.tie_word_embeddings ? 'language_model.model.embed_tokens.weight' : 'language_model.lm_head.weight';
  return g.model([{ name: 'h', type: 'float32', dims: ['m', c.hidden_size] }], [{ name: 'logits', type: 'float32', dims: ['m', c.vocab_size], from: g.linear(y, head) }]);
}

export const expertStem = (layer: number, expert: number) => `${prefix(layer)}.mlp.experts.${expert}`;
export const sharedStem = (layer: number) => `${prefix(layer)}.mlp.shared_experts`;
export const denseStem = (layer: number) => `${prefix(layer)}.mlp`;
export const routerBias = (layer: number) => `${prefix(layer)}.mlp.gate.e_score_correction_bias`;

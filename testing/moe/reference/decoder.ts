// The reference decoder of a DeepSeek-V3 / Kimi-K2-style MoE language model, top to bottom, as
// modeling_deepseek.py computes it: the whole sequence at once, causally, without a KV cache.
//
// Shapes: T = tokens, H = hidden_size, nH = num_attention_heads, dn = qk_nope_head_dim,
// dr = qk_rope_head_dim, dq = dn + dr, dv = v_head_dim, R = kv_lora_rank, E = n_routed_experts,
// K = num_experts_per_tok, V = vocab_size.
import { isMoeLayer, type TextConfig } from '../../../engine/moe/config.ts';
import type { Tensor, WeightSource } from '../../../engine/moe/tensor.ts';
import { addInPlace, linear, rmsNorm, sigmoid, silu, softmaxInPlace } from './ops.ts';

/** q_a_layernorm and kv_a_layernorm are built with DeepseekV3RMSNorm's default eps, not rms_norm_eps. */
export const LATENT_NORM_EPS = 1e-6;

/** The experts one MoE layer chose, token by token. */
export interface LayerRouting {
  layer: number;
  /** [T, K] expert ids, each token's best choice first. */
  experts: Int32Array;
  /** [T, K] the weights those experts' outputs were multiplied by (normalised if norm_topk_prob, times routed_scaling_factor). */
  weights: Float32Array;
  /** [T, E] sigmoid router scores (before the correction bias), e.g. to prefetch the next layer's experts. */
  scores: Float32Array;
}

export interface DecoderOutput {
  /** [T, V] */
  logits: Tensor;
  /** One entry per MoE layer, in layer order. */
  routing: LayerRouting[];
}

const txt = (weights: WeightSource) => (name: string) => weights.get(`language_model.${name}`);

/** embed_tokens rows for the ids → [T, H]. */
export function embed(weights: WeightSource, text: TextConfig, ids: ArrayLike<number>): Tensor {
  const table = txt(weights)('model.embed_tokens.weight'); // [V, H]
  const H = text.hidden_size;
  const out = new Float32Array(ids.length * H);
  for (let t = 0; t < ids.length; t++) {
    const id = ids[t]!;
    if (!Number.isInteger(id) || id < 0 || id >= table.shape[0]!) throw new RangeError(`token id ${id} at position ${t} is outside the vocabulary (0…${table.shape[0]! - 1})`);
    out.set(table.data.subarray(id * H, (id + 1) * H), t * H);
  }
  return { shape: [ids.length, H], data: out };
}

/** The causal decoder over input embeddings [T, H] → logits [T, V] and every MoE layer's routing. */
export function decoderForward(weights: WeightSource, text: TextConfig, inputEmbeddings: Tensor): DecoderOutput {
  const get = txt(weights);
  const [T, H] = inputEmbeddings.shape as [number, number];
  if (H !== text.hidden_size) throw new Error(`decoderForward: embeddings are ${H} wide, the model's hidden size is ${text.hidden_size}`);
  const x = inputEmbeddings.data.slice(); // the residual stream [T, H]
  const routing: LayerRouting[] = [];

  for (let layer = 0; layer < text.num_hidden_layers; layer++) {
    const prefix = `model.layers.${layer}`;
    // x + attention(input_layernorm(x))
    const h = rmsNorm(x, T, get(`${prefix}.input_layernorm.weight`), text.rms_norm_eps);
    addInPlace(x, attention(weights, text, layer, h, T));
    // x + mlp(post_attention_layernorm(x)), the mlp dense or routed
    const h2 = rmsNorm(x, T, get(`${prefix}.post_attention_layernorm.weight`), text.rms_norm_eps);
    if (isMoeLayer(text, layer)) {
      const moe = moeForward(weights, text, layer, h2, T);
      routing.push(moe.routing);
      addInPlace(x, moe.out);
    } else {
      addInPlace(x, mlp(weights, `${prefix}.mlp`, h2, T));
    }
  }

  const final = rmsNorm(x, T, get('model.norm.weight'), text.rms_norm_eps);
  const head = weights.has('language_model.lm_head.weight') || !text.tie_word_embeddings ? get('lm_head.weight') : get('model.embed_tokens.weight');
  const logits = linear(final, T, head); // [T, V]
  return { logits: { shape: [T, head.shape[0]!], data: logits }, routing };
}

// ---------------------------------------------------------------------------------------------
// Multi-head latent attention

/**
 * DeepseekV3Attention for one layer over h [T, H] → [T, H]:
 * q = q_proj(h), or q_b_proj(q_a_layernorm(q_a_proj(h))) → [T, nH, dq], split (q_nope | q_pe);
 * kv_a_proj_with_mqa(h) → [T, R + dr], split (c | k_pe), k_pe shared by every head;
 * kv_b_proj(kv_a_layernorm(c)) → [T, nH, dn + dv], split (k_nope | v);
 * RoPE on q_pe and k_pe; softmax((q_nope·k_nope + q_pe·k_pe) · softmaxScale) over s ≤ t; · v; o_proj.
 */
export function attention(weights: WeightSource, text: TextConfig, layer: number, h: Float32Array, T: number): Float32Array {
  const get = (name: string) => weights.get(`language_model.model.layers.${layer}.self_attn.${name}`);
  const nH = text.num_attention_heads;
  const dn = text.qk_nope_head_dim;
  const dr = text.qk_rope_head_dim;
  const dq = dn + dr;
  const dv = text.v_head_dim;
  const R = text.kv_lora_rank;

  const q =
    text.q_lora_rank === null
      ? linear(h, T, get('q_proj.weight'))
      : linear(rmsNorm(linear(h, T, get('q_a_proj.weight')), T, get('q_a_layernorm.weight'), LATENT_NORM_EPS), T, get('q_b_proj.weight')); // [T, nH, dq]
  const ckv = linear(h, T, get('kv_a_proj_with_mqa.weight')); // [T, R + dr]
  const c = new Float32Array(T * R);
  const kPe = new Float32Array(T * dr);
  for (let t = 0; t < T; t++) {
    c.set(ckv.subarray(t * (R + dr), t * (R + dr) + R), t * R);
    kPe.set(ckv.subarray(t * (R + dr) + R, (t + 1) * (R + dr)), t * dr);
  }
  const kv = linear(rmsNorm(c, T, get('kv_a_layernorm.weight'), LATENT_NORM_EPS), T, get('kv_b_proj.weight')); // [T, nH, dn + dv]

  // Rotary positions 0 … T−1 on the rope parts (q per head, k once).
  const rope = ropeTable(dr, T, text.rope_theta, yarnFrequencies(text));
  const qPe = new Float32Array(T * nH * dr);
  for (let t = 0; t < T; t++)
    for (let hd = 0; hd < nH; hd++) {
      const rotated = applyRope(q.subarray((t * nH + hd) * dq + dn, (t * nH + hd + 1) * dq), rope, t);
      qPe.set(rotated, (t * nH + hd) * dr);
    }
  const kPeRot = new Float32Array(T * dr);
  for (let t = 0; t < T; t++) kPeRot.set(applyRope(kPe.subarray(t * dr, (t + 1) * dr), rope, t), t * dr);

  const scale = softmaxScale(text);
  const out = new Float32Array(T * nH * dv); // [T, nH, dv]
  for (let hd = 0; hd < nH; hd++)
    for (let t = 0; t < T; t++) {
      const row = new Float64Array(t + 1); // causal: keys 0 … t
      for (let s = 0; s <= t; s++) {
        let dot = 0;
        for (let d = 0; d < dn; d++) dot += q[(t * nH + hd) * dq + d]! * kv[(s * nH + hd) * (dn + dv) + d]!;
        for (let d = 0; d < dr; d++) dot += qPe[(t * nH + hd) * dr + d]! * kPeRot[s * dr + d]!;
        row[s] = dot * scale;
      }
      softmaxInPlace(row);
      for (let d = 0; d < dv; d++) {
        let acc = 0;
        for (let s = 0; s <= t; s++) acc += row[s]! * kv[(s * nH + hd) * (dn + dv) + dn + d]!;
        out[(t * nH + hd) * dv + d] = acc;
      }
    }
  return linear(out, T, get('o_proj.weight'));
}

/**
 * Whether YaRN applies: DeepSeek-V3's inference/model.py applies it when the context it runs with
 * (max_seq_len) exceeds original_seq_len; the model's max_position_embeddings is that context.
 */
function yarnApplies(text: TextConfig): boolean {
  return !!text.rope_scaling && text.max_position_embeddings > text.rope_scaling.original_max_position_embeddings;
}

/**
 * precompute_freqs_cis of DeepSeek-V3's inference/model.py, the frequencies only (float64 here):
 * freqs[i] = θ^(−2i/d); with YaRN, correction_dim(r) = d·ln(L₀ / (2π·r)) / (2·ln θ) gives
 * low = ⌊correction_dim(beta_fast)⌋ ≥ 0 and high = ⌈correction_dim(beta_slow)⌉ ≤ d − 1
 * (high + 0.001 when equal), ramp[i] = clamp((i − low) / (high − low), 0, 1),
 * smooth = 1 − ramp, and freqs = freqs / factor · (1 − smooth) + freqs · smooth.
 * null without YaRN (ropeTable then uses the plain float32 frequencies).
 */
export function yarnFrequencies(text: TextConfig): Float64Array | null {
  if (!yarnApplies(text)) return null;
  const y = text.rope_scaling!;
  const d = text.qk_rope_head_dim;
  const theta = text.rope_theta;
  const correctionDim = (rotations: number) => (d * Math.log(y.original_max_position_embeddings / (rotations * 2 * Math.PI))) / (2 * Math.log(theta));
  const low = Math.max(0, Math.floor(correctionDim(y.beta_fast)));
  const high0 = Math.min(d - 1, Math.ceil(correctionDim(y.beta_slow)));
  const high = low === high0 ? high0 + 0.001 : high0;
  const out = new Float64Array(d / 2);
  for (let i = 0; i < d / 2; i++) {
    const freq = 1 / theta ** ((2 * i) / d);
    const smooth = 1 - Math.min(1, Math.max(0, (i - low) / (high - low)));
    out[i] = (freq / y.factor) * (1 - smooth) + freq * smooth;
  }
  return out;
}

/** MLA's softmax_scale: dq^−½, times mscale² with mscale = 0.1 · mscale_all_dim · ln(factor) + 1 under YaRN. */
export function softmaxScale(text: TextConfig): number {
  const base = (text.qk_nope_head_dim + text.qk_rope_head_dim) ** -0.5;
  if (!yarnApplies(text)) return base;
  const y = text.rope_scaling!;
  const mscale = 0.1 * y.mscale_all_dim * Math.log(y.factor) + 1;
  return base * mscale ** 2;
}

/**
 * DeepseekV3RotaryEmbedding: inv_freq[i] = θ^(−2i/dr), i < dr/2 (or the YaRN frequencies given);
 * angle = position · inv_freq, both float32 as torch computes them. Returns cos and sin [T, dr/2].
 */
export function ropeTable(dr: number, T: number, theta: number, frequencies: ArrayLike<number> | null = null): { cos: Float32Array; sin: Float32Array } {
  const f = Math.fround;
  const half = dr / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let i = 0; i < half; i++) {
    const invFreq = frequencies ? f(frequencies[i]!) : f(1 / f(theta ** f((2 * i) / dr)));
    for (let t = 0; t < T; t++) {
      const a = f(t * invFreq);
      cos[t * half + i] = Math.cos(a);
      sin[t * half + i] = Math.sin(a);
    }
  }
  return { cos, sin };
}

/**
 * DeepSeek's apply_rotary_pos_emb on one head's rope part v [dr] at position t. First the
 * interleaved pairs are de-interleaved (view(dr/2, 2).transpose → evens then odds), then
 * rotate_half: out[i] = e_i·cos − o_i·sin, out[i + dr/2] = o_i·cos + e_i·sin with e_i = v[2i],
 * o_i = v[2i+1]. The result stays in that de-interleaved order, as in the model (q and k alike,
 * so dot products are what interleaved RoPE would give).
 */
export function applyRope(v: ArrayLike<number>, rope: { cos: Float32Array; sin: Float32Array }, t: number): Float32Array {
  const dr = v.length;
  const half = dr / 2;
  const out = new Float32Array(dr);
  for (let i = 0; i < half; i++) {
    const e = v[2 * i]!;
    const o = v[2 * i + 1]!;
    const c = rope.cos[t * half + i]!;
    const s = rope.sin[t * half + i]!;
    out[i] = e * c - o * s;
    out[i + half] = o * c + e * s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Feed-forward: dense MLP, routed experts

/** DeepseekV3MLP: down_proj(silu(gate_proj(x)) · up_proj(x)), x [T, H] → [T, H]. */
export function mlp(weights: WeightSource, prefix: string, x: Float32Array, T: number): Float32Array {
  const get = (name: string) => weights.get(`language_model.${prefix}.${name}`);
  const gate = linear(x, T, get('gate_proj.weight'));
  const up = linear(x, T, get('up_proj.weight'));
  for (let i = 0; i < gate.length; i++) gate[i] = Math.fround(silu(gate[i]!)) * up[i]!;
  return linear(gate, T, get('down_proj.weight'));
}

/** One token's routing decision. */
export interface ExpertChoice {
  /** K expert ids, best choice score first. */
  experts: number[];
  /** Their weights. */
  weights: number[];
  /** The groups kept (topk_group of them), best group score first. */
  groups: number[];
}

/**
 * MoEGate with scoring_func "sigmoid", topk_method "noaux_tc", for one token's router logits [E]:
 * 1. scores = sigmoid(logits); choice = scores + e_score_correction_bias;
 * 2. each of the n_group groups (consecutive experts) scores the sum of its two best choice scores;
 *    the topk_group best groups are kept;
 * 3. experts in dropped groups cannot be chosen: DeepSeek-V3's inference/model.py (Gate.forward)
 *    fills their scores with −inf, as vLLM and SGLang do. (modeling_deepseek.py fills them with
 *    0.0 instead, which lets a dropped expert win over a kept expert whose choice score is
 *    negative; the release's own reference is followed here.)
 * 4. the K best (masked) choice scores pick the experts;
 * 5. weights = the un-biased scores of those experts; if norm_topk_prob, divided by
 *    (their sum + 1e−20) — for any K, as inference/model.py divides sigmoid weights always
 *    (modeling_deepseek.py skips it when K = 1); times routed_scaling_factor.
 * Ties (which torch.topk leaves unspecified) go to the lower index.
 */
export function selectExperts(logits: ArrayLike<number>, bias: ArrayLike<number>, text: TextConfig): ExpertChoice {
  const E = text.n_routed_experts;
  const K = text.num_experts_per_tok;
  const f = Math.fround;
  const scores: number[] = [];
  const choice: number[] = [];
  for (let e = 0; e < E; e++) {
    scores.push(f(sigmoid(logits[e]!)));
    choice.push(f(scores[e]! + bias[e]!));
  }
  const perGroup = E / text.n_group;
  const groupScore: number[] = [];
  for (let g = 0; g < text.n_group; g++) {
    const inGroup = choice.slice(g * perGroup, (g + 1) * perGroup).sort((a, b) => b - a);
    groupScore.push(f(inGroup[0]! + (inGroup[1] ?? 0)));
  }
  const groups = topIndices(groupScore, text.topk_group);
  const kept = new Set(groups);
  const masked = choice.map((v, e) => (kept.has(Math.floor(e / perGroup)) ? v : -Infinity));
  const experts = topIndices(masked, K);
  let weights = experts.map((e) => scores[e]!);
  if (text.norm_topk_prob) {
    const sum = weights.reduce((a, b) => a + b, 0) + 1e-20;
    weights = weights.map((w) => f(w / sum));
  }
  weights = weights.map((w) => f(w * text.routed_scaling_factor));
  return { experts, weights, groups };
}

/** Indices of the k largest values, largest first, the lower index first among equals. */
function topIndices(values: readonly number[], k: number): number[] {
  return values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

/**
 * DeepseekV3MoE for one layer over x [T, H]: Σₖ wₖ · expertₖ(x) + shared_experts(x), the
 * experts chosen per token by selectExperts from the gate's logits x·W_gateᵀ (float32).
 */
export function moeForward(weights: WeightSource, text: TextConfig, layer: number, x: Float32Array, T: number): { out: Float32Array; routing: LayerRouting } {
  const prefix = `model.layers.${layer}.mlp`;
  const get = (name: string) => weights.get(`language_model.${prefix}.${name}`);
  const H = text.hidden_size;
  const E = text.n_routed_experts;
  const K = text.num_experts_per_tok;
  const logits = linear(x, T, get('gate.weight')); // [T, E]
  const bias = get('gate.e_score_correction_bias').data; // [E]

  const routing: LayerRouting = { layer, experts: new Int32Array(T * K), weights: new Float32Array(T * K), scores: new Float32Array(T * E) };
  const out = new Float32Array(T * H);
  for (let t = 0; t < T; t++) {
    const row = logits.subarray(t * E, (t + 1) * E);
    for (let e = 0; e < E; e++) routing.scores[t * E + e] = sigmoid(row[e]!);
    const choice = selectExperts(row, bias, text);
    const token = x.subarray(t * H, (t + 1) * H);
    const acc = new Float64Array(H);
    choice.experts.forEach((e, k) => {
      routing.experts[t * K + k] = e;
      routing.weights[t * K + k] = choice.weights[k]!;
      const y = mlp(weights, `${prefix}.experts.${e}`, token, 1);
      for (let i = 0; i < H; i++) acc[i] = acc[i]! + choice.weights[k]! * y[i]!;
    });
    for (let i = 0; i < H; i++) out[t * H + i] = acc[i]!;
  }
  if (text.n_shared_experts > 0) addInPlace(out, mlp(weights, `${prefix}.shared_experts`, x, T));
  return { out, routing };
}

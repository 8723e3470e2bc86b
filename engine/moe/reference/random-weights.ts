// Tiny random models for the reference's tests: a config and seeded random weights held in
// memory behind a WeightSource, under exactly the Hugging Face tensor names a Kimi-VL checkpoint
// uses. Independent of the checkpoint reader and generator (engine/moe/checkpoint.ts).
import { isMoeLayer, parseModelConfig, type ModelConfig } from '../config.ts';
import { sizeOf, type Tensor, type WeightSource } from '../tensor.ts';

/** A WeightSource over tensors in memory. */
export class MemoryWeights implements WeightSource {
  readonly tensors = new Map<string, Tensor>();
  has(name: string) {
    return this.tensors.has(name);
  }
  get(name: string): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`weight ${name} is missing`);
    return t;
  }
  set(name: string, tensor: Tensor) {
    if (tensor.data.length !== sizeOf(tensor.shape)) throw new Error(`weight ${name}: ${tensor.data.length} values for shape [${tensor.shape}]`);
    this.tensors.set(name, tensor);
  }
}

/** A seeded generator: mulberry32 for uniforms, Box–Muller for normals. */
export class Rng {
  private state: number;
  private spare: number | undefined;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

export interface TinyConfigOptions {
  /** Rank of the query's low-rank projection; null: one q_proj (the default). */
  qLoraRank?: number | null;
  withVision?: boolean;
  normTopkProb?: boolean;
  numExpertsPerTok?: number;
}

/** A tiny Kimi-VL-shaped config (parsed and checked like a real config.json). */
export function tinyConfig(opts: TinyConfigOptions = {}): ModelConfig {
  const json = {
    text_config: {
      vocab_size: 96,
      hidden_size: 32,
      intermediate_size: 48,
      moe_intermediate_size: 16,
      num_hidden_layers: 3,
      num_attention_heads: 2,
      n_routed_experts: 8,
      n_shared_experts: 1,
      num_experts_per_tok: opts.numExpertsPerTok ?? 3,
      first_k_dense_replace: 1,
      moe_layer_freq: 1,
      q_lora_rank: opts.qLoraRank === undefined ? null : opts.qLoraRank,
      kv_lora_rank: 12,
      qk_nope_head_dim: 8,
      qk_rope_head_dim: 6,
      v_head_dim: 10,
      scoring_func: 'sigmoid',
      topk_method: 'noaux_tc',
      routed_scaling_factor: 2.5,
      norm_topk_prob: opts.normTopkProb ?? true,
      n_group: 4,
      topk_group: 2,
      hidden_act: 'silu',
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      rope_scaling: null,
      max_position_embeddings: 512,
      tie_word_embeddings: false,
    },
    ...(opts.withVision === false
      ? {}
      : {
          vision_config: {
            patch_size: 14,
            init_pos_emb_height: 5,
            init_pos_emb_width: 4,
            num_attention_heads: 2,
            num_hidden_layers: 2,
            hidden_size: 16,
            intermediate_size: 24,
            merge_kernel_size: [2, 2],
          },
          media_placeholder_token_id: 95,
        }),
  };
  return parseModelConfig(json, 'tiny config');
}

/** Every tensor a model of this config has, with its shape, by Hugging Face name. */
export function modelTensorShapes(config: ModelConfig): { name: string; shape: number[] }[] {
  const t = config.text_config;
  const H = t.hidden_size;
  const dq = t.qk_nope_head_dim + t.qk_rope_head_dim;
  const nH = t.num_attention_heads;
  const out: { name: string; shape: number[] }[] = [];
  const add = (name: string, ...shape: number[]) => out.push({ name, shape });
  const L = 'language_model.';
  add(`${L}model.embed_tokens.weight`, t.vocab_size, H);
  const mlp = (p: string, width: number) => {
    add(`${p}.gate_proj.weight`, width, H);
    add(`${p}.up_proj.weight`, width, H);
    add(`${p}.down_proj.weight`, H, width);
  };
  for (let i = 0; i < t.num_hidden_layers; i++) {
    const p = `${L}model.layers.${i}`;
    add(`${p}.input_layernorm.weight`, H);
    add(`${p}.post_attention_layernorm.weight`, H);
    if (t.q_lora_rank === null) add(`${p}.self_attn.q_proj.weight`, nH * dq, H);
    else {
      add(`${p}.self_attn.q_a_proj.weight`, t.q_lora_rank, H);
      add(`${p}.self_attn.q_a_layernorm.weight`, t.q_lora_rank);
      add(`${p}.self_attn.q_b_proj.weight`, nH * dq, t.q_lora_rank);
    }
    add(`${p}.self_attn.kv_a_proj_with_mqa.weight`, t.kv_lora_rank + t.qk_rope_head_dim, H);
    add(`${p}.self_attn.kv_a_layernorm.weight`, t.kv_lora_rank);
    add(`${p}.self_attn.kv_b_proj.weight`, nH * (t.qk_nope_head_dim + t.v_head_dim), t.kv_lora_rank);
    add(`${p}.self_attn.o_proj.weight`, H, nH * t.v_head_dim);
    if (isMoeLayer(t, i)) {
      add(`${p}.mlp.gate.weight`, t.n_routed_experts, H);
      add(`${p}.mlp.gate.e_score_correction_bias`, t.n_routed_experts);
      for (let e = 0; e < t.n_routed_experts; e++) mlp(`${p}.mlp.experts.${e}`, t.moe_intermediate_size);
      if (t.n_shared_experts > 0) mlp(`${p}.mlp.shared_experts`, t.moe_intermediate_size * t.n_shared_experts);
    } else mlp(`${p}.mlp`, t.intermediate_size);
  }
  add(`${L}model.norm.weight`, H);
  add(`${L}lm_head.weight`, t.vocab_size, H);

  const v = config.vision_config;
  if (v) {
    const C = v.hidden_size;
    const V = 'vision_tower.';
    add(`${V}patch_embed.proj.weight`, C, 3, v.patch_size, v.patch_size);
    add(`${V}patch_embed.proj.bias`, C);
    add(`${V}patch_embed.pos_emb.weight`, v.init_pos_emb_height, v.init_pos_emb_width, C);
    for (let b = 0; b < v.num_hidden_layers; b++) {
      const p = `${V}encoder.blocks.${b}`;
      for (const n of ['norm0', 'norm1']) {
        add(`${p}.${n}.weight`, C);
        add(`${p}.${n}.bias`, C);
      }
      add(`${p}.wqkv.weight`, 3 * C, C);
      add(`${p}.wqkv.bias`, 3 * C);
      add(`${p}.wo.weight`, C, C);
      add(`${p}.wo.bias`, C);
      add(`${p}.mlp.fc0.weight`, v.intermediate_size, C);
      add(`${p}.mlp.fc0.bias`, v.intermediate_size);
      add(`${p}.mlp.fc1.weight`, C, v.intermediate_size);
      add(`${p}.mlp.fc1.bias`, C);
    }
    add(`${V}encoder.final_layernorm.weight`, C);
    add(`${V}encoder.final_layernorm.bias`, C);
    const M = C * v.merge_kernel_size[0] * v.merge_kernel_size[1];
    add('multi_modal_projector.pre_norm.weight', C);
    add('multi_modal_projector.pre_norm.bias', C);
    add('multi_modal_projector.linear_1.weight', M, M);
    add('multi_modal_projector.linear_1.bias', M);
    add('multi_modal_projector.linear_2.weight', H, M);
    add('multi_modal_projector.linear_2.bias', H);
  }
  return out;
}

/**
 * Seeded random weights for every tensor of the config: matrices N(0, 1/fan_in) so activations
 * stay near unit size, norm weights 1 + N(0, 0.1²), biases N(0, 0.05²), embeddings N(0, 1),
 * correction biases uniform in [0, 0.1) (non-negative, so every choice score stays positive and
 * the masked-to-0.0 quirk of the gate never fires by accident).
 */
export function randomWeights(config: ModelConfig, seed: number): MemoryWeights {
  const rng = new Rng(seed);
  const weights = new MemoryWeights();
  for (const { name, shape } of modelTensorShapes(config)) {
    const data = new Float32Array(sizeOf(shape));
    const isNorm = /norm[^.]*\.weight$|layernorm\.weight$/.test(name);
    if (name.endsWith('e_score_correction_bias')) for (let i = 0; i < data.length; i++) data[i] = 0.1 * rng.uniform();
    else if (isNorm) for (let i = 0; i < data.length; i++) data[i] = 1 + 0.1 * rng.normal();
    else if (name.endsWith('.bias')) for (let i = 0; i < data.length; i++) data[i] = 0.05 * rng.normal();
    else if (name.endsWith('embed_tokens.weight') || name.endsWith('pos_emb.weight')) for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    else {
      const fanIn = sizeOf(shape.slice(1));
      const sd = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < data.length; i++) data[i] = sd * rng.normal();
    }
    weights.set(name, { shape, data });
  }
  return weights;
}

/** A seeded random RGBA picture [height, width, 4] with smooth structure plus noise. */
export function randomImage(width: number, height: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const px = new Uint8Array(width * height * 4);
  const fx = [rng.uniform() * 0.3, rng.uniform() * 0.3, rng.uniform() * 0.3];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 4; c++) {
        const base = c === 3 ? 255 : 128 + 90 * Math.sin(fx[c]! * x + 0.2 * c * y) + 30 * (rng.uniform() - 0.5);
        px[(y * width + x) * 4 + c] = Math.max(0, Math.min(255, Math.round(base)));
      }
  return px;
}

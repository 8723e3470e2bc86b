// Tiny random models for the reference's tests: a config and seeded random weights held in
// memory behind a WeightSource, under exactly the Hugging Face tensor names a Kimi-VL checkpoint
// uses: the list the checkpoint module derives from the config.
import { checkpointTensors } from '../../../engine/moe/checkpoint.ts';
import { SeededRandom } from '../../../engine/moe/random.ts';
import { parseModelConfig, type ModelConfig } from '../../../engine/moe/config.ts';
import { sizeOf, type Tensor, type WeightSource } from '../../../engine/moe/tensor.ts';

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

/**
 * Seeded random weights for every tensor of the config: matrices N(0, 1/fan_in) so activations
 * stay near unit size, norm weights 1 + N(0, 0.1²), biases N(0, 0.05²), embeddings N(0, 1),
 * correction biases uniform in [0, 0.1) (non-negative, so every choice score stays positive and
 * the masked-to-0.0 quirk of the gate never fires by accident).
 */
export function randomWeights(config: ModelConfig, seed: number): MemoryWeights {
  const rng = new SeededRandom(seed);
  const weights = new MemoryWeights();
  for (const { name, shape } of checkpointTensors(config)) {
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
  const rng = new SeededRandom(seed);
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

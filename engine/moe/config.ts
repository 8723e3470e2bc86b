// The architecture of a Kimi-VL / Kimi-K2.5-style vision-language model: a MoonViT-style vision
// encoder, a projector, and a DeepSeek-V3-style MoE decoder. Read from a Hugging Face
// `config.json` (field names as the checkpoints write them) and checked, so that a model that
// cannot run here is refused with what is wrong before any weight is read.
import { z } from 'zod';
import { LoupeError } from '../errors.ts';

const positiveInt = z.number().int().positive();

/** The decoder: DeepSeek-V3 layout (MLA attention, dense first layers, sigmoid-routed experts). */
export const TextConfig = z.object({
  vocab_size: positiveInt,
  hidden_size: positiveInt,
  /** Width of the dense MLP of the first `first_k_dense_replace` layers. */
  intermediate_size: positiveInt,
  /** Width of one routed (and one shared) expert. */
  moe_intermediate_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  n_routed_experts: positiveInt,
  n_shared_experts: z.number().int().nonnegative(),
  num_experts_per_tok: positiveInt,
  first_k_dense_replace: z.number().int().nonnegative(),
  moe_layer_freq: positiveInt.default(1),
  /** Rank of the query's low-rank projection; null: one q_proj. */
  q_lora_rank: positiveInt.nullable(),
  kv_lora_rank: positiveInt,
  qk_nope_head_dim: positiveInt,
  qk_rope_head_dim: positiveInt,
  v_head_dim: positiveInt,
  scoring_func: z.literal('sigmoid'),
  topk_method: z.literal('noaux_tc').default('noaux_tc'),
  routed_scaling_factor: z.number().positive(),
  norm_topk_prob: z.boolean(),
  n_group: positiveInt,
  topk_group: positiveInt,
  hidden_act: z.literal('silu').default('silu'),
  rms_norm_eps: z.number().positive(),
  rope_theta: z.number().positive(),
  rope_scaling: z.null().optional(),
  max_position_embeddings: positiveInt,
  tie_word_embeddings: z.boolean().default(false),
  bos_token_id: z.number().int().nonnegative().optional(),
  eos_token_id: z.number().int().nonnegative().optional(),
});

/** The vision encoder: 14-px patches, learned 2-D position embeddings, 2-D RoPE, 2×2 patch merge. */
export const VisionConfig = z.object({
  patch_size: positiveInt,
  init_pos_emb_height: positiveInt,
  init_pos_emb_width: positiveInt,
  num_attention_heads: positiveInt,
  num_hidden_layers: positiveInt,
  hidden_size: positiveInt,
  intermediate_size: positiveInt,
  merge_kernel_size: z.tuple([positiveInt, positiveInt]),
});

export const ModelConfig = z.object({
  text_config: TextConfig,
  vision_config: VisionConfig.optional(),
  /** The token each image's merged patches replace, one per merged patch. */
  media_placeholder_token_id: z.number().int().nonnegative().optional(),
});

export type TextConfig = z.infer<typeof TextConfig>;
export type VisionConfig = z.infer<typeof VisionConfig>;
export type ModelConfig = z.infer<typeof ModelConfig>;

/** Checks a parsed config.json; `where` names the file in messages. */
export function parseModelConfig(json: unknown, where: string): ModelConfig {
  const parsed = ModelConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LoupeError(
      'MODEL_UNSUPPORTED',
      `${where}: ${issue.path.join('.') || 'the file'} ${issue.message.toLowerCase()}. Loupe runs Kimi-VL / DeepSeek-V3-style models (config.json with text_config and vision_config).`,
    );
  }
  const c = parsed.data;
  const t = c.text_config;
  const problems: string[] = [];
  if (t.num_experts_per_tok > t.n_routed_experts) problems.push(`num_experts_per_tok (${t.num_experts_per_tok}) exceeds n_routed_experts (${t.n_routed_experts})`);
  if (t.n_routed_experts % t.n_group !== 0) problems.push(`n_routed_experts (${t.n_routed_experts}) is not a multiple of n_group (${t.n_group})`);
  if (t.topk_group > t.n_group) problems.push(`topk_group (${t.topk_group}) exceeds n_group (${t.n_group})`);
  if (t.qk_rope_head_dim % 2 !== 0) problems.push(`qk_rope_head_dim (${t.qk_rope_head_dim}) is odd`);
  if (t.first_k_dense_replace > t.num_hidden_layers) problems.push(`first_k_dense_replace (${t.first_k_dense_replace}) exceeds num_hidden_layers (${t.num_hidden_layers})`);
  const v = c.vision_config;
  if (v) {
    if (v.hidden_size % v.num_attention_heads !== 0) problems.push(`vision hidden_size (${v.hidden_size}) is not a multiple of its heads (${v.num_attention_heads})`);
    else if ((v.hidden_size / v.num_attention_heads) % 4 !== 0) problems.push('the vision head size is not a multiple of 4 (2-D rotary positions need it)');
    if (c.media_placeholder_token_id === undefined) problems.push('media_placeholder_token_id is missing (images need it)');
  }
  if (problems.length) throw new LoupeError('MODEL_UNSUPPORTED', `${where}: ${problems.join('; ')}.`);
  return c;
}

/** Whether decoder layer `layer` (0-based) routes to experts rather than one dense MLP. */
export const isMoeLayer = (t: TextConfig, layer: number) => layer >= t.first_k_dense_replace && layer % t.moe_layer_freq === 0;

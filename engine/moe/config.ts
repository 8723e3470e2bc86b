// The architecture of a Kimi-VL / Kimi-K2.5-style vision-language model: a MoonViT-style vision
// encoder, a projector, and a DeepSeek-V3-style MoE decoder. Read from a Hugging Face
// `config.json` (field names as the checkpoints write them) and checked, so that a model that
// cannot run here is refused with what is wrong before any weight is read.
//
// Two layouts are published: nested (Kimi-VL, Kimi-K2.5: the decoder under `text_config`, beside
// `vision_config`) and flat (DeepSeek-V3, Kimi-K2: the decoder's keys at the top level, no
// vision). Both are read into the nested shape, so the rest of the engine sees one.
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
  rope_scaling: z.lazy(() => YarnScaling).nullable().optional(),
  max_position_embeddings: positiveInt,
  tie_word_embeddings: z.boolean().default(false),
  bos_token_id: z.number().int().nonnegative().optional(),
  eos_token_id: z.number().int().nonnegative().optional(),
  /** Multi-token-prediction layers stored after the decoder's (`layers.<num_hidden_layers>…`); Loupe leaves them out. */
  num_nextn_predict_layers: z.number().int().nonnegative().default(0),
});

/**
 * YaRN, as DeepSeek-V3 and Kimi K2 publish it. Every key is required: the published codes
 * default the missing ones differently (HF's mscale_all_dim defaults to 0, the reference has
 * no such key), so a config without one is ambiguous.
 */
export const YarnScaling = z
  .object({
    type: z.literal('yarn').optional(),
    rope_type: z.literal('yarn').optional(),
    factor: z.number().positive(),
    original_max_position_embeddings: positiveInt,
    beta_fast: z.number().positive(),
    beta_slow: z.number().positive(),
    mscale: z.number(),
    mscale_all_dim: z.number(),
  })
  .refine((r) => r.type === 'yarn' || r.rope_type === 'yarn', { message: 'is not yarn scaling (Loupe runs rope_scaling type "yarn" or none)' });

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
export type YarnScaling = z.infer<typeof YarnScaling>;
/** A text config as written, before defaults are filled in. */
export type TextConfigInput = z.input<typeof TextConfig>;
export type VisionConfig = z.infer<typeof VisionConfig>;
export type ModelConfig = z.infer<typeof ModelConfig>;

/** The model_type of a flat config (the decoder alone) Loupe reads. */
export const FLAT_MODEL_TYPES = ['deepseek_v3', 'kimi_k2'] as const;

export type ConfigLayout = 'flat' | 'nested';

/** Flat when the decoder's keys are at the top level (DeepSeek-V3, Kimi K2), nested when under `text_config`. */
export function configLayout(json: unknown): ConfigLayout {
  return typeof json === 'object' && json !== null && 'text_config' in json ? 'nested' : 'flat';
}

/** Checks a parsed config.json, flat or nested, and gives it in the nested shape; `where` names the file in messages. */
export function parseModelConfig(json: unknown, where: string): ModelConfig {
  const flat = configLayout(json) === 'flat';
  if (flat && typeof json === 'object' && json !== null && 'model_type' in json) {
    const type = (json as { model_type: unknown }).model_type;
    if (!(FLAT_MODEL_TYPES as readonly unknown[]).includes(type)) {
      throw new LoupeError('MODEL_UNSUPPORTED', `${where}: model_type ${JSON.stringify(type)} without text_config; Loupe reads a flat config.json of ${FLAT_MODEL_TYPES.join(' or ')}, or a nested one (text_config, vision_config).`);
    }
  }
  const parsed = ModelConfig.safeParse(flat ? { text_config: json } : json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = (flat ? issue.path.slice(1) : issue.path).join('.');
    throw new LoupeError(
      'MODEL_UNSUPPORTED',
      `${where}: ${path || 'the file'} ${issue.message.toLowerCase()}. Loupe runs Kimi-VL / Kimi K2 / DeepSeek-V3-style models (config.json flat, or with text_config and vision_config).`,
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
  // Group-limited routing ranks a group by its two best experts' scores.
  if (t.n_group > 1 && t.n_routed_experts / t.n_group < 2) problems.push(`n_group (${t.n_group}) leaves fewer than 2 experts a group`);
  const y = t.rope_scaling;
  // DeepSeek-V3's inference/model.py scales attention by one mscale; HF's modeling_deepseek and
  // vLLM also scale cos/sin by yarn_get_mscale(mscale) / yarn_get_mscale(mscale_all_dim). The
  // two agree only when mscale equals mscale_all_dim (as in every published config), so any
  // other config would run differently depending on whose code is followed.
  // Below 1 the reference's mscale shrinks while HF's yarn_get_mscale stays 1: another disagreement.
  if (y && y.factor < 1) problems.push(`rope_scaling's factor (${y.factor}) is below 1`);
  if (y && y.mscale !== y.mscale_all_dim) problems.push(`rope_scaling's mscale (${y.mscale}) differs from mscale_all_dim (${y.mscale_all_dim}), where DeepSeek-V3's reference and Hugging Face's code disagree`);
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

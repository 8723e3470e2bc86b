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

/** K2.5's MoonViT3d names its vision keys `vt_*` (vt_hidden_size, vt_num_hidden_layers, …); Kimi-VL's MoonViT does not. */
export const hasMoonVit3dKeys = (vision: unknown): boolean => typeof vision === 'object' && vision !== null && !Array.isArray(vision) && Object.keys(vision).some((k) => k.startsWith('vt_'));

/**
 * Kimi K2.5's MoonViT3d, as its config.json writes it: the tower's own sizes prefixed `vt_`, and
 * keys for video chunks. It is MoonViT with two additions for a chunk of T frames (T ≤
 * init_pos_emb_time): each frame's patches also get a fixed sin/cos time embedding, and the frames'
 * patches are averaged before the 2×2 merge (merge_type sd2_tpool). Read into the same internal
 * VisionConfig, with `init_pos_emb_time` set. The keys that would change the tower or projector
 * (vLLM reads them with these defaults) are accepted only at the value Loupe runs.
 */
const MoonVit3dConfig = z
  .object({
    patch_size: positiveInt,
    init_pos_emb_height: positiveInt,
    init_pos_emb_width: positiveInt,
    init_pos_emb_time: positiveInt,
    vt_num_attention_heads: positiveInt,
    vt_num_hidden_layers: positiveInt,
    vt_hidden_size: positiveInt,
    vt_intermediate_size: positiveInt,
    merge_kernel_size: z.tuple([positiveInt, positiveInt]),
    merge_type: z.literal('sd2_tpool').default('sd2_tpool'),
    pos_emb_type: z.literal('divided_fixed').default('divided_fixed'),
    video_attn_type: z.literal('spatial_temporal').default('spatial_temporal'),
    mm_projector_type: z.literal('patchmerger').default('patchmerger'),
    projector_hidden_act: z.literal('gelu').default('gelu'),
    // vLLM's patchmerger projector builds its pre_norm with eps 1e-5 whatever this says.
    projector_ln_eps: z.literal(1e-5).default(1e-5),
    norm_type: z.literal('layernorm').optional(),
    mlp_type: z.literal('mlp2').optional(),
    activation_func: z.literal('gelu_pytorch_tanh').optional(),
    pos_emb_interpolation_mode: z.literal('bicubic').optional(),
    attn_bias: z.literal(true).optional(),
    linear_bias: z.literal(true).optional(),
    patch_embed_proj_bias: z.literal(true).optional(),
    qkv_hidden_size: positiveInt.nullable().optional(),
    /** The decoder's width the projector writes; checked against text_config. */
    text_hidden_size: positiveInt.optional(),
  })
  .refine((v) => v.qkv_hidden_size == null || v.qkv_hidden_size === v.vt_hidden_size, { message: 'qkv_hidden_size differs from vt_hidden_size (Loupe runs attention as wide as the tower)' })
  .transform((v): VisionConfig => ({
    patch_size: v.patch_size,
    init_pos_emb_height: v.init_pos_emb_height,
    init_pos_emb_width: v.init_pos_emb_width,
    num_attention_heads: v.vt_num_attention_heads,
    num_hidden_layers: v.vt_num_hidden_layers,
    hidden_size: v.vt_hidden_size,
    intermediate_size: v.vt_intermediate_size,
    merge_kernel_size: v.merge_kernel_size,
    init_pos_emb_time: v.init_pos_emb_time,
    ...(v.text_hidden_size === undefined ? {} : { text_hidden_size: v.text_hidden_size }),
  }));

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
export type VisionConfig = z.infer<typeof VisionConfig> & {
  /**
   * MoonViT3d (Kimi K2.5) only: the most frames a video chunk may have; each frame's patches get
   * a fixed sin/cos time embedding and the frames are averaged before the merge. Absent: Kimi-VL's
   * MoonViT, which takes single images.
   */
  init_pos_emb_time?: number;
  /** MoonViT3d only, when its config says: the decoder width its projector writes. */
  text_hidden_size?: number;
};
export type ModelConfig = Omit<z.infer<typeof ModelConfig>, 'vision_config'> & { vision_config?: VisionConfig };

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
      throw new LoupeError('MODEL_UNSUPPORTED', `${where}: model_type ${JSON.stringify(type)} without text_config; Loupe reads a flat config.json of ${FLAT_MODEL_TYPES.join(' or ')}, or a nested one (text_config, vision_config). For another model, use a model server (--backend openai).`);
    }
  }
  const nested = flat ? { text_config: json } : json;
  const moonVit3d = !flat && hasMoonVit3dKeys((json as { vision_config?: unknown }).vision_config);
  const parsed = (moonVit3d ? ModelConfig.extend({ vision_config: MoonVit3dConfig }) : ModelConfig).safeParse(nested);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = (flat ? issue.path.slice(1) : issue.path).join('.');
    throw new LoupeError(
      'MODEL_UNSUPPORTED',
      `${where}: ${path || 'the file'} ${issue.message.toLowerCase()}. Loupe runs Kimi-VL / Kimi K2 / DeepSeek-V3-style models (config.json flat, or with text_config and vision_config).`,
    );
  }
  const c = parsed.data as ModelConfig;
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
    if (v.text_hidden_size !== undefined && v.text_hidden_size !== t.hidden_size) problems.push(`vision_config's text_hidden_size (${v.text_hidden_size}) differs from the decoder's hidden_size (${t.hidden_size})`);
    if (c.media_placeholder_token_id === undefined) problems.push('media_placeholder_token_id is missing (images need it)');
  }
  if (problems.length) throw new LoupeError('MODEL_UNSUPPORTED', `${where}: ${problems.join('; ')}.`);
  return c;
}

/** Whether decoder layer `layer` (0-based) routes to experts rather than one dense MLP. */
export const isMoeLayer = (t: TextConfig, layer: number) => layer >= t.first_k_dense_replace && layer % t.moe_layer_freq === 0;

// Random checkpoints in the Kimi-VL Hugging Face layout (engine/moe/checkpoint.ts), for tests
// and for the converter to chew on: deterministic from a seed, each tensor's values independent
// of what else is generated.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkpointTensors, INDEX_FILE } from '../../engine/moe/checkpoint.ts';
import { parseModelConfig, type ModelConfig, type TextConfigInput, type VisionConfig } from '../../engine/moe/config.ts';
import { SafetensorsWriter, byteSizeOf, f32ToBf16, type TensorSpec } from '../../engine/moe/safetensors.ts';
import { SeededRandom } from '../../engine/moe/random.ts';
import { checkpointNaming } from '../../engine/moe/tensor-names.ts';

/** A generator for one tensor, from the seed and the tensor's name, so its values do not depend on what else is generated. */
export function tensorRandom(seed: number, name: string): SeededRandom {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return new SeededRandom(h ^ Math.imul(seed >>> 0, 0x9e3779b1));
}

/**
 * Initial values for a random model. Linear and conv weights are N(0, 1/fan_in) so every block
 * adds to the residual stream at order one: a skipped expert, a wrong norm or a swapped head in
 * a runtime then changes the logits visibly. Norm weights are ≈ 1, biases and the router's
 * correction bias small, embeddings N(0, 1).
 */
export function initialValues(name: string, shape: readonly number[], seed: number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const random = tensorRandom(seed, name);
  if (name.endsWith('e_score_correction_bias')) return random.normals(out, 0.05);
  if (/norm\d?\.weight$|layernorm\.weight$/.test(name)) return random.normals(out, 0.05, 1);
  if (name.endsWith('.bias')) return random.normals(out, 0.02);
  if (name.endsWith('embed_tokens.weight')) return random.normals(out, 1);
  if (name.endsWith('pos_emb.weight')) return random.normals(out, 0.5);
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  return random.normals(out, 1 / Math.sqrt(fanIn));
}

/** The dtype a real checkpoint stores a tensor in: BF16, except the router's correction bias (F32). */
export const checkpointDtype = (name: string): 'F32' | 'BF16' => (name.endsWith('e_score_correction_bias') ? 'F32' : 'BF16');

/** The tiny model: every feature of the architecture at the smallest size that still exercises it. */
export function tinyConfigJson(options: { qLoraRank?: number | null; vocabSize?: number; mediaPlaceholderTokenId?: number; vision?: boolean | 'moonvit3d' } = {}): Record<string, unknown> {
  const vocab = options.vocabSize ?? 1024;
  // Kimi keeps its special tokens in the last 256 ids; `<|media_pad|>` is the 22nd of them.
  const special = vocab > 256 ? vocab - 256 : 0;
  const text: TextConfigInput & Record<string, unknown> = {
    model_type: 'deepseek_v3',
    vocab_size: vocab,
    hidden_size: 64,
    intermediate_size: 96,
    moe_intermediate_size: 32,
    num_hidden_layers: 3,
    num_attention_heads: 4,
    num_key_value_heads: 4,
    n_routed_experts: 8,
    n_shared_experts: 1,
    num_experts_per_tok: 2,
    first_k_dense_replace: 1,
    moe_layer_freq: 1,
    q_lora_rank: options.qLoraRank === undefined ? null : options.qLoraRank,
    kv_lora_rank: 32,
    qk_nope_head_dim: 16,
    qk_rope_head_dim: 8,
    v_head_dim: 16,
    scoring_func: 'sigmoid',
    topk_method: 'noaux_tc',
    routed_scaling_factor: 2.5,
    norm_topk_prob: true,
    n_group: 2,
    topk_group: 1,
    hidden_act: 'silu',
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    rope_scaling: null,
    max_position_embeddings: 2048,
    tie_word_embeddings: false,
    attention_bias: false,
    bos_token_id: special,
    eos_token_id: special + 1,
    pad_token_id: 0,
    torch_dtype: 'bfloat16',
  };
  const vision: VisionConfig & Record<string, unknown> = {
    model_type: 'moonvit',
    patch_size: 14,
    init_pos_emb_height: 8,
    init_pos_emb_width: 8,
    num_attention_heads: 2,
    num_hidden_layers: 2,
    hidden_size: 32,
    intermediate_size: 64,
    merge_kernel_size: [2, 2],
    torch_dtype: 'bfloat16',
  };
  if (options.vision === 'moonvit3d') {
    // Kimi K2.5's layout: the same tower written with MoonViT3d's keys (vt_*, the chunk's frames,
    // temporal pooling), and its projector named mm_projector.* (tensor-names.ts).
    const { model_type: _, torch_dtype: __, num_attention_heads, num_hidden_layers, hidden_size, intermediate_size, ...shared } = vision;
    return {
      architectures: ['KimiK25ForConditionalGeneration'],
      model_type: 'kimi_k25',
      text_config: text,
      vision_config: {
        ...shared,
        init_pos_emb_time: 4,
        merge_type: 'sd2_tpool',
        pos_emb_type: 'divided_fixed',
        video_attn_type: 'spatial_temporal',
        mm_projector_type: 'patchmerger',
        mm_hidden_size: hidden_size,
        projector_hidden_act: 'gelu',
        projector_ln_eps: 1e-5,
        text_hidden_size: text.hidden_size,
        vt_hidden_size: hidden_size,
        vt_intermediate_size: intermediate_size,
        vt_num_attention_heads: num_attention_heads,
        vt_num_hidden_layers: num_hidden_layers,
      },
      media_placeholder_token_id: options.mediaPlaceholderTokenId ?? special + 21,
      pad_token_id: 0,
      torch_dtype: 'bfloat16',
    };
  }
  return {
    architectures: ['KimiVLForConditionalGeneration'],
    model_type: 'kimi_vl',
    text_config: text,
    ...(options.vision === false ? {} : { vision_config: vision, media_placeholder_token_id: options.mediaPlaceholderTokenId ?? special + 21 }),
    ignore_index: -100,
    pad_token_id: 0,
    torch_dtype: 'bfloat16',
  };
}

export interface TestCheckpointOptions {
  size?: 'tiny';
  seed?: number;
  /** null (the default, as Kimi-VL-A3B): one q_proj; a rank: q_a_proj → q_a_layernorm → q_b_proj, as DeepSeek-V3 and Kimi K2. */
  qLoraRank?: number | null;
  /** Default 1024; match it to the tokenizer's. Ids follow Kimi's layout: the last 256 are special tokens. */
  vocabSize?: number;
  mediaPlaceholderTokenId?: number;
  /** false: a text-only model; 'moonvit3d': Kimi K2.5's vision (vt_* keys, mm_projector.* names). */
  vision?: boolean | 'moonvit3d';
  /** The whole config.json to write instead of the tiny one (a release's, scaled down: published-checkpoint.ts). */
  config?: Record<string, unknown>;
  /** Fields to replace in config.json (`text_config` and `vision_config` entries merge into the tiny ones). */
  configOverrides?: { text_config?: Record<string, unknown>; vision_config?: Record<string, unknown> };
  /** More than 1: sharded as model-0000i-of-0000n.safetensors with model.safetensors.index.json. */
  shards?: number;
  /** Writes the tokenizer files into the checkpoint directory (the tokenizer module's test writer, say). */
  tokenizer?: (dir: string) => unknown;
  /** Tokenizer files to copy in, by their own names. */
  tokenizerFiles?: readonly string[];
}

export interface WrittenCheckpoint {
  dir: string;
  config: ModelConfig;
  /** The safetensors files written, relative to dir. */
  files: string[];
  /** Bytes of tensor data. */
  bytes: number;
}

/**
 * Writes a random checkpoint in the Kimi-VL Hugging Face layout: config.json and BF16 weights
 * (the router's correction bias F32, as the real ones), deterministic from the seed.
 */
export async function writeTestCheckpoint(dir: string, options: TestCheckpointOptions = {}): Promise<WrittenCheckpoint> {
  const seed = options.seed ?? 1;
  const json = options.config ? structuredClone(options.config) : tinyConfigJson(options);
  const overrides = options.configOverrides ?? {};
  Object.assign(json.text_config as object, overrides.text_config);
  if (json.vision_config) Object.assign(json.vision_config as object, overrides.vision_config);
  const config = parseModelConfig(json, 'the test checkpoint configuration');

  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(json, null, 2) + '\n');
  const naming = checkpointNaming(json);
  const specs: TensorSpec[] = checkpointTensors(config).map(({ name, shape }) => ({ name: naming.toCheckpoint(name), shape, dtype: checkpointDtype(name) }));
  const total = specs.reduce((sum, s) => sum + byteSizeOf(s), 0);
  const shardCount = Math.max(1, Math.min(options.shards ?? 1, specs.length));
  // Cut into shards of about equal bytes, in checkpoint order, as save_pretrained does.
  const groups: TensorSpec[][] = Array.from({ length: shardCount }, () => []);
  let running = 0;
  for (const spec of specs) {
    groups[Math.min(shardCount - 1, Math.floor((running * shardCount) / total))]!.push(spec);
    running += byteSizeOf(spec);
  }
  const { files, weightMap } = writeRandomShards(dir, groups, seed);
  if (shardCount > 1) writeFileSync(join(dir, INDEX_FILE), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n');
  for (const file of options.tokenizerFiles ?? []) copyFileSync(file, join(dir, basename(file)));
  await options.tokenizer?.(dir);
  return { dir, config, files, bytes: total };
}

/**
 * Writes each group of tensors, random from the seed and each tensor's name, into its own shard
 * named as save_pretrained names them (`model.safetensors` alone); an empty group writes nothing.
 */
export function writeRandomShards(dir: string, groups: readonly TensorSpec[][], seed: number): { files: string[]; weightMap: Record<string, string> } {
  const files: string[] = [];
  const weightMap: Record<string, string> = {};
  for (const [i, group] of groups.entries()) {
    if (group.length === 0) continue;
    const file = groups.length === 1 ? 'model.safetensors' : `model-${String(i + 1).padStart(5, '0')}-of-${String(groups.length).padStart(5, '0')}.safetensors`;
    const writer = SafetensorsWriter.create(join(dir, file), group, { format: 'pt' });
    for (const spec of group) {
      const values = initialValues(spec.name, spec.shape, seed);
      const stored = spec.dtype === 'F32' ? values : f32ToBf16(values);
      writer.write(spec.name, new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength));
      weightMap[spec.name] = file;
    }
    writer.close();
    files.push(file);
  }
  return { files, weightMap };
}

// Hugging Face checkpoints in the Kimi-VL layout (config.json + safetensors, possibly sharded
// with model.safetensors.index.json), read lazily as a WeightSource after every tensor the
// config implies has been found with the right shape; and a generator of small random
// checkpoints in exactly that layout, for tests and for the converter to chew on.
//
// Tensor names follow the public modeling code: DeepSeek-V3's decoder under `language_model.`
// (MLA attention, dense first layers, MoEGate with e_score_correction_bias, routed and shared
// experts), MoonViT under `vision_tower.` and KimiVLMultiModalProjector under
// `multi_modal_projector.`.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LoupeError } from '../errors.ts';
import { isMoeLayer, parseModelConfig, type ModelConfig, type TextConfig, type VisionConfig } from './config.ts';
import { SafetensorsFile, SafetensorsWriter, byteSizeOf, f32ToBf16, type Dtype, type TensorSpec } from './safetensors.ts';
import type { Tensor, WeightSource } from './tensor.ts';
import { SeededRandom } from './random.ts';

export interface CheckpointTensor {
  name: string;
  shape: number[];
}

/**
 * Every tensor a model of this config has, by Hugging Face name, in checkpoint order: the
 * embedding, each decoder layer (attention, then its MLP, each expert's three projections
 * together), the final norm and head, then the vision tower and projector.
 */
export function checkpointTensors(config: ModelConfig): CheckpointTensor[] {
  const t = config.text_config;
  const out: CheckpointTensor[] = [];
  const add = (name: string, ...shape: number[]) => out.push({ name, shape });
  const H = t.hidden_size;
  const qHead = t.qk_nope_head_dim + t.qk_rope_head_dim;
  const mlp = (prefix: string, width: number) => {
    add(`${prefix}.gate_proj.weight`, width, H);
    add(`${prefix}.up_proj.weight`, width, H);
    add(`${prefix}.down_proj.weight`, H, width);
  };
  add('language_model.model.embed_tokens.weight', t.vocab_size, H);
  for (let i = 0; i < t.num_hidden_layers; i++) {
    const layer = `language_model.model.layers.${i}`;
    const attn = `${layer}.self_attn`;
    add(`${layer}.input_layernorm.weight`, H);
    if (t.q_lora_rank === null) add(`${attn}.q_proj.weight`, t.num_attention_heads * qHead, H);
    else {
      add(`${attn}.q_a_proj.weight`, t.q_lora_rank, H);
      add(`${attn}.q_a_layernorm.weight`, t.q_lora_rank);
      add(`${attn}.q_b_proj.weight`, t.num_attention_heads * qHead, t.q_lora_rank);
    }
    add(`${attn}.kv_a_proj_with_mqa.weight`, t.kv_lora_rank + t.qk_rope_head_dim, H);
    add(`${attn}.kv_a_layernorm.weight`, t.kv_lora_rank);
    add(`${attn}.kv_b_proj.weight`, t.num_attention_heads * (t.qk_nope_head_dim + t.v_head_dim), t.kv_lora_rank);
    add(`${attn}.o_proj.weight`, H, t.num_attention_heads * t.v_head_dim);
    add(`${layer}.post_attention_layernorm.weight`, H);
    if (!isMoeLayer(t, i)) mlp(`${layer}.mlp`, t.intermediate_size);
    else {
      add(`${layer}.mlp.gate.weight`, t.n_routed_experts, H);
      add(`${layer}.mlp.gate.e_score_correction_bias`, t.n_routed_experts);
      for (let e = 0; e < t.n_routed_experts; e++) mlp(`${layer}.mlp.experts.${e}`, t.moe_intermediate_size);
      if (t.n_shared_experts > 0) mlp(`${layer}.mlp.shared_experts`, t.moe_intermediate_size * t.n_shared_experts);
    }
  }
  add('language_model.model.norm.weight', H);
  if (!t.tie_word_embeddings) add('language_model.lm_head.weight', t.vocab_size, H);
  const v = config.vision_config;
  if (v) {
    const V = v.hidden_size;
    const p = v.patch_size;
    add('vision_tower.patch_embed.proj.weight', V, 3, p, p);
    add('vision_tower.patch_embed.proj.bias', V);
    add('vision_tower.patch_embed.pos_emb.weight', v.init_pos_emb_height, v.init_pos_emb_width, V);
    for (let i = 0; i < v.num_hidden_layers; i++) {
      const block = `vision_tower.encoder.blocks.${i}`;
      for (const norm of ['norm0', 'norm1']) {
        add(`${block}.${norm}.weight`, V);
        add(`${block}.${norm}.bias`, V);
      }
      add(`${block}.wqkv.weight`, 3 * V, V);
      add(`${block}.wqkv.bias`, 3 * V);
      add(`${block}.wo.weight`, V, V);
      add(`${block}.wo.bias`, V);
      add(`${block}.mlp.fc0.weight`, v.intermediate_size, V);
      add(`${block}.mlp.fc0.bias`, v.intermediate_size);
      add(`${block}.mlp.fc1.weight`, V, v.intermediate_size);
      add(`${block}.mlp.fc1.bias`, V);
    }
    add('vision_tower.encoder.final_layernorm.weight', V);
    add('vision_tower.encoder.final_layernorm.bias', V);
    // The projector normalises each patch, then mixes the merged group of kh·kw patches.
    const merged = V * v.merge_kernel_size[0] * v.merge_kernel_size[1];
    add('multi_modal_projector.pre_norm.weight', V);
    add('multi_modal_projector.pre_norm.bias', V);
    add('multi_modal_projector.linear_1.weight', merged, merged);
    add('multi_modal_projector.linear_1.bias', merged);
    add('multi_modal_projector.linear_2.weight', H, merged);
    add('multi_modal_projector.linear_2.bias', H);
  }
  return out;
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);

export interface CheckpointEntry {
  /** The shard holding the tensor, relative to the checkpoint directory. */
  file: string;
  dtype: string;
  shape: number[];
}

/** An opened Hugging Face checkpoint. */
export interface Checkpoint extends WeightSource {
  readonly dir: string;
  readonly config: ModelConfig;
  /** config.json as written, with the fields Loupe does not use. */
  readonly rawConfig: Record<string, unknown>;
  /** The tensors the config implies, in checkpoint order (what `checkpointTensors` lists). */
  readonly tensors: readonly CheckpointTensor[];
  entry(name: string): CheckpointEntry;
  /** One tensor's stored bytes, in its dtype. */
  readBytes(name: string): Uint8Array;
  close(): void;
}

const INDEX_FILE = 'model.safetensors.index.json';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new LoupeError('MODEL_NOT_FOUND', `${path}: no such file (${what}).`, { cause: e });
    throw new LoupeError('MODEL_CORRUPT', `${path}: cannot be read (${what}).`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new LoupeError('MODEL_CORRUPT', `${path}: not valid JSON (${what}).`, { cause: e });
  }
}

/**
 * Opens a checkpoint directory: reads config.json and every shard's header, and checks that
 * each tensor the config implies is there with its shape and a float dtype. No weight is read
 * until asked for.
 */
export function openCheckpoint(dir: string): Checkpoint {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LoupeError('MODEL_NOT_FOUND', `${dir}: no such checkpoint directory (a Hugging Face model folder with config.json and *.safetensors).`);
  }
  const configPath = join(dir, 'config.json');
  const rawConfig = readJson(configPath, 'the model configuration');
  if (typeof rawConfig !== 'object' || rawConfig === null || Array.isArray(rawConfig)) throw new LoupeError('MODEL_CORRUPT', `${configPath}: not a JSON object.`);
  // Pre-quantised releases (FP8, compressed-tensors INT4) store other tensors under other names;
  // say so rather than report their weights as missing.
  type Quantised = { quantization_config?: { quant_method?: unknown } };
  const raw = rawConfig as Quantised & { text_config?: Quantised };
  const quantisedAs = raw.quantization_config ?? raw.text_config?.quantization_config;
  if (quantisedAs) {
    throw new LoupeError('MODEL_UNSUPPORTED', `${configPath}: the checkpoint is already quantised (${String(quantisedAs.quant_method ?? 'quantization_config')}); Loupe converts BF16, F16 or F32 checkpoints.`);
  }
  const config = parseModelConfig(rawConfig, configPath);

  // Which shard each tensor should be in: the index says so, or every shard is searched.
  let shardNames: string[];
  let indexed: Map<string, string> | null = null;
  const indexPath = join(dir, INDEX_FILE);
  if (existsSync(indexPath)) {
    const index = readJson(indexPath, 'the shard index') as { weight_map?: unknown };
    const map = index?.weight_map;
    if (typeof map !== 'object' || map === null || Object.values(map).some((f) => typeof f !== 'string')) {
      throw new LoupeError('MODEL_CORRUPT', `${indexPath}: weight_map is not a map from tensor names to files.`);
    }
    indexed = new Map(Object.entries(map as Record<string, string>));
    shardNames = [...new Set(indexed.values())].sort();
  } else {
    shardNames = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
    if (shardNames.length === 0) throw new LoupeError('MODEL_NOT_FOUND', `${dir}: no *.safetensors weights next to config.json.`);
  }

  const shards = new Map<string, SafetensorsFile>();
  const closeAll = () => shards.forEach((s) => s.close());
  const located = new Map<string, { shard: SafetensorsFile; file: string }>();
  try {
    for (const file of shardNames) {
      if (!existsSync(join(dir, file))) throw new LoupeError('MODEL_CORRUPT', `${join(dir, file)}: the shard named by ${INDEX_FILE} is missing.`);
      const shard = SafetensorsFile.open(join(dir, file));
      shards.set(file, shard);
      for (const name of shard.tensors.keys()) if (!located.has(name)) located.set(name, { shard, file });
    }
    const tensors = checkpointTensors(config);
    for (const { name, shape } of tensors) {
      const expectedFile = indexed?.get(name);
      if (indexed && expectedFile === undefined) throw new LoupeError('MODEL_CORRUPT', `${join(dir, INDEX_FILE)}: tensor ${name} is missing from the index (config.json implies it).`);
      const where = expectedFile !== undefined ? { shard: shards.get(expectedFile)!, file: expectedFile } : located.get(name);
      if (!where || !where.shard.has(name)) {
        throw new LoupeError('MODEL_CORRUPT', `${join(dir, expectedFile ?? shardNames.join(', '))}: tensor ${name} is missing (config.json implies it).`);
      }
      const found = where.shard.entry(name);
      if (found.shape.join() !== shape.join()) {
        throw new LoupeError('MODEL_CORRUPT', `${join(dir, where.file)}: tensor ${name} has shape [${found.shape.join(', ')}] but config.json implies [${shape.join(', ')}].`);
      }
      if (!FLOAT_DTYPES.has(found.dtype)) {
        throw new LoupeError('MODEL_UNSUPPORTED', `${join(dir, where.file)}: tensor ${name} is ${found.dtype}; Loupe converts BF16, F16 or F32 checkpoints (not pre-quantised ones).`);
      }
      located.set(name, where);
    }
    return new OpenedCheckpoint(dir, config, rawConfig as Record<string, unknown>, tensors, located, closeAll);
  } catch (e) {
    closeAll();
    throw e;
  }
}

class OpenedCheckpoint implements Checkpoint {
  constructor(
    readonly dir: string,
    readonly config: ModelConfig,
    readonly rawConfig: Record<string, unknown>,
    readonly tensors: readonly CheckpointTensor[],
    private readonly located: ReadonlyMap<string, { shard: SafetensorsFile; file: string }>,
    readonly close: () => void,
  ) {}

  has(name: string): boolean {
    return this.located.has(name);
  }

  private where(name: string) {
    const where = this.located.get(name);
    if (!where) throw new LoupeError('MODEL_CORRUPT', `${this.dir}: the checkpoint has no tensor ${name}.`);
    return where;
  }

  entry(name: string): CheckpointEntry {
    const { shard, file } = this.where(name);
    const { dtype, shape } = shard.entry(name);
    return { file, dtype, shape };
  }

  readBytes(name: string): Uint8Array {
    return this.where(name).shard.readBytes(name);
  }

  get(name: string): Tensor {
    const { shard } = this.where(name);
    return { shape: shard.entry(name).shape, data: shard.readFloat32(name) };
  }
}

// ---------------------------------------------------------------------------------------------
// Random checkpoints

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
export function tinyConfigJson(options: { qLoraRank?: number | null; vocabSize?: number; mediaPlaceholderTokenId?: number; vision?: boolean } = {}): Record<string, unknown> {
  const vocab = options.vocabSize ?? 1024;
  // Kimi keeps its special tokens in the last 256 ids; `<|media_pad|>` is the 22nd of them.
  const special = vocab > 256 ? vocab - 256 : 0;
  const text: TextConfig & Record<string, unknown> = {
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
  /** false: a text-only model. */
  vision?: boolean;
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
  const json = tinyConfigJson(options);
  const overrides = options.configOverrides ?? {};
  Object.assign(json.text_config as object, overrides.text_config);
  if (json.vision_config) Object.assign(json.vision_config as object, overrides.vision_config);
  const config = parseModelConfig(json, 'the test checkpoint configuration');

  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(json, null, 2) + '\n');
  const specs: TensorSpec[] = checkpointTensors(config).map(({ name, shape }) => ({ name, shape, dtype: checkpointDtype(name) }));
  const total = specs.reduce((sum, s) => sum + byteSizeOf(s), 0);
  const shardCount = Math.max(1, Math.min(options.shards ?? 1, specs.length));
  // Cut into shards of about equal bytes, in checkpoint order, as save_pretrained does.
  const groups: TensorSpec[][] = Array.from({ length: shardCount }, () => []);
  let running = 0;
  for (const spec of specs) {
    groups[Math.min(shardCount - 1, Math.floor((running * shardCount) / total))]!.push(spec);
    running += byteSizeOf(spec);
  }
  const files: string[] = [];
  const weightMap: Record<string, string> = {};
  for (const [i, group] of groups.entries()) {
    if (group.length === 0) continue;
    const file = shardCount === 1 ? 'model.safetensors' : `model-${String(i + 1).padStart(5, '0')}-of-${String(shardCount).padStart(5, '0')}.safetensors`;
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
  if (shardCount > 1) writeFileSync(join(dir, INDEX_FILE), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n');
  for (const file of options.tokenizerFiles ?? []) copyFileSync(file, join(dir, basename(file)));
  await options.tokenizer?.(dir);
  return { dir, config, files, bytes: total };
}

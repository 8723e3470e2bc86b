// Hugging Face checkpoints (config.json + safetensors, possibly sharded with
// model.safetensors.index.json), read lazily as a WeightSource after every tensor the config
// implies has been found with the right shape. Random checkpoints, for tests, are written by
// testing/moe/test-checkpoint.ts (Kimi-VL layout) and testing/moe/flat-checkpoint.ts
// (DeepSeek-V3 / Kimi K2 layout).
//
// Tensor names follow the public modeling code: DeepSeek-V3's decoder under `language_model.`
// (MLA attention, dense first layers, MoEGate with e_score_correction_bias, routed and shared
// experts), MoonViT under `vision_tower.` and KimiVLMultiModalProjector under
// `multi_modal_projector.`. A flat checkpoint names its decoder without `language_model.`;
// tensor-names.ts maps it, and the Checkpoint answers to Loupe's names whatever the layout.
import { closeSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LoupeError } from '../errors.ts';
import { openRegularFileSync } from '../ingest/regular-file.ts';
import { isMoeLayer, parseModelConfig, type ModelConfig } from './config.ts';
import { locateWeight, parseCheckpointQuantisation, storedTensorsOf, type CheckpointQuantisation, type StoredWeight } from './quantised-checkpoint.ts';
import { dequantiseFp8Blocks, dequantisePackedInt4, fp8SlabScales } from './repack.ts';
import { checkpointNaming, isMtpTensor, type TensorNaming } from './tensor-names.ts';
import { SafetensorsFile, decodeFloat32 } from './safetensors.ts';
import type { Tensor, WeightSource } from './tensor.ts';

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
  /** The tensors the config implies, in checkpoint order (what `checkpointTensors` lists), by Loupe's names. */
  readonly tensors: readonly CheckpointTensor[];
  /** How this checkpoint names its tensors. */
  readonly naming: TensorNaming;
  /** The multi-token-prediction layers' tensors found, by the checkpoint's names: left out of a package. */
  readonly leftOut: readonly string[];
  /** What a conversion should tell its user about the checkpoint (the MTP layers left out). */
  readonly notes: readonly string[];
  /** How the checkpoint was quantised before release (FP8 blocks, compressed-tensors int4), or null. */
  readonly quantisation: CheckpointQuantisation | null;
  /** How a tensor `tensors` lists is stored: as floats, or FP8 / int4 with the names of its scales. */
  stored(name: string): StoredWeight;
  /**
   * A stored tensor's header entry: one `tensors` lists, or a quantised weight's stored part
   * (`….weight_packed`, `….weight_scale_inv`). By Loupe's name, as every method here.
   */
  entry(name: string): CheckpointEntry;
  /** One stored tensor's bytes, in its dtype. */
  readBytes(name: string): Uint8Array;
  /** Rows [start, end) of a stored tensor's bytes (along its first dimension): a large one a slab at a time. */
  readRows(name: string, start: number, end: number): Uint8Array;
  /** Rows [start, end) of `get(name)`, read and decoded alone: a large weight a slab at a time. */
  getRows(name: string, start: number, end: number): Tensor;
  close(): void;
}

export const INDEX_FILE = 'model.safetensors.index.json';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    // Opened without waiting and refused unless a regular file: a FIFO named config.json would block forever.
    const fd = openRegularFileSync(path, what);
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof LoupeError) throw e;
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
  // Pre-quantised releases store other tensors under other names; a form Loupe cannot read is
  // refused here rather than reported as missing weights.
  const quantisation = parseCheckpointQuantisation(rawConfig as Record<string, unknown>, configPath);
  const config = parseModelConfig(rawConfig, configPath);
  const naming = checkpointNaming(rawConfig);

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
  // Every tensor of the shards, by the checkpoint's name.
  const inShards = new Map<string, { shard: SafetensorsFile; file: string }>();
  // The tensors a weight is stored as (its float, or its quantised parts), by Loupe's name.
  const located = new Map<string, Located>();
  try {
    for (const file of shardNames) {
      if (!existsSync(join(dir, file))) throw new LoupeError('MODEL_CORRUPT', `${join(dir, file)}: the shard named by ${INDEX_FILE} is missing. Download every shard of the release into this folder.`);
      const shard = SafetensorsFile.open(join(dir, file));
      shards.set(file, shard);
      for (const name of shard.tensors.keys()) if (!inShards.has(name)) inShards.set(name, { shard, file });
    }
    // Where a tensor (Loupe's name) is stored: the shard the index names, else the first shard holding it.
    const find = (tensor: string): Located | undefined => {
      const stored = naming.toCheckpoint(tensor);
      const expectedFile = indexed?.get(stored);
      const where = expectedFile !== undefined ? { shard: shards.get(expectedFile)!, file: expectedFile } : indexed ? undefined : inShards.get(stored);
      return where?.shard.has(stored) ? { ...where, stored } : undefined;
    };
    const lookUp = (tensor: string) => {
      const where = find(tensor);
      return where && { ...where.shard.entry(where.stored), file: join(dir, where.file) };
    };
    const readShape = (tensor: string) => {
      const where = find(tensor)!;
      return new Int32Array(where.shard.readBytes(where.stored).buffer);
    };
    const tensors = checkpointTensors(config);
    const stored = new Map<string, StoredWeight>();
    for (const { name, shape } of tensors) {
      const weight = locateWeight(name, shape, quantisation, lookUp, readShape);
      if (!weight) {
        // Messages name the tensor as the checkpoint does, so it can be found there.
        const inCheckpoint = naming.toCheckpoint(name);
        const expectedFile = indexed?.get(inCheckpoint);
        if (indexed && expectedFile === undefined) throw new LoupeError('MODEL_CORRUPT', `${join(dir, INDEX_FILE)}: tensor ${inCheckpoint} is missing from the index (config.json implies it).`);
        throw new LoupeError('MODEL_CORRUPT', `${join(dir, expectedFile ?? shardNames.join(', '))}: tensor ${inCheckpoint} is missing (config.json implies it).`);
      }
      stored.set(name, weight);
      for (const part of storedTensorsOf(weight)) located.set(part, find(part)!);
    }
    const leftOut = [...(indexed?.keys() ?? inShards.keys())].filter((name) => isMtpTensor(naming.fromCheckpoint(name), config.text_config));
    const t = config.text_config;
    const notes = leftOut.length
      ? [
          `The checkpoint's multi-token-prediction layer${t.num_nextn_predict_layers === 1 ? '' : 's'} (num_nextn_predict_layers ${t.num_nextn_predict_layers}: ${leftOut.length} tensors of layer${t.num_nextn_predict_layers === 1 ? '' : 's'} ${Array.from({ length: t.num_nextn_predict_layers }, (_, i) => t.num_hidden_layers + i).join(', ')}) ${t.num_nextn_predict_layers === 1 ? 'is' : 'are'} left out of the package: ${t.num_nextn_predict_layers === 1 ? 'it only drafts' : 'they only draft'} tokens for speculative decoding, which Loupe does not do.`,
        ]
      : [];
    return new OpenedCheckpoint(dir, config, rawConfig as Record<string, unknown>, tensors, naming, leftOut, notes, quantisation, stored, located, closeAll);
  } catch (e) {
    closeAll();
    throw e;
  }
}

/** Where a tensor Loupe names is stored: its shard, and its name there. */
interface Located {
  shard: SafetensorsFile;
  file: string;
  stored: string;
}

class OpenedCheckpoint implements Checkpoint {
  constructor(
    readonly dir: string,
    readonly config: ModelConfig,
    readonly rawConfig: Record<string, unknown>,
    readonly tensors: readonly CheckpointTensor[],
    readonly naming: TensorNaming,
    readonly leftOut: readonly string[],
    readonly notes: readonly string[],
    readonly quantisation: CheckpointQuantisation | null,
    private readonly storedAs: ReadonlyMap<string, StoredWeight>,
    private readonly located: ReadonlyMap<string, Located>,
    readonly close: () => void,
  ) {}

  has(name: string): boolean {
    return this.storedAs.has(name) || this.located.has(name);
  }

  stored(name: string): StoredWeight {
    const weight = this.storedAs.get(name);
    if (!weight) throw new LoupeError('MODEL_CORRUPT', `${this.dir}: the checkpoint has no weight ${name}.`);
    return weight;
  }

  private where(name: string) {
    const where = this.located.get(name);
    if (!where) throw new LoupeError('MODEL_CORRUPT', `${this.dir}: the checkpoint has no tensor ${name}.`);
    return where;
  }

  entry(name: string): CheckpointEntry {
    const { shard, file, stored } = this.where(name);
    const { dtype, shape } = shard.entry(stored);
    return { file, dtype, shape };
  }

  readBytes(name: string): Uint8Array {
    const { shard, stored } = this.where(name);
    return shard.readBytes(stored);
  }

  readRows(name: string, start: number, end: number): Uint8Array {
    const { shard, stored } = this.where(name);
    return shard.readRows(stored, start, end);
  }

  /** A weight's real values as float32: floats widened exactly, FP8 × its block's scale_inv, int4 × its group's scale. */
  get(name: string): Tensor {
    const weight = this.storedAs.get(name);
    const rows = (weight?.kind === 'int4-packed' ? weight.shape : this.entry(name).shape)[0] ?? 1;
    return this.getRows(name, 0, rows);
  }

  getRows(name: string, start: number, end: number): Tensor {
    const weight = this.storedAs.get(name);
    if (weight?.kind === 'fp8-block') {
      const K = this.entry(name).shape[1]!;
      const { scaleRows, firstRow } = fp8SlabScales(start, end, weight.block);
      const scaleInv = this.floatRows(weight.scaleInv, ...scaleRows);
      return { shape: [end - start, K], data: dequantiseFp8Blocks(this.readRows(name, start, end), scaleInv, end - start, K, weight.block, firstRow) };
    }
    if (weight?.kind === 'int4-packed') {
      const K = weight.shape[1];
      return { shape: [end - start, K], data: dequantisePackedInt4(this.readRows(weight.packed, start, end), this.floatRows(weight.scale, start, end), end - start, K, weight.groupSize) };
    }
    const [, ...rest] = this.entry(name).shape;
    return { shape: this.entry(name).shape.length ? [end - start, ...rest] : [], data: this.floatRows(name, start, end) };
  }

  private floatRows(tensor: string, start: number, end: number): Float32Array {
    const { shard, stored } = this.where(tensor);
    return decodeFloat32(shard.entry(stored).dtype, shard.readRows(stored, start, end), `${shard.path}: tensor ${stored}`);
  }
}

// Random checkpoints in the flat layout DeepSeek-V3 and Kimi K2 publish: config.json with the
// decoder's keys at the top level, tensors named `model.*` and `lm_head.weight`, and the
// multi-token-prediction layers after the decoder's (`model.layers.<num_hidden_layers>.*`, with
// their own embed_tokens, enorm, hnorm, eh_proj and shared_head, as DeepSeek-V3's
// README_WEIGHTS describes them). Weights are BF16 (the router's bias F32), deterministic from
// the seed; a release's FP8 weights are another module's business.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointTensors, INDEX_FILE } from '../../engine/moe/checkpoint.ts';
import { parseModelConfig, type ModelConfig } from '../../engine/moe/config.ts';
import { byteSizeOf, type TensorSpec } from '../../engine/moe/safetensors.ts';
import { tensorNaming } from '../../engine/moe/tensor-names.ts';
import { checkpointDtype, writeRandomShards } from './test-checkpoint.ts';

/**
 * A published flat config scaled down to a model that runs in a test: few layers, experts and
 * small widths; every other key (routing and its expert groups, YaRN, MTP, token ids) as published. The release's
 * quantization_config goes, since the weights written are BF16.
 */
export function scaledDown(published: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { quantization_config: _fp8, ...rest } = published;
  return {
    ...rest,
    vocab_size: 512,
    hidden_size: 64,
    intermediate_size: 96,
    moe_intermediate_size: 32,
    num_hidden_layers: 3,
    first_k_dense_replace: 1,
    num_attention_heads: 4,
    num_key_value_heads: 4,
    n_routed_experts: 16,
    // The release's expert groups stay as published (DeepSeek-V3's 8 of which 4 are kept, Kimi
    // K2's one) when the fewer experts still divide into them.
    ...(16 % Number(published.n_group ?? 1) === 0 ? {} : { n_group: 8, topk_group: 4 }),
    num_experts_per_tok: 4,
    q_lora_rank: 24,
    kv_lora_rank: 32,
    qk_nope_head_dim: 16,
    qk_rope_head_dim: 8,
    v_head_dim: 16,
    bos_token_id: 0,
    eos_token_id: 1,
    ...overrides,
  };
}

/** The MTP layers' tensors by the checkpoint's names, with their shapes. */
function mtpTensors(config: ModelConfig): TensorSpec[] {
  const t = config.text_config;
  const H = t.hidden_size;
  const naming = tensorNaming('flat');
  const withMtp = { ...config, text_config: { ...t, num_hidden_layers: t.num_hidden_layers + t.num_nextn_predict_layers } };
  const out: TensorSpec[] = [];
  for (let i = 0; i < t.num_nextn_predict_layers; i++) {
    const layer = `language_model.model.layers.${t.num_hidden_layers + i}.`;
    const own = (name: string, ...shape: number[]) => ({ name: naming.toCheckpoint(layer + name), shape });
    const block = checkpointTensors(withMtp).filter((x) => x.name.startsWith(layer));
    for (const x of [own('embed_tokens.weight', t.vocab_size, H), own('enorm.weight', H), own('hnorm.weight', H), own('eh_proj.weight', H, 2 * H), ...block.map((b) => ({ name: naming.toCheckpoint(b.name), shape: b.shape })), own('shared_head.norm.weight', H), own('shared_head.head.weight', t.vocab_size, H)])
      out.push({ ...x, dtype: checkpointDtype(x.name) });
  }
  return out;
}

export interface WrittenFlatCheckpoint {
  dir: string;
  config: ModelConfig;
  /** The MTP layers' tensors written, by the checkpoint's names. */
  mtp: string[];
  files: string[];
}

/** Writes config.json and the weights in two shards with model.safetensors.index.json, as the releases are shipped. */
export function writeFlatCheckpoint(dir: string, configJson: Record<string, unknown>, seed = 1): WrittenFlatCheckpoint {
  const config = parseModelConfig(configJson, 'the flat test checkpoint configuration');
  const naming = tensorNaming('flat');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(configJson, null, 2) + '\n');
  const main: TensorSpec[] = checkpointTensors(config).map(({ name, shape }) => ({ name: naming.toCheckpoint(name), shape, dtype: checkpointDtype(name) }));
  const mtp = mtpTensors(config);
  const half = Math.ceil(main.length / 2);
  const shards = [main.slice(0, half), [...main.slice(half), ...mtp]];
  const { files, weightMap } = writeRandomShards(dir, shards, seed);
  const total = shards.flat().reduce((sum, spec) => sum + byteSizeOf(spec), 0);
  writeFileSync(join(dir, INDEX_FILE), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n');
  return { dir, config, mtp: mtp.map((s) => s.name), files };
}

// Pre-quantised checkpoints as headers only: config.json and safetensors shards whose headers
// carry the published names and dtypes (DeepSeek-V3's FP8 e4m3 weights with F32
// `weight_scale_inv` per 128×128 block; compressed-tensors' pack-quantized int4 as I32
// `weight_packed`, BF16 `weight_scale` per 32 values, I32 `weight_shape`), and no data: each
// file is extended to its full length as a sparse file, so a release's real size costs no disk.
// For what reads only headers (loupe models inspect); nothing here can be run.
import { closeSync, mkdirSync, openSync, ftruncateSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointTensors, INDEX_FILE } from '../../engine/moe/checkpoint.ts';
import { parseModelConfig } from '../../engine/moe/config.ts';
import { checkpointNaming } from '../../engine/moe/tensor-names.ts';
import { isFp8InRelease, isInt4InRelease } from './quantised-checkpoint.ts';

export interface HeaderTensor {
  name: string;
  dtype: string;
  shape: number[];
}

const BYTES: Record<string, number> = { F32: 4, BF16: 2, F16: 2, F8_E4M3: 1, I32: 4, I64: 8, U8: 1, F64: 8 };

/** A safetensors file with this header and no data written (sparse to its full length). */
export function writeHeaderOnlyShard(path: string, tensors: readonly HeaderTensor[]): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * (BYTES[t.dtype] ?? 1);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, prefix, 0, 8, 0);
    writeSync(fd, json, 0, json.length, 8);
    ftruncateSync(fd, 8 + json.length + offset);
  } finally {
    closeSync(fd);
  }
}


export const FP8_QUANTIZATION_CONFIG = { activation_scheme: 'dynamic', fmt: 'e4m3', quant_method: 'fp8', weight_block_size: [128, 128] };
export const INT4_QUANTIZATION_CONFIG = {
  quant_method: 'compressed-tensors',
  format: 'pack-quantized',
  config_groups: { group_0: { targets: ['Linear'], weights: { num_bits: 4, type: 'int', symmetric: true, group_size: 32, strategy: 'group', dynamic: false } } },
  ignore: ['lm_head', 're:.*self_attn.*', 're:.*shared_experts.*', 're:.*mlp\\.(gate|up|down)_proj.*'],
};

export interface HeaderCheckpointOptions {
  format: 'fp8' | 'int4';
  /** Tensors to add, by the checkpoint's names (ones Loupe does not read, say). */
  extra?: readonly HeaderTensor[];
  shards?: number;
}

/**
 * Writes config.json (as given: put the quantization_config where the release does) and the
 * shard headers of the tensors the config implies, quantised as the release stores them.
 */
export function writeQuantisedHeaders(dir: string, configJson: Record<string, unknown>, options: HeaderCheckpointOptions): HeaderTensor[] {
  const config = parseModelConfig(configJson, 'the header checkpoint configuration');
  const naming = checkpointNaming(configJson);
  const tensors: HeaderTensor[] = [];
  for (const { name, shape } of checkpointTensors(config)) {
    const stored = naming.toCheckpoint(name);
    const stem = stored.replace(/\.weight$/, '');
    const [N, K] = shape as [number, number];
    if (options.format === 'fp8' && isFp8InRelease(name)) {
      tensors.push({ name: stored, dtype: 'F8_E4M3', shape }, { name: `${stem}.weight_scale_inv`, dtype: 'F32', shape: [Math.ceil(N / 128), Math.ceil(K / 128)] });
    } else if (options.format === 'int4' && isInt4InRelease(name)) {
      tensors.push(
        { name: `${stem}.weight_packed`, dtype: 'I32', shape: [N, K / 8] },
        { name: `${stem}.weight_scale`, dtype: 'BF16', shape: [N, K / 32] },
        { name: `${stem}.weight_shape`, dtype: 'I32', shape: [2] },
      );
    } else tensors.push({ name: stored, dtype: name.endsWith('e_score_correction_bias') ? 'F32' : 'BF16', shape });
  }
  tensors.push(...(options.extra ?? []));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(configJson, null, 2) + '\n');
  const count = Math.max(1, options.shards ?? 2);
  const per = Math.ceil(tensors.length / count);
  const weightMap: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const file = `model-${String(i + 1).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.safetensors`;
    const group = tensors.slice(i * per, (i + 1) * per);
    writeHeaderOnlyShard(join(dir, file), group);
    for (const t of group) weightMap[t.name] = file;
  }
  writeFileSync(join(dir, INDEX_FILE), JSON.stringify({ metadata: {}, weight_map: weightMap }, null, 2) + '\n');
  return tensors;
}

// A BF16 test checkpoint (test-checkpoint.ts's Kimi-VL layout, or flat-checkpoint.ts's
// DeepSeek-V3 one) re-encoded the way the big releases are published, for the converter's tests
// and benchmark:
//
// - FP8 blocks, as DeepSeek-V3 and Kimi K2: config.json's `quantization_config` is
//   {quant_method "fp8", fmt "e4m3", activation_scheme "dynamic", weight_block_size [128, 128]};
//   every projection of the decoder layers (attention, dense MLP, shared and routed experts)
//   is stored F8_E4M3 under its own name with `….weight_scale_inv` (F32, one per 128×128 block,
//   amax / 448); the embedding, norms, router, head and vision tower stay as they were.
// - compressed-tensors pack-quantized int4, as Kimi K2.5: `text_config.quantization_config`
//   with one config group (symmetric 4-bit int, strategy "group", group_size 32) and the other
//   linears in `ignore`; only the routed experts are quantised, each `X.weight` replaced by
//   `X.weight_packed` (I32 [rows, cols/8]: code q + 8 of element i at bits 4·(i mod 8) of word
//   ⌊i/8⌋), `X.weight_scale` (BF16 [rows, cols/32], amax / 7.5) and `X.weight_shape` (I32 [2]).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_FILE } from '../../engine/moe/checkpoint.ts';
import { E4M3_MAX, E4M3_VALUES } from '../../engine/moe/fp8.ts';
import { SafetensorsFile, SafetensorsWriter, bf16ToF32, f32ToBf16, type Dtype } from '../../engine/moe/safetensors.ts';
import { checkpointNaming } from '../../engine/moe/tensor-names.ts';
import { writeTestCheckpoint, type TestCheckpointOptions, type WrittenCheckpoint } from './test-checkpoint.ts';

/** The decoder's projections, quantised in DeepSeek-V3's and Kimi K2's FP8 releases. */
export const isFp8InRelease = (name: string) =>
  /^language_model\.model\.layers\.\d+\.(self_attn\.(q_proj|q_a_proj|q_b_proj|kv_a_proj_with_mqa|kv_b_proj|o_proj)|mlp\.(experts\.\d+\.|shared_experts\.)?(gate|up|down)_proj)\.weight$/.test(name);

/** The routed experts' projections, the only weights Kimi K2.5's int4 release quantises. */
export const isInt4InRelease = (name: string) => /^language_model\.model\.layers\.\d+\.mlp\.experts\.\d+\.(gate|up|down)_proj\.weight$/.test(name);

/** The nearest float8_e4m3fn code to x, ties to the even code; saturates at ±448. */
export function encodeE4M3(x: number): number {
  if (Number.isNaN(x)) return 0x7f;
  const sign = x < 0 || Object.is(x, -0) ? 0x80 : 0;
  const a = Math.abs(x);
  if (a >= E4M3_MAX) return sign | 0x7e;
  // Positive codes 0..126 increase with their value: find the last not above a.
  let lo = 0;
  let hi = 0x7e;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (E4M3_VALUES[mid]! <= a) lo = mid;
    else hi = mid - 1;
  }
  const below = E4M3_VALUES[lo]!;
  const above = E4M3_VALUES[lo + 1]!;
  const code = a - below < above - a ? lo : a - below > above - a ? lo + 1 : lo & 1 ? lo + 1 : lo;
  return sign | code;
}

/** W [N, K] as FP8 codes with one scale_inv per block (amax / 448), as DeepSeek-V3's release stores it. */
export function fp8BlockQuantise(W: Float32Array, N: number, K: number, block: readonly [number, number] = [128, 128]): { codes: Uint8Array; scaleInv: Float32Array; scaleShape: [number, number] } {
  const [rows, cols] = [Math.ceil(N / block[0]), Math.ceil(K / block[1])];
  const codes = new Uint8Array(N * K);
  const scaleInv = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const [n0, n1, k0, k1] = [r * block[0], Math.min(N, (r + 1) * block[0]), c * block[1], Math.min(K, (c + 1) * block[1])];
      let amax = 0;
      for (let n = n0; n < n1; n++) for (let k = k0; k < k1; k++) amax = Math.max(amax, Math.abs(W[n * K + k]!));
      const s = amax > 0 ? Math.fround(amax / E4M3_MAX) : 1;
      scaleInv[r * cols + c] = s;
      for (let n = n0; n < n1; n++) for (let k = k0; k < k1; k++) codes[n * K + k] = encodeE4M3(Math.fround(W[n * K + k]! / s));
    }
  }
  return { codes, scaleInv, scaleShape: [rows, cols] };
}

/** W [N, K] as compressed-tensors pack-quantized symmetric int4 in groups along K. */
export function packInt4Groups(W: Float32Array, N: number, K: number, groupSize = 32): { packed: Int32Array; scales: Uint16Array; shape: Int32Array } {
  const groups = Math.ceil(K / groupSize);
  const words = Math.ceil(K / 8);
  const packed = new Int32Array(N * words);
  const scaleValues = new Float32Array(N * groups);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      let amax = 0;
      for (let k = g * groupSize; k < Math.min(K, (g + 1) * groupSize); k++) amax = Math.max(amax, Math.abs(W[n * K + k]!));
      scaleValues[n * groups + g] = amax / 7.5; // the symmetric range: max |w| over half of the 15 steps
    }
  }
  const scales = f32ToBf16(scaleValues);
  const stored = bf16ToF32(scales); // codes are rounded against the scale as stored
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const s = stored[n * groups + Math.floor(k / groupSize)]!;
      const q = s === 0 ? 0 : Math.max(-8, Math.min(7, Math.round(W[n * K + k]! / s)));
      const word = n * words + (k >> 3);
      packed[word] = packed[word]! | ((q + 8) << ((k & 7) * 4));
    }
  }
  return { packed, scales, shape: Int32Array.from([N, K]) };
}

export type ReleaseFormat = 'fp8' | 'int4';

interface Part {
  name: string;
  dtype: Dtype;
  shape: number[];
  data: ArrayBufferView;
}

/** One tensor of the BF16 checkpoint as the release stores it; `name` is the checkpoint's, `loupeName` Loupe's for it. */
function encode(format: ReleaseFormat, name: string, loupeName: string, shape: number[], file: SafetensorsFile, groupSize: number): Part[] {
  const asIs = (): Part[] => [{ name, dtype: file.entry(name).dtype as Dtype, shape, data: file.readBytes(name) }];
  if (shape.length !== 2) return asIs();
  const [N, K] = shape as [number, number];
  const module = name.slice(0, -'.weight'.length);
  if (format === 'fp8' && isFp8InRelease(loupeName)) {
    const { codes, scaleInv, scaleShape } = fp8BlockQuantise(file.readFloat32(name), N, K);
    return [
      { name, dtype: 'F8_E4M3', shape, data: codes },
      { name: `${module}.weight_scale_inv`, dtype: 'F32', shape: scaleShape, data: scaleInv },
    ];
  }
  if (format === 'int4' && isInt4InRelease(loupeName)) {
    const { packed, scales, shape: stated } = packInt4Groups(file.readFloat32(name), N, K, groupSize);
    return [
      { name: `${module}.weight_packed`, dtype: 'I32', shape: [N, Math.ceil(K / 8)], data: packed },
      { name: `${module}.weight_scale`, dtype: 'BF16', shape: [N, Math.ceil(K / groupSize)], data: scales },
      { name: `${module}.weight_shape`, dtype: 'I32', shape: [2], data: stated },
    ];
  }
  return asIs();
}

function quantisationConfig(format: ReleaseFormat, names: readonly string[], groupSize: number): Record<string, unknown> {
  if (format === 'fp8') return { activation_scheme: 'dynamic', fmt: 'e4m3', quant_method: 'fp8', weight_block_size: [128, 128] };
  const linears = names.filter((n) => n.endsWith('.weight') && /_proj\.weight$|lm_head\.weight$/.test(n) && !isInt4InRelease(n));
  return {
    config_groups: {
      group_0: {
        input_activations: null,
        output_activations: null,
        targets: ['Linear'],
        weights: { actorder: null, block_structure: null, dynamic: false, group_size: groupSize, num_bits: 4, observer: 'minmax', observer_kwargs: {}, strategy: 'group', symmetric: true, type: 'int' },
      },
    },
    format: 'pack-quantized',
    ignore: [...linears.map((n) => n.slice(0, -'.weight'.length)), 're:^vision_tower.*', 're:^multi_modal_projector.*'],
    kv_cache_scheme: null,
    quant_method: 'compressed-tensors',
    quantization_status: 'compressed',
  };
}

/**
 * Writes the tiny random checkpoint (writeTestCheckpoint, same options and seed), then
 * re-encodes it as the FP8 or int4 release would be, shard by shard, index included.
 */
export async function writeReleaseCheckpoint(dir: string, format: ReleaseFormat, options: TestCheckpointOptions & { groupSize?: number } = {}): Promise<WrittenCheckpoint> {
  const written = await writeTestCheckpoint(dir, options);
  const bytes = reencodeAsRelease(dir, written.files, format, options.groupSize);
  return { ...written, bytes };
}

/**
 * Re-encodes a BF16 checkpoint already written in `dir` (either naming: Kimi-VL's nested or
 * DeepSeek-V3's flat) as its FP8 or int4 release: each shard in place, the quantisation config
 * where the release has it, and the index for a sharded one. Returns the weights' bytes.
 */
export function reencodeAsRelease(dir: string, files: readonly string[], format: ReleaseFormat, groupSize = 32): number {
  const configPath = join(dir, 'config.json');
  const json = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown> & { text_config?: Record<string, unknown> };
  const naming = checkpointNaming(json);
  const weightMap: Record<string, string> = {};
  const names: string[] = [];
  let bytes = 0;
  for (const fileName of files) {
    const path = join(dir, fileName);
    const source = SafetensorsFile.open(path);
    const parts = [...source.tensors.values()].flatMap((t) => encode(format, t.name, naming.fromCheckpoint(t.name), t.shape, source, groupSize));
    source.close();
    const writer = SafetensorsWriter.create(`${path}.partial`, parts, { format: 'pt' });
    for (const p of parts) {
      writer.write(p.name, new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
      weightMap[p.name] = fileName;
      bytes += p.data.byteLength;
    }
    writer.close();
    renameSync(`${path}.partial`, path);
    names.push(...parts.map((p) => naming.fromCheckpoint(p.name)));
  }
  // DeepSeek-V3 and Kimi K2 put it at the top; Kimi K2.5 under text_config.
  if (format === 'fp8') json.quantization_config = quantisationConfig(format, names, groupSize);
  else json.text_config!.quantization_config = quantisationConfig(format, names, groupSize);
  writeFileSync(configPath, JSON.stringify(json, null, 2) + '\n');
  if (files.length > 1) writeFileSync(join(dir, INDEX_FILE), JSON.stringify({ metadata: { total_size: bytes }, weight_map: weightMap }, null, 2) + '\n');
  return bytes;
}

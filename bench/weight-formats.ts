// `loupe bench weight-formats`: how fast published releases convert into a package, on a
// synthetic checkpoint of the bench model's shape (random codes and scales; nothing here says
// anything about a real model's accuracy). Three checkpoints of the same shape are written once:
// BF16 (the baseline path), FP8 blocks (as DeepSeek-V3 / Kimi K2 ship) and compressed-tensors
// int4 (as Kimi K2.5 ships). Each is converted to an int4 package, end to end (reading, hashing
// and writing included); then the two new kernels alone, in memory, on one MoE layer's experts:
// FP8 → int4 (quantiseFp8Blocks) and the int4 repack (repackInt4).
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { checkpointTensors } from '../engine/moe/checkpoint.ts';
import { parseModelConfig } from '../engine/moe/config.ts';
import { convertCheckpoint } from '../engine/moe/convert-checkpoint.ts';
import { quantiseFp8Blocks, repackInt4 } from '../engine/moe/repack.ts';
import { SafetensorsWriter, f32ToBf16, type Dtype } from '../engine/moe/safetensors.ts';
import { benchConfigJson } from '../testing/moe/bench-package.ts';
import { isFp8InRelease, isInt4InRelease } from '../testing/moe/quantised-checkpoint.ts';

export type SyntheticFormat = 'bf16' | 'fp8' | 'int4';

export interface WeightFormatsBenchOptions {
  /** Where the synthetic checkpoints and packages are written (removed afterwards). */
  workDir: string;
  /** Decoder layers of the bench shape (the first dense, the rest MoE); default 2. */
  layers?: number;
  /**
   * Hidden size and vocabulary instead of the bench shape's (1280, 32768): 7168 and 163840 give
   * Kimi K2's embedding and LM head, 2.35 GB each in BF16, the largest single tensors of a real release.
   */
  hidden?: number;
  vocab?: number;
  /** Which synthetic checkpoints to convert; default all three. */
  formats?: readonly SyntheticFormat[];
  /** Worker threads that quantise (convertCheckpoint's `threads`; default one per core, 0: none). */
  threads?: number;
  /** Time the kernels alone as well; default true. */
  kernels?: boolean;
  onLine?: (line: string) => void;
}

export interface ConversionFigure {
  format: SyntheticFormat;
  /** Every parameter of the checkpoint, and those stored FP8 or int4 in it. */
  parameters: number;
  quantisedParameters: number;
  /** The checkpoint's size on disk. */
  checkpointBytes: number;
  seconds: number;
  parametersPerSecond: number;
  /**
   * The bench process's peak resident memory once this conversion is done (its high-water mark
   * since it started, so an upper bound on the conversion's own: the synthetic writer before it
   * is counted too).
   */
  peakRssBytes: number;
}

export interface WeightFormatsBenchResult {
  synthetic: true;
  shape: { layers: number; hidden: number; vocab: number; experts: number; expertWidth: number };
  /** Worker threads that quantised. */
  threads: number;
  /** convertCheckpoint(…, { quant: 'int4' }) end to end. */
  convert: ConversionFigure[];
  /** The kernels alone on one layer's routed experts, in memory. */
  kernels?: { fp8ToInt4ParametersPerSecond: number; int4RepackParametersPerSecond: number; parameters: number };
  notes: Record<string, string>;
}

/** A fast deterministic stream of 32-bit words (xorshift32): random codes need no distribution. */
function words(count: number, seed: number): Uint32Array {
  const out = new Uint32Array(count);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

/** Small BF16 values (about ±0.03), or F32 for the router's bias. */
function floats(count: number, seed: number, dtype: 'BF16' | 'F32'): Uint8Array {
  const w = words(count, seed);
  const f = new Float32Array(count);
  for (let i = 0; i < count; i++) f[i] = (w[i]! / 2 ** 32 - 0.5) * 0.06;
  return dtype === 'F32' ? bytesOf(f) : bytesOf(f32ToBf16(f));
}

function fp8Codes(count: number, seed: number): Uint8Array {
  const codes = bytesOf(words(Math.ceil(count / 4), seed)).slice(0, count);
  // No NaN: 0x7f and 0xff are the only NaN codes of e4m3fn.
  for (let i = 0; i < count; i++) if ((codes[i]! & 0x7f) === 0x7f) codes[i] = 0;
  return codes;
}

function scales(count: number, seed: number): Float32Array {
  const w = words(count, seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = 1e-3 * (1 + w[i]! / 2 ** 32);
  return out;
}

// Values generated and written at a time: a full-size embedding is never held whole.
const SLAB_VALUES = 16 * 2 ** 20;

/** Writes a synthetic checkpoint of `config` in one safetensors file, tensor by tensor, a large one in slabs of rows. */
export function writeSyntheticCheckpoint(dir: string, format: SyntheticFormat, configJson: Record<string, unknown>): { parameters: number; quantisedParameters: number } {
  const config = parseModelConfig(configJson, 'the synthetic checkpoint');
  mkdirSync(dir, { recursive: true });
  const json = structuredClone(configJson) as Record<string, Record<string, unknown>>;
  if (format === 'fp8') json.quantization_config = { activation_scheme: 'dynamic', fmt: 'e4m3', quant_method: 'fp8', weight_block_size: [128, 128] };
  if (format === 'int4') {
    json.text_config!.quantization_config = {
      config_groups: { group_0: { targets: ['Linear'], input_activations: null, output_activations: null, weights: { num_bits: 4, type: 'int', symmetric: true, group_size: 32, strategy: 'group', dynamic: false } } },
      format: 'pack-quantized',
      ignore: ['lm_head'],
      quant_method: 'compressed-tensors',
    };
  }
  writeFileSync(join(dir, 'config.json'), JSON.stringify(json, null, 2) + '\n');
  /** `make(count, seed)`: `count` random values of the tensor (a slab of its rows), seeded by where they start. */
  type Part = { name: string; dtype: Dtype; shape: number[]; make: (count: number, seed: number) => Uint8Array };
  const parts: Part[] = [];
  let parameters = 0;
  let quantisedParameters = 0;
  checkpointTensors(config).forEach(({ name, shape }, i) => {
    const count = shape.reduce((a, b) => a * b, 1);
    parameters += count;
    const module = name.slice(0, -'.weight'.length);
    if (format === 'fp8' && isFp8InRelease(name)) {
      quantisedParameters += count;
      const blocks = [Math.ceil(shape[0]! / 128), Math.ceil(shape[1]! / 128)];
      parts.push({ name, dtype: 'F8_E4M3', shape, make: (n, seed) => fp8Codes(n, seed + i + 1) });
      parts.push({ name: `${module}.weight_scale_inv`, dtype: 'F32', shape: blocks, make: (n, seed) => bytesOf(scales(n, seed + i + 7)) });
    } else if (format === 'int4' && isInt4InRelease(name)) {
      quantisedParameters += count;
      const [N, K] = shape as [number, number];
      parts.push({ name: `${module}.weight_packed`, dtype: 'I32', shape: [N, K / 8], make: (n, seed) => bytesOf(words(n, seed + i + 1)) });
      parts.push({ name: `${module}.weight_scale`, dtype: 'BF16', shape: [N, K / 32], make: (n, seed) => bytesOf(f32ToBf16(scales(n, seed + i + 7))) });
      parts.push({ name: `${module}.weight_shape`, dtype: 'I32', shape: [2], make: () => bytesOf(Int32Array.from([N, K])) });
    } else {
      const dtype = name.endsWith('e_score_correction_bias') ? 'F32' : 'BF16';
      parts.push({ name, dtype, shape, make: (n, seed) => floats(n, seed + i + 1, dtype) });
    }
  });
  const writer = SafetensorsWriter.create(join(dir, 'model.safetensors'), parts, { format: 'pt' });
  for (const p of parts) {
    const [rows = 1, ...rest] = p.shape;
    const rowValues = rest.reduce((a, b) => a * b, 1);
    const perSlab = Math.max(1, Math.floor(SLAB_VALUES / rowValues));
    for (let start = 0; start < rows; start += perSlab) writer.write(p.name, p.make((Math.min(rows, start + perSlab) - start) * rowValues, start * 7919));
  }
  writer.close();
  return { parameters, quantisedParameters };
}

export async function runWeightFormatsBench(o: WeightFormatsBenchOptions): Promise<WeightFormatsBenchResult> {
  const layers = o.layers ?? 2;
  const configJson = benchConfigJson({ text_config: { num_hidden_layers: layers, ...(o.hidden && { hidden_size: o.hidden }), ...(o.vocab && { vocab_size: o.vocab }) } });
  const t = parseModelConfig(configJson, 'bench').text_config;
  if (existsSync(o.workDir)) rmSync(o.workDir, { recursive: true, force: true });
  mkdirSync(o.workDir, { recursive: true });
  const convert: ConversionFigure[] = [];
  try {
    for (const format of o.formats ?? (['bf16', 'fp8', 'int4'] as const)) {
      const hf = join(o.workDir, `${format}-checkpoint`);
      const { parameters, quantisedParameters } = writeSyntheticCheckpoint(hf, format, configJson);
      const checkpointBytes = statSync(join(hf, 'model.safetensors')).size;
      const start = performance.now();
      await convertCheckpoint(hf, join(o.workDir, `${format}-package`), { quant: 'int4', ...(o.threads !== undefined && { threads: o.threads }) });
      const seconds = (performance.now() - start) / 1000;
      // maxRSS is in kibibytes.
      const peakRssBytes = process.resourceUsage().maxRSS * 1024;
      const figure = { format, parameters, quantisedParameters, checkpointBytes, seconds, parametersPerSecond: parameters / seconds, peakRssBytes };
      convert.push(figure);
      o.onLine?.(
        `synthetic ${format} → int4: ${(parameters / 1e6).toFixed(0)} M parameters${format === 'bf16' ? '' : ` (${(quantisedParameters / 1e6).toFixed(0)} M of them stored ${format === 'fp8' ? 'FP8' : 'int4'})`}, checkpoint ${(checkpointBytes / 1e9).toFixed(2)} GB, in ${seconds.toFixed(1)} s: ${(figure.parametersPerSecond / 1e6).toFixed(1)} M parameters/s; peak RSS so far ${(peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
      );
      rmSync(hf, { recursive: true, force: true });
      rmSync(join(o.workDir, `${format}-package`), { recursive: true, force: true });
    }
  } finally {
    rmSync(o.workDir, { recursive: true, force: true });
  }

  const [H, W] = [t.hidden_size, t.moe_intermediate_size];
  const result: WeightFormatsBenchResult = {
    synthetic: true,
    shape: { layers, hidden: H, vocab: t.vocab_size, experts: t.n_routed_experts, expertWidth: W },
    threads: o.threads ?? availableParallelism(),
    convert,
    notes: {
      synthetic: 'random FP8 codes / int4 words and scales in the bench model\'s shape; throughput only, no accuracy',
      convert: 'convertCheckpoint to int4 (block 32), quantising on worker threads (one per core unless --threads): reading, converting, sha256 and writing every tensor; BF16 is the existing path, for comparison; peakRssBytes is the process\'s high-water mark',
      kernels: 'quantiseFp8Blocks and repackInt4 alone, in memory, on one MoE layer\'s routed experts',
    },
  };
  if (o.kernels === false) return result;

  // The kernels alone: one MoE layer's routed experts (gate, up: [W, H]; down: [H, W]).
  const shapes = Array.from({ length: t.n_routed_experts }, () => [[W, H], [W, H], [H, W]] as [number, number][]).flat();
  const parameters = shapes.reduce((s, [N, K]) => s + N * K, 0);
  // Inputs are made before the clock starts; parameters per second over every expert.
  const time = (run: (N: number, K: number, i: number) => unknown) => {
    const start = performance.now();
    shapes.forEach(([N, K], i) => run(N, K, i));
    return parameters / ((performance.now() - start) / 1000);
  };
  const fp8 = shapes.map(([N, K], i) => ({ codes: fp8Codes(N * K, i + 1), scaleInv: scales(Math.ceil(N / 128) * Math.ceil(K / 128), i + 2) }));
  const fp8Rate = time((N, K, i) => quantiseFp8Blocks(fp8[i]!.codes, fp8[i]!.scaleInv, N, K, [128, 128], 4, 32));
  const int4 = shapes.map(([N, K], i) => ({ packed: bytesOf(words((N * K) / 8, i + 1)), scales: scales((N * K) / 32, i + 2) }));
  const repackRate = time((N, K, i) => repackInt4(int4[i]!.packed, int4[i]!.scales, N, K, 32, 4, 32));
  o.onLine?.(`synthetic kernels on one layer's ${t.n_routed_experts} experts (${(parameters / 1e6).toFixed(0)} M parameters): FP8 → int4 ${(fp8Rate / 1e6).toFixed(1)} M parameters/s, int4 repack ${(repackRate / 1e6).toFixed(0)} M parameters/s`);

  return { ...result, kernels: { fp8ToInt4ParametersPerSecond: fp8Rate, int4RepackParametersPerSecond: repackRate, parameters } };
}

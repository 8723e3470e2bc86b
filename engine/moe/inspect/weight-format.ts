// How a checkpoint stores its weights: floats, DeepSeek's FP8 e4m3 with 128×128 block scales,
// or compressed-tensors' pack-quantized int4. Said by config.json's quantization_config (at the
// top or under text_config) and confirmed tensor by tensor against the shard headers, where each
// format leaves its own names and dtypes beside a linear weight.
import { LoupeError } from '../../errors.ts';
import type { CheckpointTensor } from '../checkpoint.ts';
import type { StoredTensor } from './checkpoint-headers.ts';

export type FormatKind = 'float' | 'fp8-block' | 'int4-pack';

/**
 * Whether this Loupe's `models convert` takes a checkpoint of each format. Today's converter
 * (checkpoint.ts) refuses any quantization_config; flip an entry when the converter learns it.
 */
export const CONVERTS: Readonly<Record<FormatKind, boolean>> = { float: true, 'fp8-block': false, 'int4-pack': false };

export interface WeightFormat {
  kind: FormatKind;
  /** For people: "BF16", "FP8 e4m3, 128×128 block scales", … */
  description: string;
  /** fp8: [rows, cols] of a scale block; int4: [1, group]. */
  block?: [number, number];
}

const FLOATS = new Set(['BF16', 'F16', 'F32']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The quantization_config, wherever the release put it. */
function quantizationConfig(raw: Record<string, unknown>): Record<string, unknown> | undefined {
  const q = raw.quantization_config ?? (isObject(raw.text_config) ? raw.text_config.quantization_config : undefined);
  return isObject(q) ? q : undefined;
}

const READS = 'Loupe reads BF16, F16 or F32 weights, FP8 e4m3 with 128×128 block scales (quant_method "fp8"), or compressed-tensors "pack-quantized" int4 in groups of 32';

/** The format config.json declares; the headers are checked against it by `locateTensors`. */
export function declaredFormat(raw: Record<string, unknown>, where: string): WeightFormat {
  const q = quantizationConfig(raw);
  if (!q) return { kind: 'float', description: 'floats' };
  if (q.quant_method === 'fp8') {
    const block = q.weight_block_size;
    if (!Array.isArray(block) || block.length !== 2 || block[0] !== 128 || block[1] !== 128) {
      throw new LoupeError('MODEL_UNSUPPORTED', `${where}: quantization_config is FP8 with weight_block_size ${JSON.stringify(block)}. ${READS}.`);
    }
    if (q.fmt !== undefined && q.fmt !== 'e4m3') throw new LoupeError('MODEL_UNSUPPORTED', `${where}: quantization_config is FP8 ${String(q.fmt)}. ${READS}.`);
    return { kind: 'fp8-block', description: 'FP8 e4m3, 128×128 block scales (weight_scale_inv)', block: [128, 128] };
  }
  if (q.format === 'pack-quantized') {
    const groups = isObject(q.config_groups) ? Object.values(q.config_groups) : [];
    const weights = groups.map((g) => (isObject(g) && isObject(g.weights) ? g.weights : undefined));
    const bad = weights.find((w) => !w || w.num_bits !== 4 || w.group_size !== 32 || (w.type !== undefined && w.type !== 'int'));
    if (groups.length === 0 || bad !== undefined || weights.includes(undefined)) {
      throw new LoupeError('MODEL_UNSUPPORTED', `${where}: quantization_config is pack-quantized but not int4 in groups of 32 (${JSON.stringify(bad ?? q.config_groups)}). ${READS}.`);
    }
    return { kind: 'int4-pack', description: 'int4, compressed-tensors pack-quantized, groups of 32 (weight_packed, weight_scale)', block: [1, 32] };
  }
  throw new LoupeError('MODEL_UNSUPPORTED', `${where}: quantization_config ${JSON.stringify(q.quant_method ?? q.format ?? q)} is a format Loupe does not read. ${READS}.`);
}

export type StoredAs = 'float' | 'fp8-block' | 'int4-pack';

/** One tensor the config implies, as the checkpoint stores it. */
export interface LocatedTensor extends CheckpointTensor {
  storedAs: StoredAs;
  /** The float dtype (float), or the quantised weight's own dtype. */
  dtype: string;
  /** The stored tensors behind it, by the checkpoint's names. */
  parts: string[];
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * Finds each tensor the config implies (`expected`, by the checkpoint's names) in the headers,
 * in the form the declared format allows for it: a float `.weight`, or a quantised weight with
 * its scales. Refuses a missing tensor, a wrong shape, or a dtype Loupe cannot read there.
 */
export function locateTensors(expected: readonly CheckpointTensor[], stored: ReadonlyMap<string, StoredTensor>, format: WeightFormat, dir: string): LocatedTensor[] {
  const where = (t: StoredTensor) => `${dir}/${t.file}`;
  const need = (name: string, dtypes: ReadonlySet<string> | null, shape: readonly number[] | null, what: string): StoredTensor => {
    const t = stored.get(name);
    if (!t) throw new LoupeError('MODEL_CORRUPT', `${dir}: tensor ${name} is missing (${what}). The download is incomplete, or the checkpoint is not the release its config.json describes: download it again.`);
    if (shape && !same(t.shape, shape)) throw new LoupeError('MODEL_CORRUPT', `${where(t)}: tensor ${name} has shape ${shapeText(t.shape)} but config.json implies ${shapeText(shape)}. The weights and config.json come from different releases: download them together.`);
    if (dtypes && !dtypes.has(t.dtype)) {
      throw new LoupeError('MODEL_UNSUPPORTED', `${where(t)}: tensor ${name} is ${t.dtype}, which Loupe cannot read there (${what}: ${[...dtypes].join(' or ')}). ${READS}.`);
    }
    return t;
  };
  return expected.map(({ name, shape }) => {
    const stem = name.replace(/\.weight$/, '');
    const linear = shape.length === 2 && name.endsWith('.weight');
    if (linear && format.kind === 'fp8-block' && stored.get(name)?.dtype === 'F8_E4M3') {
      const w = need(name, null, shape, 'an FP8 weight');
      const [N, K] = shape as [number, number];
      need(`${stem}.weight_scale_inv`, FLOATS, [Math.ceil(N / 128), Math.ceil(K / 128)], 'its block scales');
      return { name, shape, storedAs: 'fp8-block', dtype: w.dtype, parts: [name, `${stem}.weight_scale_inv`] };
    }
    if (linear && format.kind === 'int4-pack' && !stored.has(name) && stored.has(`${stem}.weight_packed`)) {
      const [N, K] = shape as [number, number];
      const w = need(`${stem}.weight_packed`, new Set(['I32']), [N, Math.ceil(K / 8)], 'eight int4 values an I32');
      need(`${stem}.weight_scale`, FLOATS, [N, Math.ceil(K / 32)], 'a scale per group of 32');
      const parts = [w.name, `${stem}.weight_scale`];
      // The original shape, recorded by compressed-tensors; optional in older exports.
      if (stored.has(`${stem}.weight_shape`)) parts.push(need(`${stem}.weight_shape`, new Set(['I32', 'I64']), [2], 'the unpacked shape').name);
      return { name, shape, storedAs: 'int4-pack', dtype: 'int4', parts };
    }
    const t = need(name, FLOATS, shape, 'a float tensor');
    return { name, shape, storedAs: 'float', dtype: t.dtype, parts: [name] };
  });
}

/** The format in words, with the float dtypes found: "BF16 (F32 router biases)", "FP8 e4m3 … ; BF16 elsewhere". */
export function describeFound(format: WeightFormat, located: readonly LocatedTensor[]): string {
  const count = (d: string) => located.filter((t) => t.storedAs === 'float' && t.dtype === d).length;
  const floats = [...new Set(located.filter((t) => t.storedAs === 'float').map((t) => t.dtype))].sort((a, b) => count(b) - count(a));
  const others = floats.slice(1).map((d) => `${d} for ${count(d)} tensor${count(d) === 1 ? '' : 's'}`);
  const floatText = floats.length ? `${floats[0]}${others.length ? ` (${others.join(', ')})` : ''}` : '';
  if (format.kind === 'float') return floatText || 'no tensors';
  const quantised = located.filter((t) => t.storedAs === format.kind).length;
  return `${format.description} for ${quantised} weight${quantised === 1 ? '' : 's'}${floatText ? `; elsewhere ${floatText}` : ''}`;
}

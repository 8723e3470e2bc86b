// How a checkpoint stores its weights: floats, FP8 e4m3 with block scales, or compressed-tensors'
// pack-quantized int4. Said by config.json's quantization_config and confirmed weight by weight
// against the shard headers, through the same readers `models convert` uses
// (quantised-checkpoint.ts), so that inspect and convert cannot disagree on what a release is.
import { LoupeError } from '../../errors.ts';
import type { CheckpointTensor } from '../checkpoint.ts';
import { locateWeight, parseCheckpointQuantisation, storedTensorsOf, type CheckpointQuantisation, type StoredWeight } from '../quantised-checkpoint.ts';
import type { TensorNaming } from '../tensor-names.ts';
import type { StoredTensor } from './checkpoint-headers.ts';

export type FormatKind = 'float' | 'fp8-block' | 'int4-packed';

/**
 * Whether this Loupe's `models convert` takes a checkpoint of each format: the one place to
 * change when the converter learns or drops a format.
 */
export const CONVERTS: Readonly<Record<FormatKind, boolean>> = { float: true, 'fp8-block': true, 'int4-packed': true };

export interface WeightFormat {
  kind: FormatKind;
  quantisation: CheckpointQuantisation | null;
  /** For people: "FP8 e4m3, 128×128 block scales (weight_scale_inv)", … */
  description: string;
}

/** The format config.json declares (refusing one Loupe cannot read); the headers are checked against it by `locateTensors`. */
export function declaredFormat(raw: Record<string, unknown>, where: string): WeightFormat {
  const q = parseCheckpointQuantisation(raw, where);
  if (!q) return { kind: 'float', quantisation: q, description: 'floats' };
  if (q.method === 'fp8') return { kind: 'fp8-block', quantisation: q, description: `FP8 e4m3, ${q.block.join('×')} block scales (weight_scale_inv)` };
  return { kind: 'int4-packed', quantisation: q, description: `int4, compressed-tensors pack-quantized, groups of ${q.groupSize} (weight_packed, weight_scale)` };
}

/** One tensor the config implies (Loupe's name), as the checkpoint stores it. */
export interface LocatedTensor extends CheckpointTensor {
  weight: StoredWeight;
  /** The stored tensors behind it, by the checkpoint's names. */
  parts: string[];
}

/**
 * Finds each tensor the config implies in the headers, in the form the declared format allows
 * for it, its scales checked. Refuses a missing tensor, a wrong shape, or a dtype Loupe cannot
 * read there. Headers only: a packed weight's `weight_shape` values are taken as the config's
 * (convert reads and checks them).
 */
export function locateTensors(expected: readonly CheckpointTensor[], stored: ReadonlyMap<string, StoredTensor>, format: WeightFormat, naming: TensorNaming, dir: string): LocatedTensor[] {
  const lookUp = (tensor: string) => {
    const t = stored.get(naming.toCheckpoint(tensor));
    return t && { dtype: t.dtype, shape: t.shape, file: `${dir}/${t.file}` };
  };
  return expected.map(({ name, shape }) => {
    const weight = locateWeight(name, shape, format.quantisation, lookUp, () => Int32Array.from(shape));
    if (!weight) {
      throw new LoupeError(
        'MODEL_CORRUPT',
        `${dir}: tensor ${naming.toCheckpoint(name)} is missing (config.json implies it). The download is incomplete, or the weights are not the release config.json describes: download them together again.`,
      );
    }
    return { name, shape, weight, parts: storedTensorsOf(weight).map((p) => naming.toCheckpoint(p)) };
  });
}

/** The format in words, with the float dtypes found: "BF16 (F32 for 2 tensors)", "FP8 … for 120 weights; elsewhere BF16". */
export function describeFound(format: WeightFormat, located: readonly LocatedTensor[]): string {
  const dtypes = located.flatMap((t) => (t.weight.kind === 'float' ? [t.weight.dtype] : []));
  const count = (d: string) => dtypes.filter((x) => x === d).length;
  const floats = [...new Set(dtypes)].sort((a, b) => count(b) - count(a));
  const others = floats.slice(1).map((d) => `${d} for ${count(d)} tensor${count(d) === 1 ? '' : 's'}`);
  const floatText = floats.length ? `${floats[0]}${others.length ? ` (${others.join(', ')})` : ''}` : '';
  if (format.kind === 'float') return floatText || 'no tensors';
  const quantised = located.length - dtypes.length;
  return `${format.description} for ${quantised} weight${quantised === 1 ? '' : 's'}${floatText ? `; elsewhere ${floatText}` : ''}`;
}

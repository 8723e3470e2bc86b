// The two pre-quantised forms published Kimi / DeepSeek checkpoints come in, read as they are:
//
// - FP8 blocks (DeepSeek-V3, Kimi K2): `quantization_config.quant_method: "fp8"`, `fmt: "e4m3"`,
//   `weight_block_size: [128, 128]`. A quantised linear keeps its name `X.weight`, stored
//   F8_E4M3, beside `X.weight_scale_inv` (F32, [⌈rows/128⌉, ⌈cols/128⌉]); its values are
//   code × scale_inv of the code's 128×128 block. Which linears are quantised is what the
//   checkpoint holds: the decoder's projections; norms, embedding, head and router stay BF16/F32.
// - compressed-tensors `pack-quantized` int4 (Kimi K2.5, routed experts only): `X.weight` is
//   replaced by `X.weight_packed` (I32, eight 4-bit codes a word, element i at bits 4·(i mod 8)
//   of word ⌊i/8⌋ along the row, each code stored as q + 8), `X.weight_scale` ([rows, ⌈cols/g⌉],
//   the model's float dtype, BF16) and `X.weight_shape` (I32 [2]: rows, cols). Symmetric: the
//   value is scale × q, q = code − 8 in [−8, 7].
//
// Opening checks each quantised weight's companions (present, dtype, shape) so that a damaged
// or half-copied release is reported by tensor name before anything is converted.
import { LoupeError } from '../errors.ts';

export type CheckpointQuantisation =
  | { method: 'fp8'; /** [rows, cols] of one scale's block. */ block: [number, number] }
  | { method: 'pack-quantized'; bits: 4; groupSize: number };

/** How one logical weight (a name `checkpointTensors` lists) is stored in the checkpoint. */
export type StoredWeight =
  | { kind: 'float'; tensor: string; dtype: 'F32' | 'F16' | 'BF16' }
  | { kind: 'fp8-block'; tensor: string; scaleInv: string; block: [number, number] }
  | { kind: 'int4-packed'; packed: string; scale: string; shapeTensor: string; groupSize: number; /** The unpacked [rows, cols]. */ shape: [number, number] };

const READABLE = 'Loupe converts BF16, F16 or F32 checkpoints, FP8 block-quantised ones (quant_method "fp8", e4m3, as DeepSeek-V3 and Kimi K2 ship) and compressed-tensors int4 "pack-quantized" ones (as Kimi K2.5 ships)';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * The checkpoint's quantisation from config.json (`quantization_config` at the top, or under
 * `text_config` as Kimi K2.5 writes it); null when there is none. Anything Loupe cannot read
 * exactly is refused here, saying what to convert instead.
 */
export function parseCheckpointQuantisation(rawConfig: Record<string, unknown>, where: string): CheckpointQuantisation | null {
  const text = isObject(rawConfig.text_config) ? rawConfig.text_config : {};
  const q = rawConfig.quantization_config ?? text.quantization_config;
  if (q === undefined || q === null) return null;
  const unsupported = (what: string) => new LoupeError('MODEL_UNSUPPORTED', `${where}: ${what}. ${READABLE}.`);
  if (!isObject(q)) throw unsupported('quantization_config is not an object');
  const method = q.quant_method;
  if (method === 'fp8') {
    if (q.fmt !== undefined && q.fmt !== 'e4m3') throw unsupported(`the FP8 format is ${JSON.stringify(q.fmt)}, not e4m3`);
    const block = q.weight_block_size;
    if (!Array.isArray(block) || block.length !== 2 || !block.every(positiveInt)) {
      throw unsupported('the FP8 checkpoint has no weight_block_size [rows, cols] (per-tensor FP8 scales are not read); use the block-quantised release or the BF16 one');
    }
    return { method: 'fp8', block: [block[0], block[1]] };
  }
  if (method === 'compressed-tensors') {
    if (q.format !== 'pack-quantized') throw unsupported(`the compressed-tensors format is ${JSON.stringify(q.format)}; only "pack-quantized" int4 is read`);
    const groups = isObject(q.config_groups) ? Object.entries(q.config_groups) : [];
    if (groups.length === 0) throw unsupported('the compressed-tensors config has no config_groups');
    let groupSize: number | undefined;
    for (const [name, group] of groups) {
      const w = isObject(group) && isObject(group.weights) ? group.weights : undefined;
      const ok = w && w.num_bits === 4 && w.type === 'int' && w.symmetric === true && w.strategy === 'group' && positiveInt(w.group_size) && !w.dynamic;
      if (!ok) {
        throw unsupported(`config group ${name} quantises weights as ${JSON.stringify(w ?? null)}; only symmetric 4-bit int weights in groups (strategy "group") are read`);
      }
      if (groupSize !== undefined && groupSize !== w.group_size) throw unsupported(`config groups use different group sizes (${groupSize}, ${String(w.group_size)})`);
      groupSize = w.group_size as number;
    }
    return { method: 'pack-quantized', bits: 4, groupSize: groupSize! };
  }
  throw unsupported(
    `the checkpoint is quantised with ${JSON.stringify(method ?? 'an unnamed method')}, which Loupe does not read (converting it would quantise already-rounded values again); convert the model's original release instead`,
  );
}

/** A tensor as a checkpoint's headers give it; undefined when no shard holds it. */
export type LookUp = (tensor: string) => { dtype: string; shape: number[]; file: string } | undefined;

const corrupt = (file: string, what: string) => new LoupeError('MODEL_CORRUPT', `${file}: ${what}`);
const cdiv = (a: number, b: number) => Math.ceil(a / b);
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Where and how the weight `name` of shape `shape` is stored, its companions checked; undefined
 * when the checkpoint holds it in no form. `readShape` reads a packed weight's `weight_shape`.
 */
export function locateWeight(
  name: string,
  shape: readonly number[],
  quantisation: CheckpointQuantisation | null,
  lookUp: LookUp,
  readShape: (tensor: string) => Int32Array,
): StoredWeight | undefined {
  const plain = lookUp(name);
  const module = name.endsWith('.weight') ? name.slice(0, -'.weight'.length) : null;
  const dims = `[${shape.join(', ')}]`;
  if (plain) {
    if (!same(plain.shape, shape)) throw corrupt(plain.file, `tensor ${name} has shape [${plain.shape.join(', ')}] but config.json implies ${dims}.`);
    if (plain.dtype === 'F8_E4M3' && quantisation?.method === 'fp8' && module && shape.length === 2) {
      const scaleName = `${module}.weight_scale_inv`;
      const scale = lookUp(scaleName);
      const [rows, cols] = [cdiv(shape[0]!, quantisation.block[0]), cdiv(shape[1]!, quantisation.block[1])];
      if (!scale) throw corrupt(plain.file, `tensor ${name} is F8_E4M3 but its block scales ${scaleName} are missing (F32 [${rows}, ${cols}]); the checkpoint is incomplete: download it again.`);
      if (scale.dtype !== 'F32' || !same(scale.shape, [rows, cols])) {
        throw corrupt(scale.file, `tensor ${scaleName} is ${scale.dtype} [${scale.shape.join(', ')}]; the FP8 weight ${name} ${dims} in ${quantisation.block.join('×')} blocks needs F32 [${rows}, ${cols}].`);
      }
      return { kind: 'fp8-block', tensor: name, scaleInv: scaleName, block: quantisation.block };
    }
    if (plain.dtype === 'F32' || plain.dtype === 'F16' || plain.dtype === 'BF16') return { kind: 'float', tensor: name, dtype: plain.dtype };
    const hint = plain.dtype === 'F8_E4M3' ? ' without block scales (config.json says no FP8 block quantisation)' : '';
    throw new LoupeError('MODEL_UNSUPPORTED', `${plain.file}: tensor ${name} is ${plain.dtype}${hint}. ${READABLE}.`);
  }
  if (!module || quantisation?.method !== 'pack-quantized') return undefined;
  const packedName = `${module}.weight_packed`;
  const packed = lookUp(packedName);
  if (!packed) return undefined;
  if (shape.length !== 2) throw corrupt(packed.file, `tensor ${packedName}: ${name} is ${dims}; only 2-D weights are pack-quantized.`);
  const [N, K] = shape as [number, number];
  const g = quantisation.groupSize;
  const wrong = (tensor: string, found: { dtype: string; shape: number[] }, expected: string) =>
    corrupt(packed.file, `tensor ${tensor} is ${found.dtype} [${found.shape.join(', ')}]; the int4 weight ${name} ${dims} needs ${expected}.`);
  if (packed.dtype !== 'I32' || !same(packed.shape, [N, cdiv(K, 8)])) throw wrong(packedName, packed, `I32 [${N}, ${cdiv(K, 8)}] (eight 4-bit codes a word)`);
  const scaleName = `${module}.weight_scale`;
  const shapeName = `${module}.weight_shape`;
  const scale = lookUp(scaleName);
  const shapeEntry = lookUp(shapeName);
  const missing = (tensor: string, what: string) => corrupt(packed.file, `tensor ${packedName} is there but ${tensor} (${what}) is missing; the checkpoint is incomplete: download it again.`);
  if (!scale) throw missing(scaleName, `its group scales, [${N}, ${cdiv(K, g)}]`);
  if (!shapeEntry) throw missing(shapeName, 'I32 [2], the unpacked shape');
  // Scales widen to the runtime's float32 exactly from any of these.
  if (!['BF16', 'F16', 'F32'].includes(scale.dtype) || !same(scale.shape, [N, cdiv(K, g)])) throw wrong(scaleName, scale, `BF16, F16 or F32 [${N}, ${cdiv(K, g)}] (one scale per ${g} values)`);
  if (shapeEntry.dtype !== 'I32' || !same(shapeEntry.shape, [2])) throw wrong(shapeName, shapeEntry, 'I32 [2]');
  const stated = [...readShape(shapeName)];
  if (!same(stated, [N, K])) throw corrupt(shapeEntry.file, `tensor ${shapeName} says [${stated.join(', ')}] but config.json implies ${dims}.`);
  return { kind: 'int4-packed', packed: packedName, scale: scaleName, shapeTensor: shapeName, groupSize: g, shape: [N, K] };
}

/** The stored tensors behind a weight, itself included. */
export function storedTensorsOf(weight: StoredWeight): string[] {
  switch (weight.kind) {
    case 'float':
      return [weight.tensor];
    case 'fp8-block':
      return [weight.tensor, weight.scaleInv];
    case 'int4-packed':
      return [weight.packed, weight.scale, weight.shapeTensor];
  }
}

// `loupe models inspect`: what a Hugging Face checkpoint is and what converting it would give,
// from config.json and the shard headers alone. Family, weight format (and whether this Loupe
// converts it), what goes into the package and what is left out, the package's size at each
// quantisation, and how it would sit in memory under the budgets given.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointTensors } from '../checkpoint.ts';
import { isMoeLayer, parseModelConfig, type ModelConfig } from '../config.ts';
import { TOKENIZER_FILES, type QuantChoice } from '../convert-checkpoint.ts';
import type { FloatDtype } from '../package.ts';
import { LoupeError } from '../../errors.ts';
import { quantLayout } from '../quant.ts';
import { checkpointNaming, isMtpTensor } from '../tensor-names.ts';
import { readCheckpointHeaders, type StoredTensor } from './checkpoint-headers.ts';
import { checkpointFamily, type CheckpointFamily } from './family.ts';
import { packageSize, type PackageSize } from './package-size.ts';
import { placement, type Budgets, type Placement } from './placement.ts';
import { CONVERTS, declaredFormat, describeFound, locateTensors, type FormatKind } from './weight-format.ts';

export const QUANTS: readonly QuantChoice[] = ['int4', 'int8', 'none'];

export interface TensorGroup {
  tensors: number;
  /** Bytes in the checkpoint. */
  bytes: number;
  /** By the checkpoint's names. */
  names: string[];
}

export interface InspectReport {
  dir: string;
  family: CheckpointFamily;
  format: { kind: FormatKind; description: string; converts: boolean };
  /** Whether `loupe models convert` takes this checkpoint today, and if not, why. */
  convertible: boolean;
  refusals: string[];
  model: { layers: number; moeLayers: number; routedExperts: number; activatedExperts: number; sharedExperts: number; hidden: number; vocab: number };
  /** Tensors read into the package. */
  converted: { tensors: number; bytes: number };
  vision: { present: boolean; converted: boolean; note?: string };
  leftOut: { mtp: TensorGroup & { layers: number }; vision: TensorGroup; unused: TensorGroup };
  checkpointBytes: number;
  /** At each --quant, in the blocks convert would use (an int4 release's group size, else --block-size or 32). */
  sizes: Record<QuantChoice, Omit<PackageSize, 'tensors'>>;
  memory: { quant: QuantChoice; budgets: Budgets } & Placement;
}

export interface InspectOptions {
  /** The quantisation the memory plan is for; default int4. */
  quant?: QuantChoice;
  blockSize?: number;
  budgets: Budgets;
}

const group = (list: readonly StoredTensor[]): TensorGroup => ({ tensors: list.length, bytes: list.reduce((s, t) => s + t.bytes, 0), names: list.map((t) => t.name) });
const isVisionName = (name: string) => /^(vision_tower|vision_model|multi_modal_projector|mm_projector)\./.test(name);

export function inspectCheckpoint(dir: string, options: InspectOptions): InspectReport {
  if (options.blockSize !== undefined) {
    try {
      quantLayout(1, 1, 4, options.blockSize);
    } catch (e) {
      throw new LoupeError('INVALID_ARGUMENT', `${(e as Error).message}.`);
    }
  }
  const headers = readCheckpointHeaders(dir);
  const raw = headers.rawConfig;
  const configPath = join(dir, 'config.json');
  const family = checkpointFamily(raw, configPath);
  const format = declaredFormat(raw, configPath);
  const refusals: string[] = [];
  if (!CONVERTS[format.kind]) refusals.push(`this Loupe does not convert ${format.description} yet`);
  // As convert does: an int4 release's groups become the package's blocks unchanged, so its
  // group size is the block size, and another is refused rather than quantised a second time.
  const q = format.quantisation;
  const groupSize = q?.method === 'pack-quantized' ? q.groupSize : undefined;
  const blockSize = options.blockSize ?? groupSize ?? 32;
  if (groupSize !== undefined && blockSize !== groupSize) refusals.push(`its int4 weights are in groups of ${groupSize}, and --block-size ${blockSize} would quantise them a second time (leave it out, or use --quant none)`);
  let groupFits = true;
  try {
    quantLayout(1, 1, 4, blockSize);
  } catch {
    groupFits = false;
    refusals.push(`its int4 groups of ${blockSize} are not a block size the runtime takes (a power of two ≥ 16); only --quant none converts it`);
  }

  const config: ModelConfig = parseModelConfig(raw, configPath);
  const t = config.text_config;
  // K2.5's MoonViT3d (vision_config's vt_* keys) names its projector mm_projector.*.
  const naming = checkpointNaming(raw);
  const frames = config.vision_config?.init_pos_emb_time;

  const located = locateTensors(checkpointTensors(config), headers.tensors, format, naming, dir);
  const used = new Set(located.flatMap((x) => x.parts));
  const rest = [...headers.tensors.values()].filter((x) => !used.has(x.name));
  const mtp = rest.filter((x) => isMtpTensor(naming.fromCheckpoint(x.name), t));
  const others = rest.filter((x) => !isMtpTensor(naming.fromCheckpoint(x.name), t));
  const vision = others.filter((x) => isVisionName(x.name));
  const unused = others.filter((x) => !isVisionName(x.name));

  const weights = new Map(located.map((x) => [x.name, x.weight]));
  // As convert stores them: floats in their own dtype, a weight the checkpoint holds quantised
  // as F32 when kept as floats (--quant none), since neither FP8 blocks nor int4 groups fit BF16 exactly.
  const floatDtype = (name: string): FloatDtype => {
    const w = weights.get(name);
    return w?.kind === 'float' ? w.dtype : 'F32';
  };
  const tokenizerFiles = TOKENIZER_FILES.filter((f) => existsSync(join(dir, f))).map((name) => ({ name, bytes: statSync(join(dir, name)).size }));
  // A group size the runtime cannot take as blocks has no int4 or int8 package to size.
  const blocks = (quant: QuantChoice) => (quant === 'none' || groupFits ? blockSize : 32);
  const sized = Object.fromEntries(QUANTS.map((quant) => [quant, packageSize({ config, rawConfig: raw, dir, quant, blockSize: blocks(quant), floatDtype, tokenizerFiles })])) as Record<QuantChoice, PackageSize>;
  const quant = options.quant ?? 'int4';
  const sizes = Object.fromEntries(QUANTS.map((q) => [q, (({ tensors: _, ...s }) => s)(sized[q])])) as InspectReport['sizes'];

  const moeLayers = Array.from({ length: t.num_hidden_layers }, (_, i) => i).filter((i) => isMoeLayer(t, i)).length;
  const visionPresent = config.vision_config !== undefined || vision.length > 0;
  return {
    dir,
    family,
    format: { kind: format.kind, description: describeFound(format, located), converts: CONVERTS[format.kind] },
    convertible: refusals.length === 0,
    refusals,
    model: { layers: t.num_hidden_layers, moeLayers, routedExperts: t.n_routed_experts, activatedExperts: t.num_experts_per_tok, sharedExperts: t.n_shared_experts, hidden: t.hidden_size, vocab: t.vocab_size },
    converted: { tensors: located.length, bytes: [...used].reduce((s, n) => s + headers.tensors.get(n)!.bytes, 0) },
    vision: {
      present: visionPresent,
      converted: config.vision_config !== undefined,
      ...(frames !== undefined ? { note: `MoonViT3d: images, and video chunks of up to ${frames} frames` } : vision.length && !config.vision_config ? { note: 'vision tensors without a vision_config: left out' } : {}),
    },
    leftOut: { mtp: { ...group(mtp), layers: mtp.length ? t.num_nextn_predict_layers : 0 }, vision: group(vision), unused: group(unused) },
    checkpointBytes: [...headers.tensors.values()].reduce((s, x) => s + x.bytes, 0),
    sizes,
    memory: { quant, budgets: options.budgets, ...placement(sized[quant].tensors, t, options.budgets) },
  };
}

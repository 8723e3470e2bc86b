// One naming inside Loupe, two in published checkpoints. Packages, the runtime and the
// reference name the decoder's tensors as Kimi-VL does (`language_model.model.*`,
// `language_model.lm_head.weight`); DeepSeek-V3 and Kimi K2, whose config.json is the decoder
// alone, name them `model.*` and `lm_head.weight`. This module is the only place that knows
// both, so the checkpoint reader asks it and nothing else special-cases a layout.
//
// The projector has two names too: Kimi-VL's `multi_modal_projector.{pre_norm, linear_1,
// linear_2}`, which Loupe uses, and Kimi K2.5's `mm_projector.{pre_norm, proj.0, proj.2}` (an
// nn.Sequential of Linear, GELU, Linear, numbered by position; the GELU has no weights). The
// layers are the same; only the names differ.
import { configLayout, hasMoonVit3dKeys, type ConfigLayout, type TextConfig } from './config.ts';

const DECODER = 'language_model.';

export interface TensorNaming {
  readonly layout: ConfigLayout;
  /** The checkpoint's name for a tensor Loupe names `name`. */
  toCheckpoint(name: string): string;
  /** Loupe's name for a checkpoint tensor. */
  fromCheckpoint(stored: string): string;
}

const NESTED: TensorNaming = { layout: 'nested', toCheckpoint: (name) => name, fromCheckpoint: (stored) => stored };

/** Loupe's projector prefix → K2.5's. */
const K25_PROJECTOR: ReadonlyArray<readonly [string, string]> = [
  ['multi_modal_projector.pre_norm.', 'mm_projector.pre_norm.'],
  ['multi_modal_projector.linear_1.', 'mm_projector.proj.0.'],
  ['multi_modal_projector.linear_2.', 'mm_projector.proj.2.'],
];
const swapPrefix = (name: string, pairs: ReadonlyArray<readonly [string, string]>, from: 0 | 1) => {
  const pair = pairs.find((p) => name.startsWith(p[from]));
  return pair ? pair[1 - from] + name.slice(pair[from].length) : name;
};

const NESTED_K25: TensorNaming = {
  layout: 'nested',
  toCheckpoint: (name) => swapPrefix(name, K25_PROJECTOR, 0),
  fromCheckpoint: (stored) => swapPrefix(stored, K25_PROJECTOR, 1),
};

const FLAT: TensorNaming = {
  layout: 'flat',
  toCheckpoint: (name) => (name.startsWith(DECODER) ? name.slice(DECODER.length) : name),
  fromCheckpoint: (stored) => (stored.startsWith('model.') || stored === 'lm_head.weight' ? DECODER + stored : stored),
};

/** Which vision tower a nested checkpoint has: Kimi-VL's MoonViT or Kimi K2.5's MoonViT3d (whose projector is `mm_projector.*`). */
export type VisionFamily = 'moonvit' | 'moonvit3d';

export const tensorNaming = (layout: ConfigLayout, vision: VisionFamily = 'moonvit'): TensorNaming => (layout === 'flat' ? FLAT : vision === 'moonvit3d' ? NESTED_K25 : NESTED);

/** The naming a checkpoint's config.json implies: its layout, and MoonViT3d when its vision_config has the vt_* keys. */
export function checkpointNaming(rawConfig: unknown): TensorNaming {
  const vision = typeof rawConfig === 'object' && rawConfig !== null ? (rawConfig as { vision_config?: unknown }).vision_config : undefined;
  return tensorNaming(configLayout(rawConfig), hasMoonVit3dKeys(vision) ? 'moonvit3d' : 'moonvit');
}

/**
 * Whether a tensor (Loupe's name) belongs to a multi-token-prediction layer: DeepSeek-V3 stores
 * its `num_nextn_predict_layers` MTP modules as decoder layers numbered from num_hidden_layers
 * on. They only draft tokens for speculative decoding, which Loupe does not do, so a package
 * leaves them out.
 */
export function isMtpTensor(name: string, t: Pick<TextConfig, 'num_hidden_layers' | 'num_nextn_predict_layers'>): boolean {
  const layer = /^language_model\.model\.layers\.(\d+)\./.exec(name);
  if (!layer) return false;
  const i = Number(layer[1]);
  return i >= t.num_hidden_layers && i < t.num_hidden_layers + t.num_nextn_predict_layers;
}

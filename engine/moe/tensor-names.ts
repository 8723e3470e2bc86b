// One naming inside Loupe, two in published checkpoints. Packages, the runtime and the
// reference name the decoder's tensors as Kimi-VL does (`language_model.model.*`,
// `language_model.lm_head.weight`); DeepSeek-V3 and Kimi K2, whose config.json is the decoder
// alone, name them `model.*` and `lm_head.weight`. This module is the only place that knows
// both, so the checkpoint reader asks it and nothing else special-cases a layout.
import type { ConfigLayout, TextConfig } from './config.ts';

const DECODER = 'language_model.';

export interface TensorNaming {
  readonly layout: ConfigLayout;
  /** The checkpoint's name for a tensor Loupe names `name`. */
  toCheckpoint(name: string): string;
  /** Loupe's name for a checkpoint tensor. */
  fromCheckpoint(stored: string): string;
}

const NESTED: TensorNaming = { layout: 'nested', toCheckpoint: (name) => name, fromCheckpoint: (stored) => stored };

const FLAT: TensorNaming = {
  layout: 'flat',
  toCheckpoint: (name) => (name.startsWith(DECODER) ? name.slice(DECODER.length) : name),
  fromCheckpoint: (stored) => (stored.startsWith('model.') || stored === 'lm_head.weight' ? DECODER + stored : stored),
};

export const tensorNaming = (layout: ConfigLayout): TensorNaming => (layout === 'flat' ? FLAT : NESTED);

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

// The decoder's rotary frequencies and attention scale, with YaRN when the config asks for it,
// as DeepSeek-V3's inference/model.py makes them (precompute_freqs_cis and MLA's softmax_scale).
//
// That code applies YaRN only when the context it is run with exceeds the original one
// (`max_seq_len > original_seq_len`). Loupe takes the model's max_position_embeddings as that
// context, so a published config (163 840 > 4 096) always gets it, as it does in Hugging Face's
// modeling_deepseek, vLLM and SGLang, whatever the length of the prompt at hand: the model was
// trained with the scaled frequencies, not with plain RoPE.
import type { TextConfig } from '../config.ts';

type RopeConfig = Pick<TextConfig, 'qk_rope_head_dim' | 'rope_theta' | 'rope_scaling' | 'max_position_embeddings' | 'qk_nope_head_dim'>;

const f = Math.fround;

/** The YaRN settings when they apply to this config, else null. */
function yarnOf(c: RopeConfig) {
  const y = c.rope_scaling;
  return y && c.max_position_embeddings > y.original_max_position_embeddings ? y : null;
}

/**
 * inv_freq [rope/2] in float32. With YaRN, the pairs that turn more than beta_fast times over
 * the original context keep their frequency, those that turn fewer than beta_slow times are
 * divided by the factor, and a linear ramp blends the ones between.
 */
export function ropeInverseFrequencies(c: RopeConfig): Float32Array {
  const dr = c.qk_rope_head_dim;
  const half = dr / 2;
  const base = c.rope_theta;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = f(1 / f(base ** f((2 * i) / dr)));
  const y = yarnOf(c);
  if (!y) return inv;
  // The rotary dimension at which a pair turns `rotations` times over the original context.
  const dimOf = (rotations: number) => (dr * Math.log(y.original_max_position_embeddings / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
  const low = Math.max(Math.floor(dimOf(y.beta_fast)), 0);
  let high = Math.min(Math.ceil(dimOf(y.beta_slow)), dr - 1);
  if (low === high) high += 0.001;
  for (let i = 0; i < half; i++) {
    const ramp = f(Math.min(1, Math.max(0, f(f(i - low) / f(high - low)))));
    const keep = f(1 - ramp);
    inv[i] = f(f(f(inv[i]! / y.factor) * f(1 - keep)) + f(inv[i]! * keep));
  }
  return inv;
}

/** The attention logits' scale: (qk_nope + qk_rope)^−½, times mscale² with YaRN. */
export function attentionScale(c: RopeConfig): number {
  const scale = (c.qk_nope_head_dim + c.qk_rope_head_dim) ** -0.5;
  const y = yarnOf(c);
  if (!y) return scale;
  const mscale = 0.1 * y.mscale_all_dim * Math.log(y.factor) + 1;
  return scale * mscale * mscale;
}

// The whole reference model: token ids and images → logits at every position, the ground truth
// the optimised runtime is checked against (KimiVLForConditionalGeneration.forward).
import type { ModelConfig } from '../../../engine/moe/config.ts';
import { LoupeError } from '../../../engine/errors.ts';
import type { Tensor, WeightSource } from '../../../engine/moe/tensor.ts';
import { decoderForward, embed, type LayerRouting } from './decoder.ts';
import type { PreprocessedImage } from '../../../engine/moe/image-processor.ts';
import { visionForward } from './vision.ts';

export interface ModelOutput {
  /** [T, V] */
  logits: Tensor;
  /** Per MoE layer, the experts each token chose and their weights. */
  routing: LayerRouting[];
  /** Per image, the projected features [count, H] that replaced its placeholder tokens. */
  imageFeatures: Float32Array[];
}

/**
 * Embeds the ids, replaces the embeddings of the media placeholder ids — in order, across all
 * images — with the images' projected features (_merge_with_image_features), and runs the
 * decoder. The number of placeholder ids must equal the images' merged-patch count.
 */
export function modelForward(weights: WeightSource, config: ModelConfig, ids: ArrayLike<number>, images: readonly PreprocessedImage[] = []): ModelOutput {
  const text = config.text_config;
  const H = text.hidden_size;
  const inputs = embed(weights, text, ids);

  const placeholder = config.media_placeholder_token_id;
  const slots: number[] = [];
  if (placeholder !== undefined) for (let t = 0; t < ids.length; t++) if (ids[t] === placeholder) slots.push(t);

  let imageFeatures: Float32Array[] = [];
  if (images.length) {
    if (placeholder === undefined) throw new LoupeError('MODEL_UNSUPPORTED', 'This model has no media placeholder token; it cannot take images.');
    imageFeatures = visionForward(weights, config, images);
  }
  const featureRows = imageFeatures.reduce((n, f) => n + f.length / H, 0);
  if (featureRows !== slots.length)
    throw new LoupeError(
      'INVALID_ARGUMENT',
      `The prompt has ${slots.length} image placeholder token${slots.length === 1 ? '' : 's'} but the ${images.length} image${images.length === 1 ? '' : 's'} give${images.length === 1 ? 's' : ''} ${featureRows} feature${featureRows === 1 ? '' : 's'}; each image needs one placeholder per merged patch.`,
    );
  let slot = 0;
  for (const features of imageFeatures)
    for (let r = 0; r < features.length / H; r++) inputs.data.set(features.subarray(r * H, (r + 1) * H), slots[slot++]! * H);

  const { logits, routing } = decoderForward(weights, text, inputs);
  return { logits, routing, imageFeatures };
}

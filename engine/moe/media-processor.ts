// Which media processor a model package's pictures go through, from its copy of the release's
// preprocessor_config.json: Kimi-VL's image processor (settings at the top of the file), or
// Kimi K2.5's, which also takes video (settings under `media_proc_cfg`).
import { readFileSync } from 'node:fs';
import { LoupeError } from '../errors.ts';
import type { VisionConfig } from './config.ts';
import { imageProcessorFromJson, KIMI_VL_IMAGE_PROCESSOR, PREPROCESSOR_CONFIG, preprocessImage, type ImageProcessorConfig, type PreprocessedImage } from './image-processor.ts';
import { k25MediaConfigFromJson, preprocessK25Image, type K25MediaConfig, type RgbaPicture } from './k25-media-processor.ts';
import type { ModelPackage } from './package.ts';

export type MediaProcessor = { kind: 'kimi-vl'; config: ImageProcessorConfig } | { kind: 'kimi-k2.5'; config: K25MediaConfig };

/**
 * The package's media processor; Kimi-VL-A3B's published settings for a package converted
 * without the file (or without a vision encoder, which never reads them).
 */
export function mediaProcessorOf(pkg: ModelPackage): MediaProcessor {
  const file = pkg.manifest.tokenizer?.files.find((f) => f.endsWith(`/${PREPROCESSOR_CONFIG}`));
  const vision = pkg.config.vision_config;
  if (!file || !vision) return { kind: 'kimi-vl', config: KIMI_VL_IMAGE_PROCESSOR };
  const path = pkg.tokenizerPath(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LoupeError('MODEL_CORRUPT', `${path} is not JSON (${(e as Error).message}). Convert the model again.`, { cause: e });
  }
  if (json && typeof json === 'object' && 'media_proc_cfg' in json) return { kind: 'kimi-k2.5', config: k25MediaConfigFromJson(json, path) };
  return { kind: 'kimi-vl', config: imageProcessorFromJson(json, vision, path) };
}

/** One picture through the package's processor. */
export function preprocessPicture(processor: MediaProcessor, picture: RgbaPicture, vision: Pick<VisionConfig, 'patch_size' | 'merge_kernel_size'>): PreprocessedImage {
  return processor.kind === 'kimi-k2.5'
    ? preprocessK25Image(picture, vision, processor.config)
    : preprocessImage(picture.rgba, picture.width, picture.height, vision, processor.config);
}

/** What to do instead when a video comes to a model whose processor reads images only. */
export const VIDEO_NEEDS_K25 = "Kimi-VL's processor reads images, not video. Send frames of the video as images (--image), or use a Kimi K2.5 package, which takes video.";

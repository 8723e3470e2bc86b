// The vision encoder's benchmark figure: patches per second of the runtime's tower, merger and
// projector, on the model package's own vision weights, for a screenshot-sized random picture
// after the package's own preprocessing.
import { mediaTokenCount } from '../../engine/moe/image-processor.ts';
import { mediaProcessorOf, preprocessPicture } from '../../engine/moe/media-processor.ts';
import type { ModelPackage } from '../../engine/moe/package.ts';
import { packageWeights } from '../../engine/moe/runtime/package-weights.ts';
import { VisionRuntime } from '../../engine/moe/runtime/vision.ts';
import { randomImage } from '../../testing/moe/reference/random-weights.ts';

export interface VisionThroughputOptions {
  /** The package whose vision tower, projector and media processor are timed. */
  pkg: ModelPackage;
  width: number;
  height: number;
  threads: number;
  /** Timed encodes after one untimed warm-up; the best is reported. */
  repeats?: number;
  /** A video chunk of this many different pictures (a MoonViT3d tower, Kimi K2.5's); default one picture. */
  frames?: number;
}

export interface VisionThroughput {
  patchesPerS: number;
  /** Patches of all the frames. */
  patches: number;
  frames: number;
  gridH: number;
  gridW: number;
  /** Merged tokens the image becomes in the prompt. */
  tokens: number;
  /** The tower's encoder blocks. */
  layers: number;
  /** The best timed encode. */
  encodeMs: number;
  preprocessMs: number;
  threads: number;
}

/**
 * Patches per second of the package's vision encoder (tower, merger and projector) on a random
 * picture of the given size after the package's preprocessing. Loading the weights, building
 * the sessions, preprocessing and the first encode (onnxruntime's allocations) are not timed.
 */
export function visionThroughput({ pkg, width, height, threads, repeats = 2, frames }: VisionThroughputOptions): VisionThroughput {
  const vision = pkg.config.vision_config;
  if (!vision) throw new RangeError(`${pkg.dir}: the package has no vision encoder`);
  const runtime = new VisionRuntime(packageWeights(pkg), pkg.config, { threads });
  try {
    runtime.load();
    const processor = mediaProcessorOf(pkg);
    const T = frames ?? 1;
    const pictures = Array.from({ length: T }, (_, f) => ({ rgba: randomImage(width, height, 2 + f), width, height }));
    let start = performance.now();
    const each = pictures.map((picture) => preprocessPicture(processor, picture, vision));
    const preprocessMs = performance.now() - start;
    // A chunk is its frames' patches one after another.
    const patchesOf = new Float32Array(each.reduce((n, im) => n + im.patches.length, 0));
    each.forEach((im, f) => patchesOf.set(im.patches, f * im.patches.length));
    const image = frames === undefined ? each[0]! : { ...each[0]!, patches: patchesOf, gridT: T };
    runtime.encode([image]);
    let best = Infinity;
    for (let r = 0; r < Math.max(1, repeats); r++) {
      start = performance.now();
      runtime.encode([image]);
      best = Math.min(best, performance.now() - start);
    }
    const patches = T * image.gridH * image.gridW;
    return {
      patchesPerS: patches / (best / 1000),
      patches,
      frames: T,
      gridH: image.gridH,
      gridW: image.gridW,
      tokens: mediaTokenCount(image, vision.merge_kernel_size),
      layers: vision.num_hidden_layers,
      encodeMs: best,
      preprocessMs,
      threads,
    };
  } finally {
    runtime.release();
  }
}

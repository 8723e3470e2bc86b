// The vision encoder's benchmark figure: patches per second of the runtime's tower, merger and
// projector on a random MoonViT-shaped tower of bench size, for a screenshot-sized random picture
// after Kimi-VL's preprocessing.
import { parseModelConfig, type ModelConfig } from '../../engine/moe/config.ts';
import { KIMI_VL_IMAGE_PROCESSOR, mediaTokenCount, preprocessImage } from '../../engine/moe/image-processor.ts';
import { VisionRuntime } from '../../engine/moe/runtime/vision.ts';
import { randomImage, randomWeights } from '../../testing/moe/reference/random-weights.ts';

export interface VisionThroughputOptions {
  width: number;
  height: number;
  threads: number;
  /** The text hidden size the projector maps to (the bench model's). */
  textHidden?: number;
  /** Timed encodes after one untimed warm-up; the best is reported. */
  repeats?: number;
  /** A video chunk of this many different pictures on a MoonViT3d tower (Kimi K2.5's) of the same size; default one picture on MoonViT. */
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
  /** The best timed encode. */
  encodeMs: number;
  preprocessMs: number;
  threads: number;
}

/**
 * Patches per second of the vision encoder (tower, merger and projector) on a random
 * MoonViT-shaped tower of bench size (hidden 384, 4 blocks, 6 heads, MLP 1536, a 64×64 learned
 * position grid) for a random picture of the given size after Kimi-VL's preprocessing (scaled
 * down to 4 096 patches, padded to whole 2×2 merges). Building the weights and the session,
 * preprocessing and the first encode (onnxruntime's allocations) are outside the timing.
 */
export function visionThroughput({ width, height, threads, textHidden = 1024, repeats = 2, frames }: VisionThroughputOptions): VisionThroughput {
  const config = benchVisionConfig(textHidden, frames !== undefined);
  const weights = randomWeights(config, 1);
  const runtime = new VisionRuntime({ get: (n) => weights.get(n), quantised: () => undefined }, config, { threads });
  try {
    runtime.load();
    const T = frames ?? 1;
    const pictures = Array.from({ length: T }, (_, f) => randomImage(width, height, 2 + f));
    let start = performance.now();
    const each = pictures.map((pixels) => preprocessImage(pixels, width, height, config.vision_config!, KIMI_VL_IMAGE_PROCESSOR));
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
    return { patchesPerS: patches / (best / 1000), patches, frames: T, gridH: image.gridH, gridW: image.gridW, tokens: mediaTokenCount(image, config.vision_config!.merge_kernel_size), encodeMs: best, preprocessMs, threads };
  } finally {
    runtime.release();
  }
}

/** A bench-sized vision tower on the smallest text model that parses (only its hidden size matters here); MoonViT3d's keys when `video`. */
function benchVisionConfig(textHidden: number, video = false): ModelConfig {
  const tower = { num_attention_heads: 6, num_hidden_layers: 4, hidden_size: 384, intermediate_size: 1536 };
  return parseModelConfig(
    {
      text_config: {
        vocab_size: 8, hidden_size: textHidden, intermediate_size: 8, moe_intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 1,
        n_routed_experts: 1, n_shared_experts: 0, num_experts_per_tok: 1, first_k_dense_replace: 1, q_lora_rank: null, kv_lora_rank: 4,
        qk_nope_head_dim: 4, qk_rope_head_dim: 2, v_head_dim: 4, scoring_func: 'sigmoid', routed_scaling_factor: 1, norm_topk_prob: true,
        n_group: 1, topk_group: 1, rms_norm_eps: 1e-5, rope_theta: 10000, max_position_embeddings: 64,
      },
      vision_config: {
        patch_size: 14, init_pos_emb_height: 64, init_pos_emb_width: 64, merge_kernel_size: [2, 2],
        ...(video
          ? { vt_num_attention_heads: tower.num_attention_heads, vt_num_hidden_layers: tower.num_hidden_layers, vt_hidden_size: tower.hidden_size, vt_intermediate_size: tower.intermediate_size, init_pos_emb_time: 4, merge_type: 'sd2_tpool' }
          : tower),
      },
      media_placeholder_token_id: 7,
    },
    'the bench vision tower',
  );
}

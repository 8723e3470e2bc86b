// The vision runtime against the plain reference on tiny random models: one image at the
// position embedding's own grid, images of different grids encoded together, a grid the
// embedding is resized to, and a tower cut into one graph per block.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoupeError } from '../../errors.ts';
import type { ModelConfig } from '../config.ts';
import { mediaTokenCount, preprocessImage, type PreprocessedImage } from '../image-processor.ts';
import { randomImage, randomWeights, tinyConfig, type MemoryWeights } from '../../../testing/moe/reference/random-weights.ts';
import { visionForward } from '../../../testing/moe/reference/vision.ts';
import type { RuntimeWeights } from './graphs.ts';
import { towerSegments, VisionRuntime, type VisionOptions } from './vision.ts';

const runtimeWeights = (w: MemoryWeights): RuntimeWeights => ({ get: (n) => w.get(n), quantised: () => undefined });

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Encodes the images with the runtime and checks each against the reference's packed forward pass. */
function checkAgainstReference(config: ModelConfig, weights: MemoryWeights, images: PreprocessedImage[], options: VisionOptions = { threads: 1 }) {
  const reference = visionForward(weights, config, images);
  const runtime = new VisionRuntime(runtimeWeights(weights), config, options);
  try {
    const got = runtime.encode(images);
    assert.equal(got.length, images.length);
    got.forEach((features, i) => {
      assert.equal(features.length, mediaTokenCount(images[i]!, config.vision_config!.merge_kernel_size) * config.text_config.hidden_size);
      const diff = maxDiff(features, reference[i]!);
      assert.ok(diff < 1e-4, `image ${i} (${images[i]!.gridH}×${images[i]!.gridW}): max |Δ| ${diff}`);
    });
    return runtime.traffic.runs;
  } finally {
    runtime.release();
  }
}

test('one image at the position embedding\'s own 4×4 grid: features match the reference within 1e-4', () => {
  const config = tinyConfig();
  config.vision_config!.init_pos_emb_height = 4;
  const weights = randomWeights(config, 11);
  const image = preprocessImage(randomImage(56, 56, 3), 56, 56, config.vision_config!);
  assert.deepEqual([image.gridH, image.gridW], [4, 4]);
  assert.equal(checkAgainstReference(config, weights, [image]), 1, 'one session run for the image');
});

test('images of different grids encoded together: each matches the reference\'s packed pass, a grid seen again included', () => {
  const config = tinyConfig();
  const weights = randomWeights(config, 5);
  const v = config.vision_config!;
  const a = preprocessImage(randomImage(56, 28, 6), 56, 28, v); // 2×4
  const b = preprocessImage(randomImage(30, 60, 7), 30, 60, v); // 6×4 (padded)
  const c = preprocessImage(randomImage(50, 20, 8), 50, 20, v); // 2×4 again, other pixels
  assert.notDeepEqual([a.gridH, a.gridW], [b.gridH, b.gridW]);
  assert.equal(checkAgainstReference(config, weights, [a, b, c]), 3);
});

test('a grid other than the position embedding\'s (bicubic-resized, taller and wider): features match the reference', () => {
  const config = tinyConfig(); // pos emb 5×4
  const weights = randomWeights(config, 8);
  const image = preprocessImage(randomImage(120, 90, 4), 120, 90, config.vision_config!);
  assert.deepEqual([image.gridH, image.gridW], [8, 10]);
  checkAgainstReference(config, weights, [image]);
});

test('a tower cut into one graph per block gives the same features (how a tower past protobuf\'s 2 GiB runs)', () => {
  const config = tinyConfig();
  config.vision_config!.num_hidden_layers = 3;
  const weights = randomWeights(config, 13);
  const v = config.vision_config!;
  assert.deepEqual(towerSegments(v, config.text_config.hidden_size, 1), [[0, 1], [1, 2], [2, 3]]);
  const images = [preprocessImage(randomImage(84, 56, 1), 84, 56, v), preprocessImage(randomImage(28, 28, 2), 28, 28, v)];
  assert.equal(checkAgainstReference(config, weights, images, { threads: 1, maxGraphBytes: 1 }), 2 * 3, 'three segments per image');
});

test('a bench tower is one graph; a Kimi-VL-sized one (1.6 GB of float32 blocks) is cut into consecutive segments', () => {
  const bench = { patch_size: 14, init_pos_emb_height: 64, init_pos_emb_width: 64, num_attention_heads: 6, num_hidden_layers: 4, hidden_size: 384, intermediate_size: 1536, merge_kernel_size: [2, 2] as [number, number] };
  assert.deepEqual(towerSegments(bench, 1024, 1 << 30), [[0, 4]]);
  const moonVit = { ...bench, num_attention_heads: 16, num_hidden_layers: 27, hidden_size: 1152, intermediate_size: 4304 };
  const segments = towerSegments(moonVit, 2048, 1 << 30);
  assert.ok(segments.length >= 2);
  assert.deepEqual(segments.flatMap(([from, to]) => [from, to]).filter((_, i, all) => i === 0 || i === all.length - 1), [0, 27]);
  segments.slice(1).forEach(([from], i) => assert.equal(from, segments[i]![1], 'consecutive'));
});

test('a model without a vision encoder is refused when the runtime is made', () => {
  const config = tinyConfig({ withVision: false });
  assert.throws(() => new VisionRuntime(runtimeWeights(randomWeights(config, 1)), config, { threads: 1 }), (e: unknown) => e instanceof LoupeError && e.code === 'MODEL_UNSUPPORTED');
});

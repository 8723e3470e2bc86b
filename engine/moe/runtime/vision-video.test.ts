// Kimi K2.5's MoonViT3d end to end on the tiny checkpoint in K2.5's layout (vt_* keys,
// mm_projector.*, int4 pack-quantized experts): converted to a package, its vision runs on an image and on a 4-frame video
// chunk, each against the reference (testing/moe/reference/vision.ts), and the frames matter.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isLoupeError } from '../../errors.ts';
import { convertCheckpoint } from '../convert-checkpoint.ts';
import { preprocessImage, type PreprocessedImage } from '../image-processor.ts';
import { openPackage } from '../package.ts';
import { randomImage, randomWeights, tinyConfig } from '../../../testing/moe/reference/random-weights.ts';
import { visionForward } from '../../../testing/moe/reference/vision.ts';
import { writeReleaseCheckpoint } from '../../../testing/moe/quantised-checkpoint.ts';
import { packageWeights } from './package-weights.ts';
import { VisionRuntime } from './vision.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-k25-vision-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const maxDiff = (a: Float32Array, b: Float32Array) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** The frames' patches one after another, as a video chunk [T, gh·gw, 3, p, p]. */
function chunk(frames: PreprocessedImage[]): PreprocessedImage {
  const patches = new Float32Array(frames.reduce((n, f) => n + f.patches.length, 0));
  let o = 0;
  for (const f of frames) {
    assert.deepEqual([f.gridH, f.gridW], [frames[0]!.gridH, frames[0]!.gridW]);
    patches.set(f.patches, o);
    o += f.patches.length;
  }
  return { ...frames[0]!, patches, gridT: frames.length };
}

test('a tiny K2.5 release-format checkpoint converts; its vision runs an image and a 4-frame video within 1e-3 of the reference, and other frames give other features', async () => {
  const hf = join(root, 'hf');
  const out = join(root, 'pkg');
  // As K2.5 is published: int4 pack-quantized routed experts, sharded with an index, mm_projector.*.
  await writeReleaseCheckpoint(hf, 'int4', { seed: 21, vision: 'moonvit3d', shards: 2 });
  const written = JSON.parse(readFileSync(join(hf, 'config.json'), 'utf8'));
  assert.equal(written.text_config.quantization_config.format, 'pack-quantized');
  assert.equal(written.vision_config.vt_hidden_size, 32);
  await convertCheckpoint(hf, out, { quant: 'int4' });
  const pkg = openPackage(out);
  const config = pkg.config;
  const v = config.vision_config!;
  assert.equal(v.init_pos_emb_time, 4);

  const frames = [1, 2, 3, 4].map((seed) => preprocessImage(randomImage(56, 84, seed), 56, 84, v));
  assert.deepEqual([frames[0]!.gridH, frames[0]!.gridW], [6, 4]);
  const image = frames[0]!;
  const video = chunk(frames);
  const still = chunk([image, image, image, image]);

  const runtime = new VisionRuntime(packageWeights(pkg), config, { threads: 1 });
  try {
    const got = runtime.encode([image, video, still]);
    const want = visionForward(pkg, config, [image, video, still]);
    const tokens = (6 / 2) * (4 / 2);
    for (const [i, what] of ['image', '4-frame video', '4 copies of the image'].entries()) {
      assert.equal(got[i]!.length, tokens * config.text_config.hidden_size, `${what}: one token per merged 2×2 cell, the frames pooled`);
      const diff = maxDiff(got[i]!, want[i]!);
      assert.ok(diff < 1e-3, `${what}: max |Δ| ${diff}`);
    }
    // Frames that differ give other embeddings than repeated ones; and repeating the image is not
    // the image (each frame gets its time embedding, and attention spans the chunk).
    assert.ok(maxDiff(got[1]!, got[2]!) > 1e-2, 'the video path depends on the frames');
    assert.ok(maxDiff(got[2]!, got[0]!) > 1e-3, 'four frames are not one image');
  } finally {
    runtime.release();
  }

  // More frames than init_pos_emb_time is refused by name.
  const runtime2 = new VisionRuntime(packageWeights(pkg), config, { threads: 1 });
  try {
    assert.throws(() => runtime2.encode([chunk([...frames, image])]), (e: unknown) => isLoupeError(e) && e.code === 'MODEL_UNSUPPORTED' && /5 frames; this vision encoder takes 1 to 4/.test(e.message));
  } finally {
    runtime2.release();
  }
});

test("for an image, MoonViT3d's path is MoonViT's: the same weights give the same features; MoonViT refuses a video chunk", () => {
  const config = tinyConfig();
  const weights = randomWeights(config, 4);
  const image = preprocessImage(randomImage(56, 56, 9), 56, 56, config.vision_config!);
  const plain = new VisionRuntime({ get: (n) => weights.get(n), quantised: () => undefined }, config, { threads: 1 });
  const k25 = { ...config, vision_config: { ...config.vision_config!, init_pos_emb_time: 4 } };
  const temporal = new VisionRuntime({ get: (n) => weights.get(n), quantised: () => undefined }, k25, { threads: 1 });
  try {
    assert.ok(maxDiff(plain.encode([image])[0]!, temporal.encode([image])[0]!) < 1e-6);
    assert.throws(() => plain.encode([{ ...image, patches: new Float32Array(2 * image.patches.length), gridT: 2 }]), /takes single images, not video chunks/);
  } finally {
    plain.release();
    temporal.release();
  }
});

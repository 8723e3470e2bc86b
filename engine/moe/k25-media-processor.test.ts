// Kimi K2.5's media processor against numbers worked out from its code (media_utils.py,
// kimi_k25_vision_processing.py) by hand: the navit sizes and paddings, the per-frame budget of a
// video chunk, which frames a video gives and how the chunks are stamped, and the patches' values.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LoupeError } from '../errors.ts';
import { resizeBicubicPil } from './image-processor.ts';
import { chunkFrameLimit, k25MediaConfigFromJson, navitResize, planVideoChunks, preprocessK25Chunk, preprocessK25Image, timestampAsStr, type K25MediaConfig } from './k25-media-processor.ts';
import { familyDir } from '../../testing/moe/published-checkpoint.ts';

const file = join(familyDir('kimi-k2.5'), 'preprocessor_config.json');
const published = k25MediaConfigFromJson(JSON.parse(readFileSync(file, 'utf8')), file);
const vision = { patch_size: 14, merge_kernel_size: [2, 2] as [number, number] };
const code = (c: string, text: RegExp) => (e: unknown) => e instanceof LoupeError && e.code === c && text.test(e.message);

test("the release's media_proc_cfg is read as published; a fixed token count and a missing key are refused, saying what to do", () => {
  assert.deepEqual(published, {
    patchSize: 14,
    mergeKernelSize: 2,
    inPatchLimit: 16384,
    patchLimitOnOneSide: 512,
    inPatchLimitEachFrame: 4096,
    inPatchLimitVideo: null,
    sampleFps: 2,
    temporalMergeKernelSize: 4,
    timestampMode: 'hh:mm:ss.fff',
    imageMean: [0.5, 0.5, 0.5],
    imageStd: [0.5, 0.5, 0.5],
  });
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  assert.throws(() => k25MediaConfigFromJson({ media_proc_cfg: { ...raw.media_proc_cfg, fixed_output_tokens: 64 } }, 'p.json'), code('MODEL_CORRUPT', /p\.json: media_proc_cfg\.fixed_output_tokens is 64.*Copy preprocessor_config\.json/));
  const { sample_fps: _, ...noFps } = raw.media_proc_cfg;
  assert.throws(() => k25MediaConfigFromJson({ media_proc_cfg: noFps }, 'p.json'), code('MODEL_CORRUPT', /sample_fps is missing/));
  assert.throws(() => k25MediaConfigFromJson({ in_token_limit: 4096 }, 'p.json'), code('MODEL_CORRUPT', /patch_size is missing/));
});

test('navit_resize_image: no scaling inside the budget, the area or a side limit scales down (truncated), padding to a multiple of 28', () => {
  const size = (w: number, h: number, limit = published.inPatchLimit) => {
    const s = navitResize(w, h, limit, published);
    return [s.newWidth, s.newHeight, s.padWidth, s.padHeight, s.tokens];
  };
  // 3 × 2 patches, far inside 16384: kept, padded to 56 × 56 → 2 × 2 merged cells.
  assert.deepEqual(size(50, 41), [50, 41, 6, 15, 4]);
  // Smaller than a patch: each side counts as one patch; 28 × 28 after padding, one token.
  assert.deepEqual(size(10, 5), [10, 5, 18, 23, 1]);
  // 285 × 214 = 60990 patches: scale √(16384 / 60990) = 0.51830…; 4000 · s = 2073.2, 3000 · s = 1554.9.
  assert.deepEqual(size(4000, 3000), [2073, 1554, 27, 14, 75 * 56]);
  // 20000 px wide: the side limit (512 patches = 7168 px) binds, scale 0.3584; 100 · 0.3584 = 35.84.
  assert.deepEqual(size(20000, 100), [7168, 35, 0, 21, 256 * 2]);
  // A video frame's budget (in_patch_limit_each_frame 4096): 137 · 77 patches, scale 0.62307….
  assert.deepEqual(size(1920, 1080, 4096), [1196, 672, 8, 0, 43 * 24]);
});

test("a video chunk's frames share in_patch_limit_video evenly, rounded half to even, never above the per-frame budget", () => {
  assert.equal(chunkFrameLimit(4, published), 4096);
  const shared: K25MediaConfig = { ...published, inPatchLimitVideo: 10 };
  assert.equal(chunkFrameLimit(4, shared), 2, '10 / 4 = 2.5 rounds to 2');
  assert.equal(chunkFrameLimit(3, shared), 3);
  assert.equal(chunkFrameLimit(1, { ...published, inPatchLimitEachFrame: null, inPatchLimitVideo: 100000 }), 16384, 'no per-frame budget: in_patch_limit');
});

test('split_video_chunks: min(sample_fps, fps) frames a second spread over the whole video, chunks of 4 stamped with their first frame', () => {
  // 3 s at 30 fps, sampled at 2: round(90 · 2 / 30) = 6 frames, linspace(0, 89, 6) = 0, 17.8, 35.6, 53.4, 71.2, 89.
  assert.deepEqual(planVideoChunks(90, 30, published), [
    { frames: [0, 18, 36, 53], timestamp: '00:00:00.000' },
    { frames: [71, 89], timestamp: '00:00:02.366' },
  ]);
  // 1 fps: the video's own rate caps the sampling, every frame is taken.
  assert.deepEqual(planVideoChunks(3, 1, published), [{ frames: [0, 1, 2], timestamp: '00:00:00.000' }]);
  // round(6 · 2 / 4) = 3; linspace(0, 5, 3) = 0, 2.5, 5 and 2.5 rounds to 2 (NumPy rounds half to even).
  assert.deepEqual(planVideoChunks(6, 4, published)[0]!.frames, [0, 2, 5]);
  // round(5 · 2 / 4) = round(2.5) = 2.
  assert.deepEqual(planVideoChunks(5, 4, published)[0]!.frames, [0, 4]);
  assert.deepEqual(planVideoChunks(1, 30, published), [{ frames: [0], timestamp: '00:00:00.000' }]);
  assert.throws(() => planVideoChunks(0, 30, published), code('INPUT_EMPTY', /no frames/));
});

test('timestamp_as_str: clock time from whole seconds (rounded to the microsecond), milliseconds truncated', () => {
  assert.equal(timestampAsStr(3661.5, 'hh:mm:ss.fff'), '01:01:01.500');
  assert.equal(timestampAsStr(3661.5, 'mm:ss.fff'), '01:01.500');
  assert.equal(timestampAsStr(3661.5, 'mm:ss'), '01:01');
  assert.equal(timestampAsStr(0.9999999, 'hh:mm:ss.fff'), '00:00:01.999', 'datetime rounds the second up; the milliseconds come from the fraction');
});

/** RGBA with alpha of its own, which the processor drops. */
function picture(w: number, h: number, seed: number) {
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = i % 4 === 3 ? 7 : (i * 31 + seed * 57) % 256;
  return { rgba, width: w, height: h };
}
const expected = (v: number) => 2 * (v / 255) - 1;

test('an image: kept at its size, padded with black (−1 after normalising), patches row-major [3, 14, 14]', () => {
  const im = picture(50, 41, 1);
  const out = preprocessK25Image(im, vision, published);
  assert.deepEqual([out.gridH, out.gridW, out.width, out.height, out.gridT], [4, 4, 56, 56, undefined]);
  const at = (gx: number, gy: number, c: number, y: number, x: number) => out.patches[(gy * 4 + gx) * 588 + (c * 14 + y) * 14 + x]!;
  for (const [x, y] of [[0, 0], [13, 13], [49, 40], [30, 20]] as const) {
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(at(Math.floor(x / 14), Math.floor(y / 14), c, y % 14, x % 14) - expected(im.rgba[(y * 50 + x) * 4 + c]!)) < 1e-6, `(${x}, ${y}) channel ${c}`);
  }
  assert.equal(at(3, 0, 0, 0, 50 - 42), -1, 'right of the picture: black');
  assert.equal(at(0, 2, 2, 41 - 28, 0), -1, 'below the picture: black');
});

test('an image over the budget is resized with PIL bicubic to the navit size, then padded', () => {
  const small: K25MediaConfig = { ...published, inPatchLimit: 4 };
  const im = picture(56, 28, 2);
  const out = preprocessK25Image(im, vision, small);
  // 4 · 2 = 8 patches > 4: scale √½, 56 → 39, 28 → 19; padded to 56 × 28.
  assert.deepEqual([out.gridW, out.gridH], [4, 2]);
  const rgb = new Uint8Array(56 * 28 * 3);
  for (let i = 0; i < 56 * 28; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = im.rgba[i * 4 + c]!;
  const resized = resizeBicubicPil(rgb, 56, 28, 39, 19);
  assert.ok(Math.abs(out.patches[0]! - expected(resized[0]!)) < 1e-6);
  const x = 38;
  const y = 18;
  assert.ok(Math.abs(out.patches[(1 * 4 + 2) * 588 + (1 * 14 + (y - 14)) * 14 + (x - 28)]! - expected(resized[(y * 39 + x) * 3 + 1]!)) < 1e-6);
});

test('a video chunk: frames patched one after another at one size; more frames than temporal_merge_kernel_size, or mixed sizes, are refused', () => {
  const frames = [1, 2, 3].map((s) => picture(50, 41, s));
  const out = preprocessK25Chunk(frames, vision, published);
  assert.deepEqual([out.gridT, out.gridH, out.gridW], [3, 4, 4]);
  assert.equal(out.patches.length, 3 * 16 * 588);
  for (const [t, f] of frames.entries()) assert.ok(Math.abs(out.patches[t * 16 * 588]! - expected(f.rgba[0]!)) < 1e-6, `frame ${t}`);
  assert.throws(() => preprocessK25Chunk([...frames, ...frames], vision, published), code('INVALID_ARGUMENT', /6 frames; Kimi K2\.5 takes 1 to 4/));
  assert.throws(() => preprocessK25Chunk([frames[0]!, picture(40, 41, 4)], vision, published), code('INVALID_ARGUMENT', /mixes 50×41 and 40×41/));
});

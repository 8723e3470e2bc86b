// The image processor against numbers worked out without it: Pillow's bicubic kernel evaluated
// by hand at the distances a small resize uses, normalisation and patch layout pixel by pixel,
// torchvision's crop offsets, and bytes Pillow itself wrote. Both the runtime and the reference
// forward pass take their images from this module, so nothing else would catch a bug in it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoupeError } from '../errors.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageProcessorFromJson, KIMI_VL_IMAGE_PROCESSOR, mediaTokenCount, preprocessImage, resizeBicubicPil, type ImageProcessorConfig } from './image-processor.ts';
import { familyDir } from '../../testing/moe/published-checkpoint.ts';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

/** An RGBA picture from a function of (x, y, channel); alpha is given its own values, which the processor must drop. */
function rgbaOf(w: number, h: number, value: (x: number, y: number, c: number) => number): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) px[(y * w + x) * 4 + c] = c === 3 ? (x * 29 + y) % 256 : value(x, y, c);
  return px;
}
const stripes = (w: number, h: number) => rgbaOf(w, h, (x, y, c) => (x * 37 + y * 91 + c * 53) % 256);

// Keys' cubic with a = −0.5 (Pillow's bicubic_filter): W(x) = 1.5|x|³ − 2.5|x|² + 1 for |x| < 1,
// −0.5(|x|³ − 5|x|² + 8|x| − 4) for 1 ≤ |x| < 2. At the distances below, in 128ths:
// W(±0.25) = 111, W(±0.75) = 29, W(±1.25) = −9.
//
// Halving a row of 4 (scale 2: the kernel stretched twice, 4 pixels of support a side): output o
// is centred at 2o + 1; input x sits at (x + 0.5 − centre)/2 → o = 0: −0.25, 0.25, 0.75, 1.25;
// o = 1: −1.25, −0.75, −0.25, 0.25. Each set sums to 242/128 and is divided by it.
const HALVE = [[111, 111, 29, -9], [-9, 29, 111, 111]];
// Doubling a row of 2 (scale ½: the kernel as it is, support 2): output o is centred at
// (o + 0.5)/2; taps past the edge are dropped and the rest renormalised (Pillow does not clamp to
// the border pixel, as torch does): o = 0: 0.25, 1.25; o = 1: −0.25, 0.75; o = 2: −0.75, 0.25;
// o = 3: −1.25, −0.25.
const DOUBLE = [[111, -9], [111, 29], [29, 111], [-9, 111]];

/** One output byte: the weighted mean, rounded half up and clipped, as Pillow's 8-bit result is. */
const resampled = (weights: number[], px: number[]) => {
  const v = weights.reduce((s, w, i) => s + w * px[i]!, 0) / weights.reduce((s, w) => s + w, 0);
  return Math.min(255, Math.max(0, Math.floor(v + 0.5)));
};

/** An RGB row from per-channel values. */
const rowOf = (r: number[], g: number[], b: number[]) => Uint8Array.from(r.flatMap((_, i) => [r[i]!, g[i]!, b[i]!]));

test("Pillow's bicubic, worked out by hand: a row of 4 halved, a row of 2 doubled (overshoot clipped), and the same down a column", () => {
  const [r, g, b] = [[10, 20, 30, 40], [200, 100, 50, 0], [255, 255, 255, 255]];
  const halved = HALVE.flatMap((w) => [resampled(w, r), resampled(w, g), resampled(w, b)]);
  assert.deepEqual(halved, [16, 144, 255, 34, 27, 255]); // e.g. red: 3840/242 = 15.9, 8260/242 = 34.1
  assert.deepEqual([...resizeBicubicPil(rowOf(r, g, b), 4, 1, 2, 1)], halved);
  assert.deepEqual([...resizeBicubicPil(rowOf(r, g, b), 1, 4, 1, 2)], halved, 'a column is resampled as a row is');

  const [r2, g2, b2] = [[100, 200], [0, 204], [255, 0]];
  const doubled = DOUBLE.flatMap((w) => [resampled(w, r2), resampled(w, g2), resampled(w, b2)]);
  // green's first byte is −18 and blue's 277.5 before clipping
  assert.deepEqual(doubled, [91, 0, 255, 121, 42, 202, 179, 162, 53, 209, 222, 0]);
  assert.deepEqual([...resizeBicubicPil(rowOf(r2, g2, b2), 2, 1, 4, 1)], doubled);
});

test('Pillow resizes across, rounds and clips to bytes, then down: a 4×2 picture to 2×1', () => {
  const rows = [[100, 0, 0, 0], [200, 170, 0, 120]];
  // Across: 11100/242 = 45.9 → 46 and −900/242 → 0 (clipped); 39990/242 = 165.2 → 165 and 16450/242 = 68.0 → 68.
  const across = rows.map((row) => HALVE.map((w) => resampled(w, row)));
  assert.deepEqual(across, [[46, 0], [165, 68]]);
  // Down, 2 → 1 rows: centre 1, taps at −0.25 and 0.25: the mean of the two rounded rows. Without
  // the clip in between, the second byte would be (−3.7 + 68.0)/2 → 32; down first also gives 32.
  const want = [0, 1].map((x) => resampled([111, 111], [across[0]![x]!, across[1]![x]!]));
  assert.deepEqual(want, [106, 34]);
  const grey = (row: number[]) => rowOf(row, row, row);
  const picture = Uint8Array.from([...grey(rows[0]!), ...grey(rows[1]!)]);
  assert.deepEqual([...resizeBicubicPil(picture, 4, 2, 2, 1)], [106, 106, 106, 34, 34, 34]);
});

test("Pillow's resize matches the bytes Pillow 9.4 wrote (down, up, one axis)", () => {
  const img = (w: number, h: number) => {
    const a = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) a[(y * w + x) * 3 + c] = (x * 37 + y * 91 + c * 53) % 256;
    return a;
  };
  // Image.fromarray(img).resize((nw, nh), Image.Resampling.BICUBIC), Pillow 9.4.0.
  const golden: [number, number, number, number, number[]][] = [
    [7, 5, 4, 3, [55, 108, 162, 120, 175, 131, 166, 161, 155, 132, 103, 96, 145, 129, 101, 83, 109, 120, 117, 144, 132, 133, 154, 183, 83, 142, 190, 151, 156, 137, 106, 121, 91, 127, 124, 120]],
    [
      5, 4, 9, 7,
      [
        0, 43, 96, 2, 55, 107, 26, 79, 131, 46, 99, 161, 67, 120, 193, 88, 140, 215, 108, 162, 234, 132, 199, 255, 144, 219, 255, 23, 73, 137, 33, 89, 152, 57, 119, 177, 81, 140, 155, 108, 161, 127, 129, 187, 143, 149, 195, 168, 173, 163, 192, 185, 144, 202, 81, 133,
        195, 93, 148, 216, 117, 177, 242, 140, 198, 143, 166, 219, 20, 187, 255, 27, 207, 241, 61, 231, 102, 85, 243, 23, 97, 149, 214, 112, 167, 175, 129, 192, 105, 154, 144, 105, 106, 83, 136, 45, 96, 166, 57, 124, 166, 87, 148, 96, 121, 160, 57, 139, 174, 248, 28, 195,
        169, 40, 221, 30, 64, 122, 14, 87, 0, 52, 113, 6, 73, 135, 40, 94, 153, 64, 123, 170, 76, 138, 178, 67, 127, 86, 82, 108, 98, 107, 76, 122, 86, 83, 146, 57, 110, 173, 73, 131, 206, 98, 152, 201, 122, 182, 109, 134, 198, 59, 1, 52, 127, 12, 72, 139, 36, 109, 163,
        66, 132, 183, 98, 151, 204, 120, 172, 244, 139, 192, 225, 163, 216, 70, 175, 228, 0,
      ],
    ],
    [30, 2, 11, 2, [34, 88, 147, 142, 187, 190, 123, 85, 86, 69, 132, 170, 177, 171, 53, 65, 72, 137, 129, 188, 129, 149, 109, 66, 63, 120, 178, 178, 190, 71, 90, 74, 114, 132, 191, 156, 175, 140, 68, 68, 120, 183, 180, 137, 97, 117, 58, 117, 109, 174, 181, 193, 75, 69, 76, 114, 177, 171, 161, 123, 144, 59, 104, 93, 158, 212]],
  ];
  for (const [w, h, nw, nh, want] of golden) assert.deepEqual([...resizeBicubicPil(img(w, h), w, h, nw, nh)], want, `${w}×${h} → ${nw}×${nh}`);
});

/** A processor for pictures a few pixels wide: 2-px patches, no merging. */
const tiny: ImageProcessorConfig = { patchSize: 2, mergeKernelSize: [1, 1], inTokenLimit: 100, padInput: true, imageMean: [0.5, 0.25, 0], imageStd: [0.5, 0.25, 1] };
const tinyVision = { patch_size: 2, merge_kernel_size: [1, 1] as [number, number] };

test('normalisation and patch layout, pixel by pixel: a 3×2 picture padded to two 2-px patches [3, 2, 2], alpha dropped', () => {
  // Pixel i = x + 3y has red 51i, green 255 − 51i, blue 51 (v/255 = 0.2i, 1 − 0.2i, 0.2).
  const im = preprocessImage(rgbaOf(3, 2, (x, y, c) => [51 * (x + 3 * y), 255 - 51 * (x + 3 * y), 51][c]!), 3, 2, tinyVision, tiny);
  assert.deepEqual([im.width, im.height, im.gridW, im.gridH], [4, 2, 2, 1]);
  // red (0.2i − 0.5)/0.5 = 0.4i − 1; green (0.75 − 0.2i)/0.25 = 3 − 0.8i; blue 0.2/1; the padding
  // column (x = 3) is black: (0 − mean)/std = −1, −1, 0.
  // Patch 0 holds pixels 0, 1 (top) and 3, 4 (bottom); patch 1 holds 2, pad, 5, pad.
  const want = [
    [-1, -0.6, 0.2, 0.6], [3, 2.2, 0.6, -0.2], [0.2, 0.2, 0.2, 0.2],
    [-0.2, -1, 1, -1], [1.4, -1, -1, -1], [0.2, 0, 0.2, 0],
  ].flat();
  assert.equal(im.patches.length, want.length);
  want.forEach((v, i) => close(im.patches[i]!, v, 1e-6, `value ${i}`));
  assert.equal(mediaTokenCount(im, [1, 1]), 2);
});

test('over the token limit a picture is scaled by √(limit / patches) with Pillow\'s bicubic before it is normalised', () => {
  // 4×2 with 1-px patches is 8 patches; a limit of 2 scales by √(2/8) = ½ to 2×1: the 4×2 → 2×1
  // resize worked out above, 106 and 34.
  const rows = [[100, 0, 0, 0], [200, 170, 0, 120]];
  const one = { patch_size: 1, merge_kernel_size: [1, 1] as [number, number] };
  const im = preprocessImage(rgbaOf(4, 2, (x, y) => rows[y]![x]!), 4, 2, one, { ...KIMI_VL_IMAGE_PROCESSOR, patchSize: 1, mergeKernelSize: [1, 1], inTokenLimit: 2 });
  assert.deepEqual([im.width, im.height, im.gridW, im.gridH], [2, 1, 2, 1]);
  [106, 106, 106, 34, 34, 34].forEach((v, i) => close(im.patches[i]!, (v / 255 - 0.5) / 0.5, 1e-6, `value ${i}`));
});

test('Kimi-VL sizes: 14-px patches padded to 28; a picture over 4096 patches truncated to the scaled size; at the limit exactly, left alone', () => {
  const v = { patch_size: 14, merge_kernel_size: [2, 2] as [number, number] };
  const padded = preprocessImage(stripes(40, 30), 40, 30, v);
  assert.deepEqual([padded.width, padded.height, padded.gridW, padded.gridH], [56, 56, 4, 4]);
  assert.equal(mediaTokenCount(padded, [2, 2]), 4);
  const processor: ImageProcessorConfig = { ...KIMI_VL_IMAGE_PROCESSOR, inTokenLimit: 20 };
  // 100×73: 7×5 = 35 patches > 20 → scale √(20/35) → 75.59×55.18, truncated to 75×55 → padded to 84×56.
  const scaled = preprocessImage(stripes(100, 73), 100, 73, v, processor);
  assert.deepEqual([scaled.width, scaled.height, scaled.gridW, scaled.gridH], [84, 56, 6, 4]);
  // 98×70 is 7×5 = 35 patches.
  const same = preprocessImage(stripes(98, 70), 98, 70, v, { ...processor, inTokenLimit: 35 });
  assert.deepEqual([same.width, same.height], [112, 84]);
});

test('without pad_input a picture is centre-cropped to whole patches at torchvision\'s offsets (Python\'s round: halves to even)', () => {
  // 7×5 with 4-px patches crops to 4×4: left round(3/2) = 2, top round(1/2) = 0.
  const px = stripes(7, 5);
  const im = preprocessImage(px, 7, 5, { patch_size: 4, merge_kernel_size: [1, 1] }, { ...tiny, patchSize: 4, padInput: false, imageMean: [0, 0, 0], imageStd: [1, 1, 1] });
  assert.deepEqual([im.width, im.height, im.gridW, im.gridH], [4, 4, 1, 1]);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) close(im.patches[(c * 4 + y) * 4 + x]!, px[(y * 7 + x + 2) * 4 + c]! / 255, 1e-7, `channel ${c} at ${x},${y}`);
  // An odd grid cannot be merged 2×2: refused with a reason, not a crash later.
  const v = { patch_size: 14, merge_kernel_size: [2, 2] as [number, number] };
  assert.throws(() => preprocessImage(stripes(45, 30), 45, 30, v, { ...KIMI_VL_IMAGE_PROCESSOR, padInput: false }), (e: unknown) => e instanceof LoupeError && /merges/.test(e.message));
});

test('grids of 512 patches a side (past MoonViT\'s RoPE table), bad buffers and a processor unlike the encoder are refused', () => {
  const v = { patch_size: 14, merge_kernel_size: [2, 2] as [number, number] };
  const big = { ...KIMI_VL_IMAGE_PROCESSOR, inTokenLimit: 1e9 };
  assert.throws(() => preprocessImage(new Uint8Array(7168 * 28 * 4), 7168, 28, v, big), (e: unknown) => e instanceof LoupeError && e.code === 'INPUT_TOO_LARGE');
  assert.doesNotThrow(() => preprocessImage(new Uint8Array(7140 * 28 * 4), 7140, 28, v, big)); // 510 a side
  assert.throws(() => preprocessImage(new Uint8Array(10), 4, 4, v), (e: unknown) => e instanceof LoupeError && e.code === 'INPUT_CORRUPT');
  assert.throws(() => preprocessImage(stripes(28, 28), 28, 28, { ...v, patch_size: 16 }), (e: unknown) => e instanceof LoupeError && e.code === 'MODEL_UNSUPPORTED');
});

test("the settings come from a release's preprocessor_config.json, the merge kernel from the vision encoder where the file has none", () => {
  const file = join(familyDir('kimi-vl-a3b'), 'preprocessor_config.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(imageProcessorFromJson(json, { merge_kernel_size: [2, 2] }, file), KIMI_VL_IMAGE_PROCESSOR);
  const other = imageProcessorFromJson({ ...json, in_token_limit: 16384, patch_size: 16, merge_kernel_size: [3, 3], image_mean: [0.1, 0.2, 0.3], pad_input: false }, { merge_kernel_size: [2, 2] }, file);
  assert.deepEqual(other, { patchSize: 16, mergeKernelSize: [3, 3], inTokenLimit: 16384, padInput: false, imageMean: [0.1, 0.2, 0.3], imageStd: [0.5, 0.5, 0.5] });
  // A file with a setting missing or wrong names it and says what to do.
  for (const [key, value] of [['in_token_limit', undefined], ['patch_size', 0], ['image_std', [0.5, 0, 0.5]], ['image_mean', [0.5]], ['pad_input', 'yes']] as const) {
    const bad = { ...json, [key]: value };
    assert.throws(() => imageProcessorFromJson(bad, { merge_kernel_size: [2, 2] }, 'p.json'), (e: unknown) => e instanceof LoupeError && e.code === 'MODEL_CORRUPT' && e.message.startsWith(`p.json: ${key} is`) && /Copy preprocessor_config\.json/.test(e.message), key);
  }
});

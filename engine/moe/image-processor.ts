// Kimi-VL's image processor (KimiVLImageProcessor): a picture becomes the normalised 14-px
// patches the vision encoder reads, and the number of placeholder tokens it takes in the prompt.
//
// This is input preparation, not the model: the runtime and the reference forward pass both
// take their images from here, as both take their weights from the same package reader, so the
// reference checks the model's arithmetic and this module is checked on its own
// (image-processor.test.ts: Pillow's kernel worked out by hand, and bytes Pillow wrote).
import type { VisionConfig } from './config.ts';
import { LoupeError } from '../errors.ts';

/** KimiVLImageProcessor's settings (preprocessor_config.json). */
export interface ImageProcessorConfig {
  patchSize: number;
  mergeKernelSize: readonly [number, number];
  /** The most 14-px patches an image may have before it is scaled down. */
  inTokenLimit: number;
  /** true: pad right and bottom with black to a multiple of merge × patch; false: centre-crop to a multiple of the patch. */
  padInput: boolean;
  imageMean: readonly [number, number, number];
  imageStd: readonly [number, number, number];
}

/**
 * Kimi-VL-A3B's preprocessor_config.json: in_token_limit 4096, pad_input true, patch 14,
 * merge [2, 2]; mean and std 0.5 (the class defaults are CLIP's, the released config overrides
 * them). For packages converted before the file was copied into them; a package that has it
 * uses its own values (imageProcessorFromJson).
 */
export const KIMI_VL_IMAGE_PROCESSOR: ImageProcessorConfig = {
  patchSize: 14,
  mergeKernelSize: [2, 2],
  inTokenLimit: 4096,
  padInput: true,
  imageMean: [0.5, 0.5, 0.5],
  imageStd: [0.5, 0.5, 0.5],
};

/** The file a Kimi-VL release keeps its image processor's settings in. */
export const PREPROCESSOR_CONFIG = 'preprocessor_config.json';

/**
 * KimiVLImageProcessor's settings from a release's preprocessor_config.json. The release leaves
 * out `merge_kernel_size` (the processor takes the class default, the vision encoder's 2×2), so
 * the vision config gives it when absent; every other setting must be there, since the class
 * defaults (CLIP's mean and std, no padding) are not what the released models were trained with.
 */
export function imageProcessorFromJson(json: unknown, vision: Pick<VisionConfig, 'merge_kernel_size'>, source: string): ImageProcessorConfig {
  const o = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const bad = (key: string, want: string) =>
    new LoupeError('MODEL_CORRUPT', `${source}: ${key} is ${o[key] === undefined ? 'missing' : JSON.stringify(o[key])}; KimiVLImageProcessor needs ${want}. Copy preprocessor_config.json from the model's release again.`);
  const positive = (key: string) => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw bad(key, 'a whole number ≥ 1');
    return v;
  };
  const triple = (key: string, positiveOnly: boolean) => {
    const v = o[key];
    if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || (positiveOnly && x <= 0))) throw bad(key, `three ${positiveOnly ? 'positive ' : ''}numbers (R, G, B)`);
    return [v[0], v[1], v[2]] as const;
  };
  const merge = o.merge_kernel_size ?? vision.merge_kernel_size;
  if (!Array.isArray(merge) || merge.length !== 2 || merge.some((x) => !Number.isInteger(x) || x < 1)) throw bad('merge_kernel_size', 'two whole numbers');
  if (typeof o.pad_input !== 'boolean') throw bad('pad_input', 'true or false');
  return {
    patchSize: positive('patch_size'),
    mergeKernelSize: [merge[0], merge[1]],
    inTokenLimit: positive('in_token_limit'),
    padInput: o.pad_input,
    imageMean: triple('image_mean', false),
    imageStd: triple('image_std', true),
  };
}

/** MoonViT's 2-D RoPE table covers grids up to 512 × 512 patches. */
const MAX_GRID = 512;

export interface PreprocessedImage {
  /** Normalised patches [gh·gw, 3, p, p], patches in row-major grid order; for a video chunk [T, gh·gw, 3, p, p], frame by frame. */
  patches: Float32Array;
  /** A video chunk's frames (MoonViT3d, Kimi K2.5), at most the vision config's init_pos_emb_time; absent: one image. */
  gridT?: number;
  gridH: number;
  gridW: number;
  /** The picture's size after scaling and padding / cropping (= grid × patch). */
  width: number;
  height: number;
}

/** How many placeholder tokens an image of this grid takes in the prompt (one per merged patch). */
export const mediaTokenCount = (image: { gridH: number; gridW: number }, mergeKernelSize: readonly [number, number]) =>
  (image.gridH / mergeKernelSize[0]) * (image.gridW / mergeKernelSize[1]);

/**
 * KimiVLImageProcessor.preprocess for one picture given as 8-bit RGBA [height, width, 4]. Alpha
 * is dropped (PIL's convert("RGB")). Steps, as the real processor does them:
 * 1. if (w // p)·(h // p) > in_token_limit: scale = √(limit / ((w // p)·(h // p))), resize to
 *    (int(w·scale), int(h·scale)) with PIL's bicubic (antialiased; reproduced bit for bit);
 * 2. pad_input: pad right and bottom with black to a multiple of merge × patch; otherwise
 *    centre-crop to a multiple of the patch (torchvision's centre offsets);
 * 3. a grid of 512 patches or more on a side is refused ("Exceed pos emb");
 * 4. to [0, 1] (/255), minus mean, over std, in float32;
 * 5. cut into p × p patches, row-major over the grid, each [3, p, p].
 */
export function preprocessImage(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  vision: Pick<VisionConfig, 'patch_size' | 'merge_kernel_size'>,
  processor: ImageProcessorConfig = KIMI_VL_IMAGE_PROCESSOR,
): PreprocessedImage {
  const p = processor.patchSize;
  if (p !== vision.patch_size) throw new LoupeError('MODEL_UNSUPPORTED', `The image processor's patch size (${p}) differs from the vision encoder's (${vision.patch_size}).`);
  const [kh, kw] = processor.mergeKernelSize;
  if (kh !== vision.merge_kernel_size[0] || kw !== vision.merge_kernel_size[1]) throw new LoupeError('MODEL_UNSUPPORTED', `The image processor's merge kernel (${kh}×${kw}) differs from the vision encoder's (${vision.merge_kernel_size.join('×')}).`);
  let w = width;
  let h = height;
  let rgb = rgbOf(rgba, width, height);

  // 1. Scale down to the token limit.
  const patchCount = Math.floor(w / p) * Math.floor(h / p);
  if (patchCount > processor.inTokenLimit) {
    const scale = Math.sqrt(processor.inTokenLimit / patchCount);
    const newW = Math.trunc(w * scale);
    const newH = Math.trunc(h * scale);
    rgb = resizeBicubicPil(rgb, w, h, newW, newH);
    w = newW;
    h = newH;
  }

  // 2. Pad to a multiple of merge × patch, or crop to a multiple of the patch.
  if (processor.padInput) {
    const padW = (kw * p - (w % (kw * p))) % (kw * p);
    const padH = (kh * p - (h % (kh * p))) % (kh * p);
    rgb = padRightBottom(rgb, w, h, padW, padH);
    w += padW;
    h += padH;
  } else {
    const cw = w - (w % p);
    const ch = h - (h % p);
    const top = roundHalfEven((h - ch) / 2);
    const left = roundHalfEven((w - cw) / 2);
    const out = new Uint8Array(cw * ch * 3);
    for (let y = 0; y < ch; y++) out.set(rgb.subarray(((y + top) * w + left) * 3, ((y + top) * w + left + cw) * 3), y * cw * 3);
    rgb = out;
    w = cw;
    h = ch;
  }
  const gridH = h / p;
  const gridW = w / p;
  if (gridW >= MAX_GRID || gridH >= MAX_GRID) throw new LoupeError('INPUT_TOO_LARGE', `The image is ${gridW}×${gridH} patches after scaling; the vision encoder takes fewer than ${MAX_GRID} a side.`);
  if (gridH === 0 || gridW === 0) throw new LoupeError('INPUT_UNSUPPORTED', `The image (${width}×${height}) is smaller than one ${p}-px patch.`);
  if (gridH % kh !== 0 || gridW % kw !== 0) throw new LoupeError('INPUT_UNSUPPORTED', `The image's ${gridW}×${gridH} patch grid does not divide into ${kw}×${kh} merges (the processor crops to whole patches only; pad_input avoids this).`);

  // 4. Normalise (float32 at every step, as torchvision's to_tensor and normalize) …
  const f = Math.fround;
  const mean = processor.imageMean.map(f);
  const std = processor.imageStd.map(f);
  const table = normalisationTable((v, c) => f(f(f(v / 255) - mean[c]!) / std[c]!));
  // 5. … and cut into patches [gh·gw, 3, p, p].
  const patches = new Float32Array(gridH * gridW * 3 * p * p);
  patchify(rgb, w, h, p, table, patches, 0);
  return { patches, gridH, gridW, width: w, height: h };
}

/** An RGBA picture's RGB bytes [h, w, 3], alpha dropped (PIL's convert("RGB")), after checking its size. */
export function rgbOf(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new LoupeError('INPUT_CORRUPT', `The image size ${width}×${height} is not a picture.`);
  if (rgba.length !== width * height * 4) throw new LoupeError('INPUT_CORRUPT', `The image has ${rgba.length} bytes; ${width}×${height} RGBA needs ${width * height * 4}.`);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = rgba[i * 4 + c]!;
  return rgb;
}

/** The picture [h, w, 3] with black added on the right and at the bottom (itself when nothing is added). */
export function padRightBottom(rgb: Uint8Array, w: number, h: number, padW: number, padH: number): Uint8Array {
  if (!padW && !padH) return rgb;
  const out = new Uint8Array((w + padW) * (h + padH) * 3);
  for (let y = 0; y < h; y++) out.set(rgb.subarray(y * w * 3, (y + 1) * w * 3), y * (w + padW) * 3);
  return out;
}

/** A processor's normalisation of every byte value of each channel: [c · 256 + v]. */
export function normalisationTable(normalise: (value: number, channel: number) => number): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) table[c * 256 + v] = normalise(v, c);
  return table;
}

/**
 * Cuts an RGB picture [h, w, 3] whose sides are multiples of p into normalised p × p patches,
 * row-major over the grid, each [3, p, p], written into `out` from `offset`.
 */
export function patchify(rgb: Uint8Array, w: number, h: number, p: number, table: Float32Array, out: Float32Array, offset: number): void {
  const gridW = w / p;
  const gridH = h / p;
  for (let gy = 0; gy < gridH; gy++)
    for (let gx = 0; gx < gridW; gx++) {
      const base = offset + (gy * gridW + gx) * 3 * p * p;
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < p; y++)
          for (let x = 0; x < p; x++) out[base + (c * p + y) * p + x] = table[c * 256 + rgb[((gy * p + y) * w + gx * p + x) * 3 + c]!]!;
    }
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// ---------------------------------------------------------------------------------------------
// Pillow's bicubic resize

/**
 * PIL's Image.resize(size, Image.Resampling.BICUBIC) of an 8-bit RGB picture [h, w, 3] —
 * Pillow's Resample.c to the bit: a convolution whose support widens with the downscale factor
 * (antialiased), cubic a = −0.5, weights normalised then made 22-bit fixed point, a horizontal
 * pass then a vertical pass, each rounding and clipping to 8 bits. A pass is skipped when its
 * axis keeps its size.
 */
export function resizeBicubicPil(rgb: Uint8Array, width: number, height: number, newWidth: number, newHeight: number): Uint8Array {
  if (rgb.length !== width * height * 3) throw new Error(`resizeBicubicPil: ${rgb.length} bytes is not ${width}×${height} RGB`);
  if (newWidth < 1 || newHeight < 1) throw new Error(`resizeBicubicPil: target ${newWidth}×${newHeight} is empty`);
  const across = newWidth === width ? rgb : resamplePass(rgb, width, height, newWidth, 'horizontal');
  const out = newHeight === height ? across : resamplePass(across, newWidth, height, newHeight, 'vertical');
  return out === rgb ? rgb.slice() : out;
}

/**
 * One of Pillow's passes over an RGB picture [height, width, 3]: every row (horizontal) or
 * column (vertical) resampled to `newSize` pixels. A row and a column differ only in the
 * strides: along a row pixels are 3 bytes apart and rows width·3; along a column the reverse.
 */
function resamplePass(img: Uint8Array, width: number, height: number, newSize: number, direction: 'horizontal' | 'vertical'): Uint8Array {
  const horizontal = direction === 'horizontal';
  const [inSize, lines] = horizontal ? [width, height] : [height, width];
  const outWidth = horizontal ? newSize : width;
  const [inStep, inLine] = horizontal ? [3, width * 3] : [width * 3, 3];
  const [outStep, outLine] = horizontal ? [3, outWidth * 3] : [outWidth * 3, 3];
  const c = pilCoefficients(inSize, newSize);
  const out = new Uint8Array(outWidth * (horizontal ? height : newSize) * 3);
  for (let line = 0; line < lines; line++)
    for (let o = 0; o < newSize; o++)
      for (let ch = 0; ch < 3; ch++) {
        let ss = 1 << (PIL_PRECISION_BITS - 1);
        const from = line * inLine + c.first[o]! * inStep + ch;
        for (let k = 0; k < c.count[o]!; k++) ss += img[from + k * inStep]! * c.fixed[o * c.ksize + k]!;
        out[line * outLine + o * outStep + ch] = pilClip8(ss);
      }
  return out;
}

const PIL_PRECISION_BITS = 32 - 8 - 2;
/** Pillow's clip8: the accumulator's integer part (arithmetic shift, a floor), clipped to 0…255. */
const pilClip8 = (ss: number) => Math.min(255, Math.max(0, Math.floor(ss / 2 ** PIL_PRECISION_BITS)));
const pilBicubic = (x: number) => {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
};

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis (bicubic, support 2). */
function pilCoefficients(inSize: number, outSize: number) {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const fixed = new Int32Array(outSize * ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterScale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const k: number[] = [];
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const v = pilBicubic((x + xmin - center + 0.5) * ss);
      k.push(v);
      ww += v;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? k[x]! / ww : k[x]!;
      fixed[xx * ksize + x] = Math.trunc(v < 0 ? -0.5 + v * 2 ** PIL_PRECISION_BITS : 0.5 + v * 2 ** PIL_PRECISION_BITS);
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { ksize, first, count, fixed };
}

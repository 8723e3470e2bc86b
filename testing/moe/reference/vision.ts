// The reference image path of a Kimi-VL-style model, top to bottom: the MoonViT vision tower,
// the 2×2 patch merger and the multi-modal projector (modeling_kimi_vl.py). Several images run
// as one packed sequence in which attention stays inside each image, as MoonViT's cu_seqlens
// attention does. Its input, the image processor's patches, comes from engine/moe/image-processor.ts,
// which the runtime uses too: preparing the input is not the model this reference checks, and
// that module has tests of its own against values worked out without it.
//
// Kimi K2.5's MoonViT3d (vision_config.init_pos_emb_time set) also takes a video chunk of T
// frames (kimi_k25 vision code: MoonVision3dPatchEmbed, Rope2DPosEmbRepeated, tpool_patch_merger):
// the chunk is one sequence of T·gh·gw patches, frame after frame; a frame's patches get the grid's
// position embedding plus, when T > 1, row t of a fixed sin/cos time table; the rotary angles are
// the grid's, repeated for each frame; attention spans the chunk; after final_layernorm each grid
// cell is averaged over the frames, then merged and projected as an image is.
//
// Shapes: C = vision hidden size, p = patch size, (gh, gw) = an image's patch grid, T = a chunk's
// frames (1 for an image), (kh, kw) = merge_kernel_size, D = text hidden size.
import type { ModelConfig } from '../../../engine/moe/config.ts';
import { LoupeError } from '../../../engine/errors.ts';
import type { PreprocessedImage } from '../../../engine/moe/image-processor.ts';
import type { Tensor, WeightSource } from '../../../engine/moe/tensor.ts';
import { addInPlace, geluErf, geluTanh, interpolateBicubic, layerNorm, linear, map, softmaxInPlace } from './ops.ts';

// ---------------------------------------------------------------------------------------------
// Position information

/**
 * The learned position embedding [H0, W0, C] resized to a (gh, gw) grid with PyTorch's bicubic
 * interpolation (align_corners False), flattened row-major → [gh·gw, C]. (MoonViT compares the
 * grid list with the weight's torch.Size, which never matches, so it always interpolates; at
 * the same size bicubic is the identity.)
 */
export function positionEmbedding(posEmb: Tensor, gridH: number, gridW: number): Float32Array {
  const [h0, w0, c] = posEmb.shape as [number, number, number];
  return interpolateBicubic(posEmb.data, h0, w0, c, gridH, gridW);
}

/**
 * Rope2DPosEmb's rotation angles for a (gh, gw) grid: [gh·gw, headDim/2]. Complex pair 2i turns
 * by x·θᵢ and pair 2i + 1 by y·θᵢ, with x the column, y the row and θᵢ = 10000^(−4i/headDim),
 * i < headDim/4 (modeling_kimi_vl.py builds [x_cis, y_cis] per frequency and interleaves them;
 * its docstring's "height axis at 2i" is not what the code does). float32, as torch computes them.
 */
export function rope2dAngles(headDim: number, gridH: number, gridW: number): Float32Array {
  if (headDim % 4 !== 0) throw new Error(`rope2dAngles: head size ${headDim} is not a multiple of 4`);
  const f = Math.fround;
  const quarter = headDim / 4;
  const theta = new Float32Array(quarter);
  for (let i = 0; i < quarter; i++) theta[i] = f(1 / f(10000 ** f((4 * i) / headDim)));
  const angles = new Float32Array(gridH * gridW * (headDim / 2));
  for (let y = 0; y < gridH; y++)
    for (let x = 0; x < gridW; x++) {
      const o = (y * gridW + x) * (headDim / 2);
      for (let i = 0; i < quarter; i++) {
        angles[o + 2 * i] = f(x * theta[i]!);
        angles[o + 2 * i + 1] = f(y * theta[i]!);
      }
    }
  return angles;
}

/**
 * apply_rope: each consecutive pair (v[2j], v[2j+1]) of a head is a complex number multiplied by
 * cis(angle[j]). v is one token's [heads, headDim], rotated in place.
 */
export function applyRope2d(v: Float32Array, offset: number, heads: number, headDim: number, angles: Float32Array, angleOffset: number): void {
  for (let hd = 0; hd < heads; hd++) {
    const o = offset + hd * headDim;
    for (let j = 0; j < headDim / 2; j++) {
      const a = angles[angleOffset + j]!;
      const c = Math.fround(Math.cos(a));
      const s = Math.fround(Math.sin(a));
      const re = v[o + 2 * j]!;
      const im = v[o + 2 * j + 1]!;
      v[o + 2 * j] = re * c - im * s;
      v[o + 2 * j + 1] = re * s + im * c;
    }
  }
}

/**
 * get_1d_sincos_pos_embed(C, T): for frame t, [sin(t·ω₀ … t·ω_{C/2−1}), cos(t·ω₀ … t·ω_{C/2−1})]
 * with ωᵢ = 1 / 10000^(i / (C/2)); [T, C].
 */
export function timeEmbedding(C: number, T: number): Float32Array {
  const out = new Float32Array(T * C);
  const half = C / 2;
  for (let t = 0; t < T; t++)
    for (let i = 0; i < half; i++) {
      const omega = Math.fround(1 / Math.fround(Math.pow(10000, Math.fround(i / half))));
      const a = Math.fround(t * omega);
      out[t * C + i] = Math.sin(a);
      out[t * C + half + i] = Math.cos(a);
    }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The vision tower and the projector

const LAYER_NORM_EPS = 1e-5; // nn.LayerNorm's default, in the encoder blocks, final_layernorm and pre_norm

/**
 * The vision tower, patch merger and projector for several images packed in one sequence.
 * Returns, per image, its features [(gh/kh)·(gw/kw), D], ready to replace that image's placeholder
 * tokens in order.
 */
export function visionForward(weights: WeightSource, config: ModelConfig, images: readonly PreprocessedImage[]): Float32Array[] {
  const merged = visionTower(weights, config, images);
  return merged.map((m) => projector(weights, config, m.features, m.count));
}

/**
 * MoonVitPretrainedModel.forward + patch_merger: per image, the final_layernorm output regrouped
 * into merged patches, [count, kh·kw, C] (sub-patches in order (0,0), (0,1), …, (kh−1, kw−1)).
 */
export function visionTower(weights: WeightSource, config: ModelConfig, images: readonly PreprocessedImage[]): { features: Float32Array; count: number }[] {
  const v = config.vision_config;
  if (!v) throw new LoupeError('MODEL_UNSUPPORTED', 'This model has no vision encoder (no vision_config); it cannot take images.');
  const get = (name: string) => weights.get(`vision_tower.${name}`);
  const C = v.hidden_size;
  const heads = v.num_attention_heads;
  const headDim = C / heads;
  const p = v.patch_size;
  const [kh, kw] = v.merge_kernel_size;

  // Packed sequence: image (or chunk) i owns rows [starts[i], starts[i] + T·gh·gw).
  const frames = (im: PreprocessedImage) => im.gridT ?? 1;
  const starts: number[] = [];
  let L = 0;
  for (const im of images) {
    const T = frames(im);
    if (T > 1 && (v.init_pos_emb_time === undefined || T > v.init_pos_emb_time)) throw new Error(`visionForward: a chunk of ${T} frames; this tower takes ${v.init_pos_emb_time ?? 1} at most`);
    if (im.patches.length !== T * im.gridH * im.gridW * 3 * p * p) throw new Error(`visionForward: an image's patches do not fill its ${im.gridH}×${im.gridW} grid of ${p}-px patches`);
    if (im.gridH % kh || im.gridW % kw) throw new Error(`visionForward: grid ${im.gridH}×${im.gridW} does not divide into ${kh}×${kw} merges`);
    starts.push(L);
    L += T * im.gridH * im.gridW;
  }

  // Patch embedding: Conv2d(3, C, p, stride p) on each patch = a linear map of its 3·p·p values;
  // then the interpolated position embedding.
  const convW = get('patch_embed.proj.weight'); // [C, 3, p, p]
  const convAsLinear: Tensor = { shape: [C, 3 * p * p], data: convW.data };
  let x: Float32Array = new Float32Array(L * C); // [L, C]
  const posEmb = get('patch_embed.pos_emb.weight'); // [H0, W0, C]
  images.forEach((im, i) => {
    const n = im.gridH * im.gridW;
    const T = frames(im);
    const emb = linear(im.patches, T * n, convAsLinear, get('patch_embed.proj.bias')); // [T·n, C]
    const grid = positionEmbedding(posEmb, im.gridH, im.gridW); // [n, C]
    const time = timeEmbedding(C, T);
    for (let t = 0; t < T; t++)
      for (let j = 0; j < n; j++)
        for (let c = 0; c < C; c++) emb[(t * n + j) * C + c] += grid[j * C + c]! + (T > 1 ? time[t * C + c]! : 0);
    x.set(emb, starts[i]! * C);
  });

  // 2-D rotary angles per token, [L, headDim/2]: a chunk's frames all turn by their grid cell's angles.
  const angles = new Float32Array(L * (headDim / 2));
  images.forEach((im, i) => {
    const grid = rope2dAngles(headDim, im.gridH, im.gridW);
    for (let t = 0; t < frames(im); t++) angles.set(grid, (starts[i]! + t * im.gridH * im.gridW) * (headDim / 2));
  });

  // Encoder blocks: x + attn(norm0(x)), then x + mlp(norm1(x)).
  for (let b = 0; b < v.num_hidden_layers; b++) {
    const blk = (name: string) => get(`encoder.blocks.${b}.${name}`);
    const h = layerNorm(x, L, blk('norm0.weight'), blk('norm0.bias'), LAYER_NORM_EPS);
    const qkv = linear(h, L, blk('wqkv.weight'), blk('wqkv.bias')); // [L, 3, heads, headDim]
    const q = new Float32Array(L * C);
    const k = new Float32Array(L * C);
    const val = new Float32Array(L * C);
    for (let t = 0; t < L; t++) {
      q.set(qkv.subarray(t * 3 * C, t * 3 * C + C), t * C);
      k.set(qkv.subarray(t * 3 * C + C, t * 3 * C + 2 * C), t * C);
      val.set(qkv.subarray(t * 3 * C + 2 * C, t * 3 * C + 3 * C), t * C);
      applyRope2d(q, t * C, heads, headDim, angles, t * (headDim / 2));
      applyRope2d(k, t * C, heads, headDim, angles, t * (headDim / 2));
    }
    // Attention inside each image only, every token sees every token of its image; scale 1/√headDim.
    const attn = new Float32Array(L * C);
    const scale = 1 / Math.sqrt(headDim);
    images.forEach((im, i) => {
      const s0 = starts[i]!;
      const n = frames(im) * im.gridH * im.gridW;
      const row = new Float64Array(n);
      for (let hd = 0; hd < heads; hd++)
        for (let t = s0; t < s0 + n; t++) {
          for (let s = 0; s < n; s++) {
            let dot = 0;
            for (let d = 0; d < headDim; d++) dot += q[t * C + hd * headDim + d]! * k[(s0 + s) * C + hd * headDim + d]!;
            row[s] = dot * scale;
          }
          softmaxInPlace(row);
          for (let d = 0; d < headDim; d++) {
            let acc = 0;
            for (let s = 0; s < n; s++) acc += row[s]! * val[(s0 + s) * C + hd * headDim + d]!;
            attn[t * C + hd * headDim + d] = acc;
          }
        }
    });
    addInPlace(x, linear(attn, L, blk('wo.weight'), blk('wo.bias')));
    const h1 = layerNorm(x, L, blk('norm1.weight'), blk('norm1.bias'), LAYER_NORM_EPS);
    const mid = map(linear(h1, L, blk('mlp.fc0.weight'), blk('mlp.fc0.bias')), geluTanh);
    addInPlace(x, linear(mid, L, blk('mlp.fc1.weight'), blk('mlp.fc1.bias')));
  }
  x = layerNorm(x, L, get('encoder.final_layernorm.weight'), get('encoder.final_layernorm.bias'), LAYER_NORM_EPS);

  // Patch merger (tpool_patch_merger for a chunk): each grid cell's mean over the frames (an image's
  // one frame is itself), then view(gh/kh, kh, gw/kw, kw, C).permute(0, 2, 1, 3, 4) → [count, kh·kw, C].
  return images.map((im, i) => {
    const T = frames(im);
    const n = im.gridH * im.gridW;
    const nh = im.gridH / kh;
    const nw = im.gridW / kw;
    const out = new Float32Array(nh * nw * kh * kw * C);
    let o = 0;
    for (let my = 0; my < nh; my++)
      for (let mx = 0; mx < nw; mx++)
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const cell = (my * kh + ky) * im.gridW + (mx * kw + kx);
            for (let c = 0; c < C; c++) {
              let sum = 0;
              for (let t = 0; t < T; t++) sum += x[(starts[i]! + t * n + cell) * C + c]!;
              out[o + c] = sum / T;
            }
            o += C;
          }
    return { features: out, count: nh * nw };
  });
}

/**
 * KimiVLMultiModalProjector: pre_norm (LayerNorm over C, per sub-patch, before the concatenation)
 * → view [count, kh·kw·C] → linear_1 → GELU (exact, erf) → linear_2 → [count, D].
 */
export function projector(weights: WeightSource, config: ModelConfig, merged: Float32Array, count: number): Float32Array {
  const v = config.vision_config!;
  const get = (name: string) => weights.get(`multi_modal_projector.${name}`);
  const perToken = v.merge_kernel_size[0] * v.merge_kernel_size[1];
  const normed = layerNorm(merged, count * perToken, get('pre_norm.weight'), get('pre_norm.bias'), LAYER_NORM_EPS); // [count·kh·kw, C] = [count, kh·kw·C]
  const mid = map(linear(normed, count, get('linear_1.weight'), get('linear_1.bias')), geluErf);
  return linear(mid, count, get('linear_2.weight'), get('linear_2.bias'));
}

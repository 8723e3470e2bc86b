import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoupeError } from '../../../engine/errors.ts';
import { layerNorm } from './ops.ts';
import { randomImage, randomWeights, tinyConfig } from './random-weights.ts';
import { applyRope2d, KIMI_VL_IMAGE_PROCESSOR, mediaTokenCount, positionEmbedding, preprocessImage, rope2dAngles, visionForward, visionTower, type ImageProcessorConfig } from './vision.ts';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);
const config = tinyConfig();
const vision = config.vision_config!;

test('2-D RoPE angles: pair 2i turns by column·θᵢ, pair 2i+1 by row·θᵢ, θᵢ = 10000^(−4i/d)', () => {
  // head size 8: θ₀ = 1, θ₁ = 10000^(−1/2) = 0.01; grid 2 rows × 3 columns.
  const a = rope2dAngles(8, 2, 3);
  const at = (row: number, col: number) => [...a.subarray((row * 3 + col) * 4, (row * 3 + col + 1) * 4)];
  assert.deepEqual(at(0, 0), [0, 0, 0, 0]);
  const [x0, y0, x1, y1] = at(1, 2); // row 1, column 2
  assert.equal(x0, 2);
  assert.equal(y0, 1);
  close(x1!, 0.02, 1e-8);
  close(y1!, 0.01, 1e-8);
});

test('2-D RoPE rotates consecutive pairs as complex numbers, every head alike', () => {
  const angles = new Float32Array([Math.PI / 2, 0]); // pair 0 by 90°, pair 1 not at all
  const v = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]); // 2 heads × 4
  applyRope2d(v, 0, 2, 4, angles, 0);
  // (1 + 2i)·i = −2 + 1i; (5 + 6i)·i = −6 + 5i
  const want = [-2, 1, 3, 4, -6, 5, 7, 8];
  want.forEach((w, i) => close(v[i]!, w, 1e-6, `element ${i}`));
});

test('the position embedding is taken as is at its own size and bicubic-resized to other grids', () => {
  const w = randomWeights(config, 3);
  const pos = w.get('vision_tower.patch_embed.pos_emb.weight'); // [5, 4, 16]
  assert.deepEqual([...positionEmbedding(pos, 5, 4)], [...pos.data]);
  // Resized (the weights themselves are checked by hand in ops.test.ts): a constant stays constant.
  const flat = { shape: [5, 4, 16], data: new Float32Array(5 * 4 * 16).fill(0.25) };
  for (const v of positionEmbedding(flat, 4, 6)) close(v, 0.25, 1e-6);
});

test('preprocessing: pads right and bottom with black to a multiple of 28 and cuts row-major 14-px patches', () => {
  const [w, h] = [40, 30];
  const px = randomImage(w, h, 5);
  const im = preprocessImage(px, w, h, vision);
  assert.deepEqual([im.width, im.height, im.gridW, im.gridH], [56, 56, 4, 4]);
  const p = 14;
  const value = (x: number, y: number, c: number) => im.patches[((Math.floor(y / p) * im.gridW + Math.floor(x / p)) * 3 + c) * p * p + (y % p) * p + (x % p)]!;
  // (v/255 − 0.5)/0.5 inside, −1 (black) in the padding.
  for (const [x, y] of [[0, 0], [39, 29], [17, 3], [3, 17]] as const)
    for (let c = 0; c < 3; c++) close(value(x, y, c), (px[(y * w + x) * 4 + c]! / 255 - 0.5) / 0.5, 1e-6, `pixel ${x},${y}`);
  for (const [x, y] of [[40, 0], [55, 55], [0, 30]] as const) for (let c = 0; c < 3; c++) assert.equal(value(x, y, c), -1);
  assert.equal(mediaTokenCount(im, [2, 2]), 4);
});

test('preprocessing: over the token limit an image is scaled by √(limit / patches), truncated, then padded', () => {
  const processor: ImageProcessorConfig = { ...KIMI_VL_IMAGE_PROCESSOR, inTokenLimit: 20 };
  // 100×73: 7×5 = 35 patches > 20 → scale √(20/35) → 75×55 → padded to 84×56.
  const im = preprocessImage(randomImage(100, 73, 1), 100, 73, vision, processor);
  assert.deepEqual([im.width, im.height, im.gridW, im.gridH], [84, 56, 6, 4]);
  // At the limit exactly nothing is resized: 98×70 is 7×5 = 35 patches.
  const same = preprocessImage(randomImage(98, 70, 1), 98, 70, vision, { ...processor, inTokenLimit: 35 });
  assert.deepEqual([same.width, same.height], [112, 84]);
});

test('preprocessing without pad_input centre-crops to whole patches the way torchvision does', () => {
  const processor: ImageProcessorConfig = { ...KIMI_VL_IMAGE_PROCESSOR, padInput: false };
  const [w, h] = [59, 31]; // crop to 56×28: left round(1.5) = 2, top round(1.5) = 2 (halves to even)
  const px = randomImage(w, h, 9);
  const im = preprocessImage(px, w, h, vision, processor);
  assert.deepEqual([im.width, im.height, im.gridW, im.gridH], [56, 28, 4, 2]);
  close(im.patches[0]!, (px[(2 * w + 2) * 4]! / 255 - 0.5) / 0.5, 1e-6);
  // An odd grid cannot be merged 2×2: refused with a reason, not a crash later.
  assert.throws(() => preprocessImage(randomImage(45, 30, 1), 45, 30, vision, processor), (e: unknown) => e instanceof LoupeError && /merges/.test(e.message));
});

test('preprocessing refuses grids past the 512-patch RoPE table, and bad buffers', () => {
  const big = { ...KIMI_VL_IMAGE_PROCESSOR, inTokenLimit: 1e9 };
  assert.throws(() => preprocessImage(new Uint8Array(7200 * 14 * 4), 7200, 14, vision, big), (e: unknown) => e instanceof LoupeError && e.code === 'INPUT_TOO_LARGE');
  assert.throws(() => preprocessImage(new Uint8Array(10), 4, 4, vision), (e: unknown) => e instanceof LoupeError && e.code === 'INPUT_CORRUPT');
});

test('the patch merger concatenates each 2×2 block as (0,0), (0,1), (1,0), (1,1) — blocks silenced, so each part is final_layernorm(its cell\'s position embedding)', () => {
  const cfg = tinyConfig();
  cfg.vision_config!.init_pos_emb_height = 4;
  const w = randomWeights(cfg, 4);
  const C = cfg.vision_config!.hidden_size;
  for (const name of [...w.tensors.keys()]) if (/patch_embed\.proj\.|\.wo\.|\.mlp\.fc1\./.test(name)) w.get(name).data.fill(0);
  const im = preprocessImage(randomImage(56, 56, 2), 56, 56, cfg.vision_config!);
  const [merged] = visionTower(w, cfg, [im]);
  const pos = w.get('vision_tower.patch_embed.pos_emb.weight').data; // [4, 4, C]
  const ln = layerNorm(pos, 16, w.get('vision_tower.encoder.final_layernorm.weight'), w.get('vision_tower.encoder.final_layernorm.bias'), 1e-5);
  assert.equal(merged!.count, 4);
  for (let my = 0; my < 2; my++)
    for (let mx = 0; mx < 2; mx++)
      [[0, 0], [0, 1], [1, 0], [1, 1]].forEach(([ky, kx], k) => {
        const cell = (2 * my + ky!) * 4 + (2 * mx + kx!);
        const got = merged!.features.subarray(((my * 2 + mx) * 4 + k) * C, ((my * 2 + mx) * 4 + k + 1) * C);
        for (let c = 0; c < C; c++) close(got[c]!, ln[cell * C + c]!, 1e-5, `merged ${my},${mx} part ${k}`);
      });
});

test('images packed in one sequence attend only within themselves: features equal each image run alone', () => {
  const w = randomWeights(config, 5);
  const a = preprocessImage(randomImage(56, 28, 6), 56, 28, vision);
  const b = preprocessImage(randomImage(30, 60, 7), 30, 60, vision);
  const [fa, fb] = visionForward(w, config, [a, b]);
  const [alone] = visionForward(w, config, [b]);
  assert.equal(fa!.length, mediaTokenCount(a, [2, 2]) * config.text_config.hidden_size);
  fb!.forEach((v, i) => close(v, alone![i]!, 1e-6, `feature ${i}`));
  // and the second image does change when its own pixels do
  const [, fb2] = visionForward(w, config, [a, preprocessImage(randomImage(30, 60, 8), 30, 60, vision)]);
  assert.ok(fb2!.some((v, i) => Math.abs(v - fb![i]!) > 1e-3));
});

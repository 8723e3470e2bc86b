import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mediaTokenCount, preprocessImage } from '../../../engine/moe/image-processor.ts';
import { layerNorm } from './ops.ts';
import { randomImage, randomWeights, tinyConfig } from './random-weights.ts';
import { applyRope2d, positionEmbedding, rope2dAngles, timeEmbedding, visionForward, visionTower } from './vision.ts';

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

test("MoonViT3d's time embedding: frame t is [sin(t·ωᵢ)…, cos(t·ωᵢ)…], ωᵢ = 10000^(−i/(C/2)); frame 0 is [0…, 1…]", () => {
  const e = timeEmbedding(4, 3); // ω = 1, 1/100
  const want = [0, 0, 1, 1, Math.sin(1), Math.sin(0.01), Math.cos(1), Math.cos(0.01), Math.sin(2), Math.sin(0.02), Math.cos(2), Math.cos(0.02)];
  want.forEach((x, i) => close(e[i]!, x, 1e-6, `element ${i}`));
});

test('a video chunk (MoonViT3d), blocks silenced: each merged part is the mean over frames of final_layernorm(position + that frame\'s time embedding)', () => {
  const cfg = tinyConfig();
  cfg.vision_config!.init_pos_emb_height = 4;
  cfg.vision_config!.init_pos_emb_time = 4;
  const w = randomWeights(cfg, 6);
  const C = cfg.vision_config!.hidden_size;
  for (const name of [...w.tensors.keys()]) if (/patch_embed\.proj\.|\.wo\.|\.mlp\.fc1\./.test(name)) w.get(name).data.fill(0);
  const frame = preprocessImage(randomImage(56, 56, 3), 56, 56, cfg.vision_config!);
  const T = 3;
  const chunk = { ...frame, patches: new Float32Array(T * frame.patches.length), gridT: T };
  const [merged] = visionTower(w, cfg, [chunk]);
  const [image] = visionTower(w, cfg, [frame]);
  const pos = w.get('vision_tower.patch_embed.pos_emb.weight').data; // [4, 4, C]
  const time = timeEmbedding(C, T);
  const withTime = new Float32Array(T * 16 * C);
  for (let t = 0; t < T; t++) for (let j = 0; j < 16 * C; j++) withTime[t * 16 * C + j] = pos[j]! + time[t * C + (j % C)]!;
  const ln = layerNorm(withTime, T * 16, w.get('vision_tower.encoder.final_layernorm.weight'), w.get('vision_tower.encoder.final_layernorm.bias'), 1e-5);
  assert.equal(merged!.count, 4);
  // Merged block 0's first part is cell (0, 0).
  for (let c = 0; c < C; c++) close(merged!.features[c]!, (ln[c]! + ln[16 * C + c]! + ln[32 * C + c]!) / T, 1e-5, `channel ${c}`);
  // An image gets no time embedding: its part is final_layernorm(position) alone.
  const lnImage = layerNorm(pos, 16, w.get('vision_tower.encoder.final_layernorm.weight'), w.get('vision_tower.encoder.final_layernorm.bias'), 1e-5);
  for (let c = 0; c < C; c++) close(image!.features[c]!, lnImage[c]!, 1e-5, `image channel ${c}`);
});

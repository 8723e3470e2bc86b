import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cubicTaps, erf, geluErf, geluTanh, interpolateBicubic, layerNorm, linear, rmsNorm } from './ops.ts';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

test('erf matches tabulated values to double precision', () => {
  // Abramowitz & Stegun table 7.1 / mpmath.
  const table: [number, number][] = [
    [0, 0],
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [3, 0.9999779095030014],
    [-1.5, -0.9661051464753108],
  ];
  for (const [x, want] of table) close(erf(x), want, 2e-16 * 4, `erf(${x})`);
  assert.equal(erf(7), 1);
  close(geluErf(1), 0.8413447460685429, 1e-15, 'gelu(1)');
  close(geluTanh(1), 0.8411919906082768, 1e-15, 'gelu_tanh(1)');
});

test('linear, RMSNorm and LayerNorm on hand-computed rows', () => {
  const y = linear(new Float32Array([1, 2, 3, 4]), 2, { shape: [3, 2], data: new Float32Array([1, 0, 0, 1, 1, 1]) }, { shape: [3], data: new Float32Array([0, 0, 10]) });
  assert.deepEqual([...y], [1, 2, 13, 3, 4, 17]);
  const r = rmsNorm(new Float32Array([3, 4]), 1, { shape: [2], data: new Float32Array([1, 2]) }, 0);
  close(r[0]!, 3 / Math.sqrt(12.5), 1e-6);
  close(r[1]!, (2 * 4) / Math.sqrt(12.5), 1e-6);
  const l = layerNorm(new Float32Array([1, 3]), 1, { shape: [2], data: new Float32Array([1, 1]) }, { shape: [2], data: new Float32Array([0, 5]) }, 0);
  assert.deepEqual([...l], [-1, 6]);
});

test('bicubic interpolation (torch, align_corners False): the hand-computed 2 → 4 weights', () => {
  // in 2, out 4: src = (o + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25; A = −0.75.
  const taps = cubicTaps(2, 4);
  assert.deepEqual([...taps.index.subarray(0, 4)], [0, 0, 0, 1]); // floor(−0.25) = −1: taps −2 … 1, clamped
  assert.deepEqual([...taps.weights.subarray(0, 4)], [-0.03515625, 0.26171875, 0.87890625, -0.10546875]);
  // A 2×2 grid whose columns are 0 and 1 (two channels: c and 10c) → 2×4.
  const src = new Float32Array([0, 0, 1, 10, 0, 0, 1, 10]);
  const out = interpolateBicubic(src, 2, 2, 2, 2, 4);
  const row = [-0.10546875, 0.2265625, 0.7734375, 1.10546875];
  for (let y = 0; y < 2; y++)
    for (let x = 0; x < 4; x++) {
      close(out[(y * 4 + x) * 2]!, row[x]!, 1e-7);
      close(out[(y * 4 + x) * 2 + 1]!, 10 * row[x]!, 1e-6);
    }
});

test('bicubic interpolation is the identity at the same size and separable on a product grid', () => {
  const src = Float32Array.from({ length: 3 * 5 }, (_, i) => Math.sin(i));
  assert.deepEqual([...interpolateBicubic(src, 3, 5, 1, 3, 5)], [...src]);
  // f(y, x) = g(y)·h(x) → interpolation is the product of the 1-D interpolations.
  const g = [1, -2, 0.5];
  const h = [0.3, 2, -1, 4];
  const grid = new Float32Array(12);
  for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) grid[y * 4 + x] = g[y]! * h[x]!;
  const out = interpolateBicubic(grid, 3, 4, 1, 5, 2);
  const gy = interpolateBicubic(Float32Array.from(g), 3, 1, 1, 5, 1);
  const hx = interpolateBicubic(Float32Array.from(h), 1, 4, 1, 1, 2);
  for (let y = 0; y < 5; y++) for (let x = 0; x < 2; x++) close(out[y * 2 + x]!, gy[y]! * hx[x]!, 1e-5);
});

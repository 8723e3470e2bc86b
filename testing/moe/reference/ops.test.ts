import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cubicTaps, erf, geluErf, geluTanh, interpolateBicubic, layerNorm, linear, resizeBicubicPil, rmsNorm } from './ops.ts';

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

test("PIL bicubic resize matches Pillow 9.4's bytes (down, up, one axis)", () => {
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

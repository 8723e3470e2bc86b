import test from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from './random.ts';
import { dequantise, quantise } from './quant.ts';
import { dequantiseFp8Blocks, dequantisePackedInt4, quantiseFp8Blocks, repackInt4 } from './repack.ts';
import { E4M3_VALUES } from './fp8.ts';
import { bf16ToF32, f32ToBf16 } from './safetensors.ts';
import { encodeE4M3, fp8BlockQuantise, packInt4Groups } from '../../testing/moe/quantised-checkpoint.ts';

const normals = (count: number, seed: number, std = 1) => new SeededRandom(seed).normals(new Float32Array(count), std);
const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

test('FP8 blocks dequantise to exactly code × scale_inv of each 128×128 block, partial blocks included', () => {
  const [N, K] = [200, 300]; // 2 × 3 blocks, the last row and column of blocks partial
  const { codes, scaleInv, scaleShape } = fp8BlockQuantise(normals(N * K, 1, 0.05), N, K);
  assert.deepEqual(scaleShape, [2, 3]);
  const values = dequantiseFp8Blocks(codes, scaleInv, N, K, [128, 128]);
  for (const [n, k] of [[0, 0], [127, 127], [128, 0], [0, 128], [199, 299], [150, 260]] as const) {
    const expected = Math.fround(E4M3_VALUES[codes[n * K + k]!]! * scaleInv[Math.floor(n / 128) * 3 + Math.floor(k / 128)]!);
    assert.equal(values[n * K + k], expected, `[${n}, ${k}]`);
  }
  // Gaussian weights under a block's amax / 448 reach the subnormal codes.
  assert.ok(codes.some((c) => (c & 0x78) === 0 && (c & 7) !== 0), 'some codes are subnormal');
});

test('FP8 quantised row by row is what quantising its whole dequantised tensor gives', () => {
  const [N, K] = [130, 200];
  const { codes, scaleInv } = fp8BlockQuantise(normals(N * K, 2, 0.1), N, K);
  const whole = dequantiseFp8Blocks(codes, scaleInv, N, K, [128, 128]);
  for (const bits of [4, 8] as const) assert.deepEqual(quantiseFp8Blocks(codes, scaleInv, N, K, [128, 128], bits, 32), quantise(whole, N, K, bits, 32));
});

test('E4M3 encoding rounds to the nearest code, ties to even, and saturates', () => {
  assert.equal(encodeE4M3(1), 0x38);
  assert.equal(encodeE4M3(1.0625), 0x38); // halfway between 1 and 1.125: the even code
  assert.equal(encodeE4M3(1.1875), 0x3a); // halfway between 1.125 and 1.25: the even code
  assert.equal(encodeE4M3(-1000), 0xfe);
  assert.equal(encodeE4M3(2 ** -10), 0x00); // half the smallest subnormal: ties to zero
  for (let c = 0; c < 0x7f; c++) assert.equal(encodeE4M3(E4M3_VALUES[c]!), c);
});

for (const [K, groupSize] of [[64, 32], [40, 16], [100, 32]] as const) {
  test(`int4 groups of ${groupSize} over ${K} columns repack into MatMulNBits bit for bit: (q − 8) × scale, zero point 8`, () => {
    const N = 5;
    const W = normals(N * K, K, 0.02);
    const { packed, scales } = packInt4Groups(W, N, K, groupSize);
    const own = dequantisePackedInt4(bytesOf(packed), bf16ToF32(scales), N, K, groupSize);
    for (const bits of [4, 8] as const) {
      const q = repackInt4(bytesOf(packed), bf16ToF32(scales), N, K, groupSize, bits, groupSize);
      const back = dequantise(q);
      assert.deepEqual(bytesOf(back), bytesOf(own), `int${bits}: every value identical`);
      // The BF16 scales survive: widened to float32 and back they are the same bits.
      assert.deepEqual(f32ToBf16(q.scales), scales);
      if (bits === 4 && K % groupSize === 0) assert.deepEqual(q.qweight, bytesOf(packed), 'the codes are the checkpoint\'s bytes');
    }
    // The values are scale × q with q an integer in [−8, 7], exactly.
    const s = bf16ToF32(scales);
    for (let i = 0; i < own.length; i++) {
      const q = own[i]! / s[Math.floor(i / K) * Math.ceil(K / groupSize) + Math.floor((i % K) / groupSize)]!;
      assert.ok(Number.isInteger(q) && q >= -8 && q <= 7, `element ${i}: ${q}`);
    }
  });
}

test('repacking refuses a block size other than the group size', () => {
  const { packed, scales } = packInt4Groups(normals(64, 3), 1, 64, 32);
  assert.throws(() => repackInt4(bytesOf(packed), bf16ToF32(scales), 1, 64, 32, 4, 64), /would not be lossless/);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { dequantise, quantLayout, quantise, type QuantBits } from './quant.ts';
import { buildModel, node } from './onnx-graph.ts';

/** Deterministic values roughly like trained weights: mostly small, a few larger, some blocks skewed. */
function weights(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: n }, (_, i) => (next() + next() + next() - 1.5) * 0.1 + (i % 97 === 0 ? 0.3 : 0) + (Math.floor(i / 32) % 5 === 0 ? 0.05 : 0));
}

function assertWithinHalfStep(W: Float32Array, N: number, K: number, bits: QuantBits, blockSize: number) {
  const q = quantise(W, N, K, bits, blockSize);
  const back = dequantise(q);
  const { blocksPerRow } = quantLayout(N, K, bits, blockSize);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const scale = q.scales[n * blocksPerRow + Math.floor(k / blockSize)]!;
      const error = Math.abs(back[n * K + k]! - W[n * K + k]!);
      // Half a step, plus float32 rounding of the product.
      assert.ok(error <= scale / 2 + 1e-6 * Math.abs(W[n * K + k]!) + 1e-12, `bits ${bits} [${n}, ${k}]: error ${error} > scale/2 = ${scale / 2}`);
    }
  }
  return q;
}

test('int4 and int8 come back within half a step of every value, K a multiple of the block or not', () => {
  for (const bits of [4, 8] as const) {
    for (const [N, K, blockSize] of [[8, 64, 32], [5, 70, 32], [3, 40, 16], [4, 200, 128]] as const) {
      const q = assertWithinHalfStep(weights(N * K, N * K + bits), N, K, bits, blockSize);
      const layout = quantLayout(N, K, bits, blockSize);
      assert.equal(q.qweight.length, layout.qweightShape.reduce((a, b) => a * b, 1));
      assert.equal(q.scales.length, layout.scalesLength);
      assert.equal(q.zeroPoints.length, layout.zeroPointsLength);
    }
  }
});

test('relative RMS error on Gaussian weights: about 8 % for int4, 0.5 % for int8', () => {
  const [N, K] = [64, 256];
  let s = 5;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / (2 ** 32 + 1);
  const W = Float32Array.from({ length: N * K }, () => 0.02 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
  for (const [bits, bound] of [[4, 0.09], [8, 0.006]] as const) {
    const back = dequantise(quantise(W, N, K, bits));
    let num = 0;
    let den = 0;
    for (let i = 0; i < W.length; i++) {
      num += (back[i]! - W[i]!) ** 2;
      den += W[i]! ** 2;
    }
    assert.ok(Math.sqrt(num / den) < bound, `int${bits}: relative RMS error ${Math.sqrt(num / den)}`);
  }
});

// Two rows, K = 20 with blocks of 16: each row has a full block and a 4-value block padded with 12.
const SMALL_K = 20;
const SMALL = Float32Array.from([
  ...Array.from({ length: 16 }, (_, i) => i), -1, 0.5, 0, 0.3, // row 0
  ...Array.from({ length: 16 }, () => 2), 0, 0, 0, 0, // row 1
]);

test('int4 layout on a hand-computed case: low nibble first, padding at the zero point', () => {
  const q = quantise(SMALL, 2, SMALL_K, 4, 16);
  // Row 0 block 0: range [0, 15] → scale 1, zero point 0, q = value.
  // Row 0 block 1: range [-1, 0.5] → scale 0.1, zero point 10; -1 → 0, 0.5 → 15, 0 → 10, 0.3 → 13, padding → 10.
  // Row 1 block 0: range [0, 2] (0 always included) → scale 2/15, zero point 0, 2 → 15.
  // Row 1 block 1: all zero → scale 0, zero point 0, q 0.
  assert.deepEqual([...q.qweight], [
    0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
    0xf0, 0xda, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  ]);
  assert.deepEqual([...q.scales], [1, Math.fround(0.1), Math.fround(2 / 15), 0]);
  // One byte a row (two blocks): block 0 in the low nibble.
  assert.deepEqual([...q.zeroPoints], [0xa0, 0x00]);
  assert.deepEqual([...dequantise(q)].map((v) => Math.round(v * 1e6) / 1e6), [...Array.from({ length: 16 }, (_, i) => i), -1, 0.5, 0, 0.3, ...Array(16).fill(2), 0, 0, 0, 0]);
});

test('int8 layout on a hand-computed case: one byte a value, one zero point a block', () => {
  const q = quantise(SMALL, 2, SMALL_K, 8, 16);
  // Row 0 block 0: scale 15/255 = 1/17, q = 17·value. Block 1: scale 1.5/255, zero point 170.
  assert.deepEqual([...q.qweight.subarray(0, 16)], Array.from({ length: 16 }, (_, i) => 17 * i));
  assert.deepEqual([...q.qweight.subarray(16, 32)], [0, 255, 170, 221, ...Array(12).fill(170)]);
  assert.deepEqual([...q.qweight.subarray(32, 48)], Array(16).fill(255));
  assert.deepEqual([...q.qweight.subarray(48, 64)], Array(16).fill(0));
  assert.deepEqual([...q.scales], [Math.fround(1 / 17), Math.fround(1.5 / 255), Math.fround(2 / 255), 0]);
  assert.deepEqual([...q.zeroPoints], [0, 170, 0, 0]);
});

test('bad bits or block sizes are refused', () => {
  assert.throws(() => quantise(new Float32Array(64), 2, 32, 3 as QuantBits), /4 or 8/);
  assert.throws(() => quantise(new Float32Array(64), 2, 32, 4, 24), /power of two/);
  assert.throws(() => quantise(new Float32Array(10), 2, 32, 4), /10 values/);
});

test("onnxruntime's MatMulNBits on the quantised bytes equals dequantise(W) · x", async () => {
  const [M, N, K, blockSize] = [3, 24, 80, 32]; // K = 2.5 blocks: the padded tail is exercised
  const W = weights(N * K, 11);
  const x = weights(M * K, 12).map((v) => v * 10);
  for (const bits of [4, 8] as const) {
    const q = quantise(W, N, K, bits, blockSize);
    const layout = quantLayout(N, K, bits, blockSize);
    const model = buildModel({
      nodes: [node('MatMulNBits', ['x', 'B', 'scales', 'zero_points'], ['y'], { K, N, bits, block_size: blockSize, accuracy_level: 0 }, 'com.microsoft')],
      inputs: [{ name: 'x', type: 'float32', dims: ['M', K] }],
      outputs: [{ name: 'y', type: 'float32', dims: ['M', N] }],
      initializers: [
        { name: 'B', type: 'uint8', dims: layout.qweightShape, bytes: q.qweight },
        { name: 'scales', type: 'float32', dims: [layout.scalesLength], bytes: q.scales },
        { name: 'zero_points', type: 'uint8', dims: [layout.zeroPointsLength], bytes: q.zeroPoints },
      ],
    });
    const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
    const y = (await session.run({ x: new ort.Tensor('float32', x, [M, K]) })).y!.data as Float32Array;
    await session.release();
    const Wd = dequantise(q);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let expected = 0;
        let magnitude = 0;
        for (let k = 0; k < K; k++) {
          expected += Wd[n * K + k]! * x[m * K + k]!;
          magnitude += Math.abs(Wd[n * K + k]! * x[m * K + k]!);
        }
        const got = y[m * N + n]!;
        assert.ok(Math.abs(got - expected) <= 1e-5 * magnitude + 1e-6, `bits ${bits} y[${m}, ${n}] = ${got}, expected ${expected}`);
      }
    }
  }
});

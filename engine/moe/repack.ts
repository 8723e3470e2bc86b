// A published checkpoint's quantised weights into the package's MatMulNBits layout (quant.ts)
// without a float copy of the whole weight:
//
// - FP8 blocks are widened one row at a time (code × scale_inv of its block, rounded to float32
//   once, as DeepSeek-V3's weight_dequant computes it) and quantised as they come, so only one
//   row of floats is ever held.
// - compressed-tensors int4 is moved, not requantised. Its symmetric value scale × (code − 8)
//   is MatMulNBits' (q − zero_point) × scale with q = code and zero point 8, and its codes sit in
//   the same order (element i of a row in byte ⌊i/2⌋, the low nibble first: the int32 words are
//   little-endian), so with the block size equal to the group size the codes' bytes are copied
//   and the scales widened to float32, which is exact from BF16. int8 takes the codes as bytes,
//   zero point 8, just as exactly.
import { E4M3_VALUES } from './fp8.ts';
import { quantLayout, quantiseRows, type QuantBits, type QuantisedWeight } from './quant.ts';

/**
 * Writes row `n` of an FP8 block-quantised [N, K] weight, as float32, into `row`. The weight may
 * be a slab of a larger one's rows: `firstRow` is where its row 0 sits in its first block of
 * rows, whose scales are `scaleInv`'s first row.
 */
export function fp8Row(codes: Uint8Array, scaleInv: Float32Array, K: number, block: readonly [number, number], n: number, row: Float32Array, firstRow = 0): void {
  const scaleCols = Math.ceil(K / block[1]);
  const scaleRow = Math.floor((firstRow + n) / block[0]) * scaleCols;
  const start = n * K;
  for (let c = 0; c < scaleCols; c++) {
    const s = scaleInv[scaleRow + c]!;
    const end = Math.min(K, (c + 1) * block[1]);
    for (let k = c * block[1]; k < end; k++) row[k] = E4M3_VALUES[codes[start + k]!]! * s;
  }
}

/**
 * What a slab of rows [start, end) of an FP8 block-quantised weight needs of its scale_inv (the
 * rows [first, end) of it: every block of rows the slab touches), and fp8Row's `firstRow` for it.
 */
export function fp8SlabScales(start: number, end: number, block: readonly [number, number]): { scaleRows: [number, number]; firstRow: number } {
  return { scaleRows: [Math.floor(start / block[0]), Math.ceil(end / block[0])], firstRow: start % block[0] };
}

/** An FP8 block-quantised [N, K] weight's values (or a slab's, `firstRow` as fp8Row's): code × scale_inv of its block, in float32. */
export function dequantiseFp8Blocks(codes: Uint8Array, scaleInv: Float32Array, N: number, K: number, block: readonly [number, number], firstRow = 0): Float32Array {
  const out = new Float32Array(N * K);
  for (let n = 0; n < N; n++) fp8Row(codes, scaleInv, K, block, n, out.subarray(n * K, (n + 1) * K), firstRow);
  return out;
}

/** An FP8 block-quantised weight (or a slab, `firstRow` as fp8Row's) quantised for the package row by row: equal to `quantise` of its values. */
export function quantiseFp8Blocks(codes: Uint8Array, scaleInv: Float32Array, N: number, K: number, block: readonly [number, number], bits: QuantBits, blockSize: number, firstRow = 0): QuantisedWeight {
  return quantiseRows(N, K, bits, blockSize, (n, row) => fp8Row(codes, scaleInv, K, block, n, row, firstRow));
}

/** Code of element k of row n of a pack-quantized weight, 0..15 (q + 8), from the int32 words' bytes. */
const codeAt = (packed: Uint8Array, rowBytes: number, n: number, k: number) => (packed[n * rowBytes + (k >> 1)]! >> ((k & 1) * 4)) & 15;

/** A pack-quantized [N, K] weight's own values, scale × (code − 8), exact in float32. */
export function dequantisePackedInt4(packed: Uint8Array, scales: Float32Array, N: number, K: number, groupSize: number): Float32Array {
  const rowBytes = Math.ceil(K / 8) * 4;
  const groups = Math.ceil(K / groupSize);
  const out = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) out[n * K + k] = (codeAt(packed, rowBytes, n, k) - 8) * scales[n * groups + Math.floor(k / groupSize)]!;
  }
  return out;
}

/**
 * A pack-quantized [N, K] weight in the package's layout, losslessly: `dequantise` of the result
 * gives exactly `dequantisePackedInt4`. The block size must be the group size.
 */
export function repackInt4(packed: Uint8Array, scales: Float32Array, N: number, K: number, groupSize: number, bits: QuantBits, blockSize: number): QuantisedWeight {
  if (blockSize !== groupSize) throw new Error(`repacking int4 groups of ${groupSize} into blocks of ${blockSize} would not be lossless`);
  const { blocksPerRow, blobSize, qweightShape, zeroPointsLength } = quantLayout(N, K, bits, blockSize);
  if (scales.length !== N * blocksPerRow) throw new Error(`${scales.length} scales for a [${N}, ${K}] weight in groups of ${groupSize}`);
  const rowBytes = Math.ceil(K / 8) * 4;
  if (packed.length !== N * rowBytes) throw new Error(`${packed.length} packed bytes for a [${N}, ${K}] weight`);
  const qRow = blocksPerRow * blobSize;
  const padded = blocksPerRow * blockSize;
  let qweight: Uint8Array;
  if (bits === 4) {
    // Same nibble order: a row's bytes move as they are; only the tail past K takes the zero point.
    qweight = rowBytes === qRow ? packed.slice() : new Uint8Array(qweightShape[0] * qRow);
    for (let n = 0; n < N; n++) {
      if (rowBytes !== qRow) qweight.set(packed.subarray(n * rowBytes, (n + 1) * rowBytes), n * qRow);
      for (let k = K; k < padded; k++) {
        const at = n * qRow + (k >> 1);
        qweight[at] = (qweight[at]! & ((k & 1) ? 0x0f : 0xf0)) | (8 << ((k & 1) * 4));
      }
    }
  } else {
    qweight = new Uint8Array(N * qRow).fill(8);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) qweight[n * qRow + k] = codeAt(packed, rowBytes, n, k);
  }
  const zeroPoints = new Uint8Array(zeroPointsLength);
  if (bits === 8) zeroPoints.fill(8);
  else {
    // Two blocks' zero points a byte, low nibble first; an odd last block leaves the high nibble 0, as quantise does.
    const perRow = Math.ceil(blocksPerRow / 2);
    for (let n = 0; n < N; n++) for (let b = 0; b < blocksPerRow; b++) {
        const at = n * perRow + (b >> 1);
        zeroPoints[at] = zeroPoints[at]! | (8 << ((b & 1) * 4));
      }
  }
  return { bits, blockSize, N, K, qweight, scales: Float32Array.from(scales), zeroPoints };
}

// Block quantisation of linear weights into the layout of onnxruntime's com.microsoft
// MatMulNBits operator, so that the runtime hands the stored bytes to onnxruntime unchanged.
//
// W is [N, K] (out, in), as nn.Linear stores it. Each row is cut into blocks of `blockSize`
// values along K (the last block padded); each block has its own scale and zero point:
//   w ≈ (q - zeroPoint) * scale,  q in [0, 2^bits - 1].
// Layout (bits b, blocks per row B = ceil(K / blockSize)):
//   qweight     uint8 [N, B, blockSize * b / 8]; int4 packs two values a byte, the LOW nibble first
//   scales      float32 [N * B]
//   zeroPoints  uint8; int4: two a byte, low nibble first, [N * ceil(B / 2)]; int8: [N * B]
// Asymmetric (min/max per block) rather than symmetric: it spends all 2^b levels on the
// block's actual range, which roughly halves the error on the skewed blocks real weights have.

export type QuantBits = 4 | 8;

export interface QuantisedWeight {
  bits: QuantBits;
  blockSize: number;
  /** Output features (rows). */
  N: number;
  /** Input features (columns). */
  K: number;
  qweight: Uint8Array;
  scales: Float32Array;
  zeroPoints: Uint8Array;
}

export interface QuantLayout {
  blocksPerRow: number;
  /** Bytes of one block in qweight. */
  blobSize: number;
  qweightShape: [number, number, number];
  scalesLength: number;
  zeroPointsLength: number;
}

export function quantLayout(N: number, K: number, bits: QuantBits, blockSize: number): QuantLayout {
  if (bits !== 4 && bits !== 8) throw new Error(`quantisation bits must be 4 or 8, not ${bits}`);
  // MatMulNBits accepts power-of-two blocks of at least 16.
  if (!Number.isInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
    throw new Error(`quantisation block size must be a power of two ≥ 16, not ${blockSize}`);
  }
  const blocksPerRow = Math.ceil(K / blockSize);
  const blobSize = (blockSize * bits) / 8;
  return {
    blocksPerRow,
    blobSize,
    qweightShape: [N, blocksPerRow, blobSize],
    scalesLength: N * blocksPerRow,
    zeroPointsLength: bits === 4 ? N * Math.ceil(blocksPerRow / 2) : N * blocksPerRow,
  };
}

/**
 * Quantises W [N, K] row-major. Every value comes back from `dequantise` within scale / 2 of
 * where it was (the block's range includes 0, so its integer zero point always fits).
 */
export function quantise(W: Float32Array, N: number, K: number, bits: QuantBits, blockSize = 32): QuantisedWeight {
  if (W.length !== N * K) throw new Error(`quantise: ${W.length} values for a [${N}, ${K}] weight`);
  return quantiseRows(N, K, bits, blockSize, (n, row) => row.set(W.subarray(n * K, (n + 1) * K)));
}

/**
 * Quantises a weight handed over one row at a time: `fillRow(n, row)` writes row n's K values
 * into `row`. A weight stored in another form (FP8 blocks) is then never widened whole; the
 * result is what `quantise` gives for the same values.
 */
export function quantiseRows(N: number, K: number, bits: QuantBits, blockSize: number, fillRow: (n: number, row: Float32Array) => void): QuantisedWeight {
  const row = new Float32Array(K);
  const { blocksPerRow, blobSize, scalesLength, zeroPointsLength } = quantLayout(N, K, bits, blockSize);
  const qmax = (1 << bits) - 1;
  const qweight = new Uint8Array(N * blocksPerRow * blobSize);
  const scales = new Float32Array(scalesLength);
  const zeroPoints = new Uint8Array(zeroPointsLength);
  const zpRow = bits === 4 ? Math.ceil(blocksPerRow / 2) : blocksPerRow;
  const q = new Uint8Array(blockSize);
  for (let n = 0; n < N; n++) {
    fillRow(n, row);
    for (let b = 0; b < blocksPerRow; b++) {
      const start = b * blockSize;
      const count = Math.min(blockSize, K - b * blockSize);
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < count; i++) {
        const v = row[start + i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      // The scale is rounded to float32 before use, so the error bound holds for the stored scale.
      const scale = Math.fround((hi - lo) / qmax);
      const zp = scale === 0 ? 0 : Math.min(qmax, Math.max(0, Math.round(-lo / scale)));
      for (let i = 0; i < count; i++) q[i] = scale === 0 ? zp : Math.min(qmax, Math.max(0, Math.round(row[start + i]! / scale) + zp));
      // Padding past K dequantises to exactly 0.
      q.fill(zp, count);
      scales[n * blocksPerRow + b] = scale;
      const blob = (n * blocksPerRow + b) * blobSize;
      if (bits === 8) {
        qweight.set(q, blob);
        zeroPoints[n * zpRow + b] = zp;
      } else {
        for (let i = 0; i < blockSize; i += 2) qweight[blob + i / 2] = q[i]! | (q[i + 1]! << 4);
        zeroPoints[n * zpRow + (b >> 1)] |= zp << ((b & 1) * 4);
      }
    }
  }
  return { bits, blockSize, N, K, qweight, scales, zeroPoints };
}

/** Back to float32 [N, K], computing (q - zeroPoint) * scale as MatMulNBits does. */
export function dequantise(w: QuantisedWeight): Float32Array {
  const { bits, blockSize, N, K, qweight, scales, zeroPoints } = w;
  const { blocksPerRow, blobSize } = quantLayout(N, K, bits, blockSize);
  const zpRow = bits === 4 ? Math.ceil(blocksPerRow / 2) : blocksPerRow;
  const out = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocksPerRow; b++) {
      const scale = scales[n * blocksPerRow + b]!;
      const zp = bits === 8 ? zeroPoints[n * zpRow + b]! : (zeroPoints[n * zpRow + (b >> 1)]! >> ((b & 1) * 4)) & 15;
      const blob = (n * blocksPerRow + b) * blobSize;
      const start = n * K + b * blockSize;
      const count = Math.min(blockSize, K - b * blockSize);
      for (let i = 0; i < count; i++) {
        const q = bits === 8 ? qweight[blob + i]! : (qweight[blob + (i >> 1)]! >> ((i & 1) * 4)) & 15;
        out[start + i] = (q - zp) * scale;
      }
    }
  }
  return out;
}

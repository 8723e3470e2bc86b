// Parts of a quantised weight W [N, K] in MatMulNBits' layout, without dequantising: a range of
// rows (whole rows are whole blocks, so their stored bytes as they are: views, or sub-ranges of
// the file) and a range of blocks along K (copied row by row, the zero points repacked).
import type { LocatedWeight, StoredLocation } from './package.ts';
import { quantLayout, type QuantisedWeight } from './quant.ts';

/** Rows [start, start + count) of W: the same stored bytes, viewed or located, not copied. */
export function weightRows<W extends QuantisedWeight | LocatedWeight>(q: W, start: number, count: number): W {
  const layout = quantLayout(q.N, q.K, q.bits, q.blockSize);
  const per = { qweight: layout.blocksPerRow * layout.blobSize, scales: layout.blocksPerRow * 4, zeroPoints: layout.zeroPointsLength / q.N };
  const rows = <T extends ArrayBufferView | StoredLocation>(part: T, bytesPerRow: number): T => {
    if ('file' in part) return { ...part, offset: part.offset + start * bytesPerRow, length: count * bytesPerRow };
    const view = part as ArrayBufferView;
    return new (view.constructor as new (b: ArrayBufferLike, o: number, n: number) => T)(view.buffer, view.byteOffset + start * bytesPerRow, (count * bytesPerRow) / (view instanceof Float32Array ? 4 : 1));
  };
  return { ...q, N: count, qweight: rows(q.qweight, per.qweight), scales: rows(q.scales, per.scales), zeroPoints: rows(q.zeroPoints, per.zeroPoints) };
}

/** W's columns from block `first` up to block `end` (K's last block may be partial): every row's blocks, copied. */
export function weightBlocks(q: QuantisedWeight, first: number, end: number): QuantisedWeight {
  const { blocksPerRow: B, blobSize } = quantLayout(q.N, q.K, q.bits, q.blockSize);
  const K = Math.min(end * q.blockSize, q.K) - first * q.blockSize;
  const out = quantLayout(q.N, K, q.bits, q.blockSize);
  const blocks = out.blocksPerRow;
  const qweight = new Uint8Array(q.N * blocks * blobSize);
  const scales = new Float32Array(out.scalesLength);
  const zeroPoints = new Uint8Array(out.zeroPointsLength);
  const zpRow = q.zeroPoints.length / q.N;
  const zpOutRow = out.zeroPointsLength / q.N;
  for (let n = 0; n < q.N; n++) {
    qweight.set(q.qweight.subarray((n * B + first) * blobSize, (n * B + first + blocks) * blobSize), n * blocks * blobSize);
    scales.set(q.scales.subarray(n * B + first, n * B + first + blocks), n * blocks);
    for (let b = 0; b < blocks; b++) {
      if (q.bits === 8) zeroPoints[n * zpOutRow + b] = q.zeroPoints[n * zpRow + first + b]!;
      else {
        const from = first + b;
        const zp = (q.zeroPoints[n * zpRow + (from >> 1)]! >> ((from & 1) * 4)) & 15;
        zeroPoints[n * zpOutRow + (b >> 1)]! |= zp << ((b & 1) * 4);
      }
    }
  }
  return { bits: q.bits, blockSize: q.blockSize, N: q.N, K, qweight, scales, zeroPoints };
}

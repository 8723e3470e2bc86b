// One weight's quantising, as data: what the converter hands a worker thread (quantise-pool.ts)
// or runs itself. The same function runs in both places, so a package is the same bytes
// whichever thread quantised it.
import { quantise, type QuantBits, type QuantisedWeight } from './quant.ts';
import { quantiseFp8Blocks, repackInt4 } from './repack.ts';

export type QuantiseJob =
  /** A weight's float32 values (from BF16, F16 or F32). */
  | { kind: 'float'; values: Float32Array; N: number; K: number; bits: QuantBits; blockSize: number }
  /** FP8 e4m3 codes with their 128×128 blocks' scale_inv (DeepSeek-V3, Kimi K2); of a slab of rows, `firstRow` as fp8Row's. */
  | { kind: 'fp8'; codes: Uint8Array; scaleInv: Float32Array; N: number; K: number; block: [number, number]; firstRow: number; bits: QuantBits; blockSize: number }
  /** compressed-tensors pack-quantized int4 words and group scales (Kimi K2.5). */
  | { kind: 'int4'; packed: Uint8Array; scales: Float32Array; N: number; K: number; groupSize: number; bits: QuantBits; blockSize: number };

export function runQuantiseJob(job: QuantiseJob): QuantisedWeight {
  if (job.kind === 'float') return quantise(job.values, job.N, job.K, job.bits, job.blockSize);
  if (job.kind === 'fp8') return quantiseFp8Blocks(job.codes, job.scaleInv, job.N, job.K, job.block, job.bits, job.blockSize, job.firstRow);
  return repackInt4(job.packed, job.scales, job.N, job.K, job.groupSize, job.bits, job.blockSize);
}

/** The buffers a job's inputs or a result own, to move between threads rather than copy. */
export const jobBuffers = (job: QuantiseJob): ArrayBuffer[] =>
  (job.kind === 'float' ? [job.values] : job.kind === 'fp8' ? [job.codes, job.scaleInv] : [job.packed, job.scales]).map((v) => v.buffer as ArrayBuffer);
export const resultBuffers = (q: QuantisedWeight): ArrayBuffer[] => [...new Set([q.qweight.buffer, q.scales.buffer, q.zeroPoints.buffer] as ArrayBuffer[])];

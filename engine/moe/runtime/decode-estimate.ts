// The decode speed a placement allows: decoding is bound by reading weights, so a token costs
// the bytes each device must read (placement.ts's perToken) over that device's bandwidth. GPU
// and CPU work for a layer are taken as sequential (the dense part, then the experts), as the
// engine runs them; the overlapped figure, were GPU and CPU work to run side by side, is the
// bound the slower device alone sets. Compute and transfers between devices are not counted,
// so both are upper bounds.
import type { Placement, TokenBytes } from './placement.ts';

export interface Bandwidths {
  /** GB/s (10⁹ bytes a second); needed only when the GPU reads anything. */
  gpuGBps?: number;
  cpuGBps: number;
  /** Reading expert weights from the package's files. */
  diskGBps: number;
}

export interface DecodeEstimate {
  /** Bytes a decoded token reads, by device. */
  bytesPerToken: { gpu: number; cpu: number; disk: number };
  /** Seconds a token spends reading on each device. */
  seconds: { gpu: number; cpu: number; disk: number };
  /** Dense part then experts, one device after the other. */
  sequentialTokPerS: number;
  /** Were GPU work and CPU/disk work overlapped. */
  overlappedTokPerS: number;
}

const total = (b: TokenBytes) => b.dense + b.kv + b.experts;

export function estimateDecode(placement: Placement, bandwidths: Bandwidths): DecodeEstimate {
  const bytesPerToken = { gpu: total(placement.perToken.gpu), cpu: total(placement.perToken.cpu), disk: total(placement.perToken.disk) };
  if (bytesPerToken.gpu > 0 && !(bandwidths.gpuGBps! > 0)) throw new RangeError('estimateDecode: the GPU reads weights but no GPU bandwidth was given');
  const over = (bytes: number, gbps: number | undefined) => (bytes > 0 ? bytes / (gbps! * 1e9) : 0);
  const seconds = { gpu: over(bytesPerToken.gpu, bandwidths.gpuGBps), cpu: over(bytesPerToken.cpu, bandwidths.cpuGBps), disk: over(bytesPerToken.disk, bandwidths.diskGBps) };
  const sequential = seconds.gpu + seconds.cpu + seconds.disk;
  const overlapped = Math.max(seconds.gpu, seconds.cpu + seconds.disk);
  return { bytesPerToken, seconds, sequentialTokPerS: 1 / sequential, overlappedTokPerS: 1 / overlapped };
}

// The memory bandwidth the decode benchmark divides by: decoding one token streams every chosen
// expert's weights from memory once, so bytes-per-token over seconds-per-token, against the rate
// at which this machine can stream bytes at all, says how close the engine comes to its roofline.
//
// What is timed: onnxruntime's ReduceSum over one float32 buffer far larger than the last-level
// cache (the default 1.5 GiB is three times the ~0.5 GB cache of the machines this runs on),
// every byte read exactly once per repeat and nothing written but the scalar sum. It is the
// fastest honest read found here (MLAS's vectorised reduction beats a 4-way unrolled JavaScript
// sum by ~10% and a plain one by more than 2×), and onnxruntime takes the JavaScript buffer
// without copying it, so only the reduction's own reads are counted. The buffer is
// written before timing: a fresh allocation is the kernel's shared zero page, whose reads would
// hit the cache and report a bandwidth no real weight read ever sees. That first write is most
// of the cost: well under a second for 1.5 GiB on bare metal, but 5–10 s in a VM whose host backs guest
// memory only when first touched (each timed pass takes ~50 ms either way).
//
// Measured with one intra-op thread and with N: one core rarely saturates the memory system on
// large machines, and the engine's sessions run with either, so both are reported and the
// roofline is the better one.
import { availableParallelism } from 'node:os';
import { buildModel, node } from '../../engine/moe/onnx-graph.ts';
import { OrtSession, tensor } from '../../engine/moe/runtime/ort-session.ts';
import { median } from '../stats.ts';

export interface BandwidthOptions {
  /** Bytes streamed per repeat (rounded down to whole float32 values); default 1.5 GiB. */
  bytes?: number;
  /** The N of the multi-threaded measurement; default: the cores this process may use. */
  threads?: number;
  /** Timed passes per thread count, after one untimed warm-up; the median is reported. */
  repeats?: number;
}

export interface BandwidthResult {
  bytes: number;
  repeats: number;
  /** Median GB/s (10⁹ bytes a second) with one intra-op thread. */
  singleThreadGBps: number;
  threads: number;
  /** Median GB/s with `threads` intra-op threads. */
  multiThreadGBps: number;
  /** The roofline: the better of the two medians. */
  gbps: number;
  /** Every timed pass, GB/s, by thread count. */
  samples: Array<{ threads: number; gbps: number[] }>;
}

export const DEFAULT_BANDWIDTH_BYTES = 1.5 * 2 ** 30;

/** Streams `bytes` through ReduceSum `repeats` times with 1 and with N threads; a few seconds at the defaults. */
export function measureBandwidth(options: BandwidthOptions = {}): BandwidthResult {
  const bytes = options.bytes ?? DEFAULT_BANDWIDTH_BYTES;
  const threads = options.threads ?? availableParallelism();
  const repeats = options.repeats ?? 5;
  if (!(bytes >= 4) || !Number.isFinite(bytes)) throw new RangeError(`bandwidth: bytes must be at least 4, not ${bytes}`);
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`bandwidth: threads must be a whole number ≥ 1, not ${threads}`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`bandwidth: repeats must be a whole number ≥ 1, not ${repeats}`);

  const count = Math.floor(bytes / 4);
  const data = new Float32Array(count);
  data.fill(1 / 1024);
  const input = tensor(data, [count]);
  const model = buildModel({
    nodes: [node('ReduceSum', ['x'], ['sum'], { keepdims: 0 })],
    inputs: [{ name: 'x', type: 'float32', dims: ['n'] }],
    outputs: [{ name: 'sum', type: 'float32', dims: [] }],
  });

  const samples: BandwidthResult['samples'] = [];
  for (const t of threads === 1 ? [1] : [1, threads]) {
    const session = new OrtSession(model, { device: 'cpu', threads: t }, 'the bandwidth probe');
    try {
      const pass = () => {
        const start = process.hrtime.bigint();
        const sum = (session.run({ x: input }).sum!.data as Float32Array)[0]!;
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        // A sum that is not finite would mean the reduction read something other than the buffer.
        if (!Number.isFinite(sum)) throw new Error(`bandwidth probe: ReduceSum returned ${sum}`);
        return (count * 4) / seconds / 1e9;
      };
      pass();
      samples.push({ threads: t, gbps: Array.from({ length: repeats }, pass) });
    } finally {
      session.release();
    }
  }
  const singleThreadGBps = median(samples[0]!.gbps);
  const multiThreadGBps = median(samples.at(-1)!.gbps);
  return { bytes: count * 4, repeats, singleThreadGBps, threads, multiThreadGBps, gbps: Math.max(singleThreadGBps, multiThreadGBps), samples };
}

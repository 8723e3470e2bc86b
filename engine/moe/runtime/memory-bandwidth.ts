// The memory bandwidth the decode benchmark divides by: decoding one token streams every chosen
// expert's weights from memory once, so bytes-per-token over seconds-per-token, against the rate
// at which this machine can stream bytes at all, says how close the engine comes to its roofline.
//
// What is timed: onnxruntime's ReduceSum over one float32 buffer at least four times the
// last-level cache (read from sysfs or getconf; the VMs this runs on report ~0.5 GB, so ~2 GiB),
// every byte read exactly once per repeat and nothing written but the scalar sum. It is the
// fastest honest read found here (MLAS's vectorised reduction beats a 4-way unrolled JavaScript
// sum by ~10% and a plain one by more than 2×), and onnxruntime takes the JavaScript buffer
// without copying it, so only the reduction's own reads are counted. The buffer is
// written before timing: a fresh allocation is the kernel's shared zero page, whose reads would
// hit the cache and report a bandwidth no real weight read ever sees. That first write is most
// of the cost: well under a second for 2 GiB on bare metal, but 5–10 s in a VM whose host backs guest
// memory only when first touched (each timed pass takes ~70 ms either way).
//
// Measured with one intra-op thread and with N: one core rarely saturates the memory system on
// large machines, and the engine's sessions run with either, so both are reported and the
// roofline is the better one.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { buildModel, node } from '../onnx-graph.ts';
import { OrtSession, tensor } from './ort-session.ts';
import { median } from '../../stats.ts';

export interface BandwidthOptions {
  /** Bytes streamed per repeat (rounded down to whole float32 values); default: four times the last-level cache (defaultBandwidthBytes). */
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

export interface LastLevelCache {
  bytes: number;
  level: number;
  /** Where the size was read. */
  source: 'sysfs' | 'getconf';
}

/** Size of the largest CPU cache: sysfs's cpu0 caches, else getconf's LEVELn_CACHE_SIZE; undefined where neither says. */
export function lastLevelCache(): LastLevelCache | undefined {
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  try {
    const caches = readdirSync(dir)
      .filter((d) => /^index\d+$/.test(d))
      .map((d) => {
        const read = (f: string) => readFileSync(`${dir}/${d}/${f}`, 'utf8').trim();
        const size = /^(\d+)([KMG]?)$/.exec(read('size'));
        const unit = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[size?.[2] ?? ''] ?? 1;
        return { level: Number(read('level')), bytes: size ? Number(size[1]) * unit : 0 };
      })
      .filter((c) => c.bytes > 0)
      .sort((a, b) => b.level - a.level || b.bytes - a.bytes);
    if (caches[0]) return { ...caches[0], source: 'sysfs' };
  } catch {
    // No sysfs cache directory (some VMs, macOS): ask getconf.
  }
  try {
    const lines = execFileSync('getconf', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
    for (const level of [4, 3, 2]) {
      const bytes = Number(lines.find((l) => l.startsWith(`LEVEL${level}_CACHE_SIZE `))?.split(/\s+/)[1]);
      if (bytes > 0) return { bytes, level, source: 'getconf' };
    }
  } catch {
    // No getconf either.
  }
  return undefined;
}

/** Four times the last-level cache, so at most a quarter of a pass can come from it; 2 GiB where the cache size is unknown. */
export function defaultBandwidthBytes(cache: LastLevelCache | undefined): number {
  return cache ? 4 * cache.bytes : 2 * 2 ** 30;
}

/** Streams `bytes` through ReduceSum `repeats` times with 1 and with N threads; a few seconds at the defaults. */
export function measureBandwidth(options: BandwidthOptions = {}): BandwidthResult {
  const bytes = options.bytes ?? defaultBandwidthBytes(lastLevelCache());
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

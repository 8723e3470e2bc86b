// How fast a device reads weights that live in its own memory: a vector times a float32 weight
// matrix (decode's own operation), the matrix an initializer that onnxruntime places on the
// session's device when the session loads, so each timed run reads it once where it lives and
// brings back one short row. (A reduction of the initializer alone would be folded into a
// constant when the session loads, and nothing read at run time.) (Feeding the buffer
// as an input instead would time the host-to-device copy on a GPU: onnxruntime-node has no way
// to hand a session a tensor already in GPU memory.) Sized well beyond the last-level cache of
// the GPUs this targets (50–60 MB of L2 on an H100/H200).
import { median } from '../../stats.ts';
import { buildModel, node } from '../onnx-graph.ts';
import { OrtSession, tensor, type Device } from './ort-session.ts';

export interface DeviceBandwidth {
  device: Device;
  /** Bytes read per run. */
  bytes: number;
  /** GB/s (10⁹ bytes a second) of each timed run, after one untimed warm-up. */
  samples: number[];
  /** Their median. */
  gbps: number;
}

export const DEFAULT_DEVICE_BANDWIDTH_BYTES = 512 * 2 ** 20;
/** The matrix is 4096 wide so that the vector sent each run (a 4096th of the bytes read) and the row brought back cost little beside the read. */
const COLUMNS = 4096;

export function measureDeviceBandwidth(device: Device, bytes = DEFAULT_DEVICE_BANDWIDTH_BYTES, repeats = 5): DeviceBandwidth {
  const count = Math.floor(bytes / 4 / COLUMNS) * COLUMNS;
  if (count < COLUMNS || !Number.isInteger(repeats) || repeats < 1) throw new RangeError(`measureDeviceBandwidth: ${bytes} bytes, ${repeats} repeats`);
  // Not zeros: a zero page would read from cache on the CPU, and every value takes part in the product.
  const values = new Float32Array(count).fill(1 / 1024);
  const rows = count / COLUMNS;
  const model = buildModel({
    nodes: [node('MatMul', ['x', 'w'], ['y'])],
    inputs: [{ name: 'x', type: 'float32', dims: [1, rows] }],
    outputs: [{ name: 'y', type: 'float32', dims: [1, COLUMNS] }],
    initializers: [{ name: 'w', type: 'float32', dims: [rows, COLUMNS], bytes: values }],
  });
  const session = new OrtSession(model, { device, threads: 0 }, 'the bandwidth probe');
  try {
    const x = tensor(new Float32Array(rows).fill(1), [1, rows]);
    const pass = () => {
      const start = process.hrtime.bigint();
      const y = (session.run({ x }).y!.data as Float32Array)[0]!;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (!Number.isFinite(y)) throw new Error(`bandwidth probe: MatMul returned ${y}`);
      return (count * 4) / seconds / 1e9;
    };
    pass();
    const samples = Array.from({ length: repeats }, pass);
    return { device, bytes: count * 4, samples, gbps: median(samples) };
  } finally {
    session.release();
  }
}

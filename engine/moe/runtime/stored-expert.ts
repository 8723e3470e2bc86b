// Routed experts run straight from their stored int4 bytes: an expert's three weights are read
// from the package's files (or copied from memory) into a region of the int4 kernel's memory and
// multiplied there. Either for one use (an expert no pool admits: building an onnxruntime session
// for one use takes 7.5–12 ms on Kimi-VL's widths, reading, parsing and prepacking 5.3 MB, where
// the kernel reads and runs it in about a millisecond), or held there until its pool evicts it
// (a pool of stored experts: the weights once, as stored, with no session).
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { LocatedWeight, StoredLocation } from '../package.ts';
import type { QuantisedWeight } from '../quant.ts';
import type { RuntimeWeights } from './graphs.ts';
import { Int4Kernel, kernelTakes, type KernelAccuracy, type KernelWeight } from './int4-kernel/int4-gemv.ts';

const PROJECTIONS = ['gate_proj', 'up_proj', 'down_proj'] as const;

/**
 * The most rows the kernel runs an expert on. Its cost grows with the rows (about 0.7 ms each on
 * Kimi-VL's widths, one thread), while a session is built once and then multiplies many rows at
 * onnxruntime's speed: past about 16 to 32 rows (a long prompt's prefill), building the session
 * for that one use is cheaper. A decoded token is one row.
 */
export const STORED_MAX_ROWS = 16;

type Stored = QuantisedWeight | LocatedWeight;

/** An expert's three weights in a kernel's memory, in the region at `at` of `bytes`. */
export interface PlacedExpert {
  kernel: Int4Kernel;
  at: number;
  bytes: number;
  gate: KernelWeight;
  up: KernelWeight;
  down: KernelWeight;
}

export class StoredExperts {
  /** Kernel instances in the order they were made: one memory holds under 4 GiB of weights. */
  private readonly kernels: Int4Kernel[] = [];
  /** Experts kept in the kernels' memory until dropped, by stem. */
  private readonly held = new Map<string, PlacedExpert>();
  /** Open package files, by their name in the package. */
  private readonly files = new Map<string, number>();

  constructor(
    private readonly weights: RuntimeWeights,
    private readonly accuracy: KernelAccuracy,
  ) {}

  /** Whether the kernel takes the expert under `stem` (int4, block 32) on `rows` rows; otherwise it needs a session. */
  takes(stem: string, rows: number): boolean {
    return rows <= STORED_MAX_ROWS && PROJECTIONS.every((p) => {
      const w = this.stored(`${stem}.${p}.weight`);
      return w !== undefined && kernelTakes(w);
    });
  }

  /** SwiGLU of x [rows, hidden]: down(silu(gate(x)) · up(x)), from the expert's stored bytes read for this use only. */
  run(stem: string, x: Float32Array, rows: number): Float32Array {
    const placed = this.held.get(stem) ?? this.load(stem);
    try {
      return this.apply(placed, x, rows);
    } finally {
      if (!this.held.has(stem)) this.free(placed);
    }
  }

  /** The same, from a copy of the stored bytes kept in the kernel's memory (read at the first use) until `drop`. */
  runHeld(stem: string, x: Float32Array, rows: number): Float32Array {
    let placed = this.held.get(stem);
    if (!placed) this.held.set(stem, (placed = this.load(stem)));
    return this.apply(placed, x, rows);
  }

  /** Lets go of the copy `runHeld` kept. */
  drop(stem: string): void {
    const placed = this.held.get(stem);
    if (!placed) return;
    this.held.delete(stem);
    this.free(placed);
  }

  /** Reads the expert's gate, up and down weights, as stored, into a region of a kernel's memory. */
  load(stem: string): PlacedExpert {
    const weights = PROJECTIONS.map((p) => this.stored(`${stem}.${p}.weight`)!);
    const parts = weights.flatMap((w) => [w.qweight, w.scales, w.zeroPoints]);
    const bytes = parts.reduce((n, p) => n + byteLength(p), 0);
    const { kernel, at } = this.allocate(bytes);
    const memory = kernel.bytes;
    let offset = at;
    const offsets = parts.map((part) => {
      const start = offset;
      this.copy(part, memory.subarray(start, start + byteLength(part)));
      offset += byteLength(part);
      return start;
    });
    const [gate, up, down] = weights.map((w, i): KernelWeight => ({ N: w.N, K: w.K, qweight: offsets[3 * i]!, scales: offsets[3 * i + 1]!, zeroPoints: offsets[3 * i + 2]! }));
    return { kernel, at, bytes, gate: gate!, up: up!, down: down! };
  }

  /** Runs an expert `load` placed on x [rows, hidden]. */
  apply({ kernel, gate, up, down }: PlacedExpert, x: Float32Array, rows: number): Float32Array {
    const g = kernel.matVec(gate, x, rows);
    const u = kernel.matVec(up, x, rows);
    for (let i = 0; i < g.length; i++) g[i] = (g[i]! / (1 + Math.exp(-g[i]!))) * u[i]!;
    return kernel.matVec(down, g, rows);
  }

  /** Bytes the kernels' memories took for weights: experts held, regions to reuse, the copies read for one use. */
  weightBytes(): number {
    return this.kernels.reduce((n, k) => n + k.weightBytes, 0);
  }

  close(): void {
    for (const stem of [...this.held.keys()]) this.drop(stem);
    this.files.forEach((fd) => closeSync(fd));
    this.files.clear();
  }

  private allocate(bytes: number): { kernel: Int4Kernel; at: number } {
    for (const kernel of this.kernels) {
      const at = kernel.allocate(bytes);
      if (at !== undefined) return { kernel, at };
    }
    const kernel = new Int4Kernel(this.accuracy);
    this.kernels.push(kernel);
    const at = kernel.allocate(bytes);
    if (at === undefined) throw new RangeError(`an expert of ${bytes} bytes does not fit in the int4 kernel's memory`);
    return { kernel, at };
  }

  private free(placed: PlacedExpert): void {
    placed.kernel.free(placed.at, placed.bytes);
  }

  private stored(name: string): Stored | undefined {
    return this.weights.located?.(name) ?? this.weights.quantised(name);
  }

  private copy(part: ArrayBufferView | StoredLocation, into: Uint8Array): void {
    if (!('file' in part)) {
      into.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
      return;
    }
    const fd = this.fd(part.file);
    for (let done = 0; done < part.length; ) {
      const n = readSync(fd, into, done, part.length - done, part.offset + done);
      if (n === 0) throw new Error(`${part.file}: ended at byte ${part.offset + done}, inside a weight`);
      done += n;
    }
  }

  private fd(file: string): number {
    let fd = this.files.get(file);
    if (fd === undefined) this.files.set(file, (fd = openSync(join(this.weights.folder!, file), 'r')));
    return fd;
  }
}

const byteLength = (part: ArrayBufferView | StoredLocation) => ('file' in part ? part.length : part.byteLength);

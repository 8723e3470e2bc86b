// A routed expert run straight from its stored int4 bytes: its three weights are read from the
// package's files (or copied from memory) into the int4 kernel's memory, one expert at a time,
// and multiplied there. For an expert no pool admits: building an onnxruntime session for one
// use takes 7.5–12 ms on Kimi-VL's widths (reading, parsing and prepacking 5.3 MB), the kernel
// reads and runs it in about a millisecond.
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

/** An expert's three weights in the kernel's memory. */
export interface PlacedExpert {
  gate: KernelWeight;
  up: KernelWeight;
  down: KernelWeight;
}

export class StoredExperts {
  private readonly kernel: Int4Kernel;
  /** Open package files, by their name in the package. */
  private readonly files = new Map<string, number>();

  constructor(
    private readonly weights: RuntimeWeights,
    accuracy: KernelAccuracy,
  ) {
    this.kernel = new Int4Kernel(accuracy);
  }

  /** Whether the kernel takes the expert under `stem` (int4, block 32) on `rows` rows; otherwise it needs a session. */
  takes(stem: string, rows: number): boolean {
    return rows <= STORED_MAX_ROWS && PROJECTIONS.every((p) => {
      const w = this.stored(`${stem}.${p}.weight`);
      return w !== undefined && kernelTakes(w);
    });
  }

  /** SwiGLU of x [rows, hidden]: down(silu(gate(x)) · up(x)), from the expert's stored bytes. */
  run(stem: string, x: Float32Array, rows: number): Float32Array {
    return this.apply(this.load(stem), x, rows);
  }

  /**
   * Reads the expert's gate, up and down weights, as stored, into the kernel's memory (in place
   * of the expert loaded before).
   */
  load(stem: string): PlacedExpert {
    const [gate, up, down] = this.place(PROJECTIONS.map((p) => this.stored(`${stem}.${p}.weight`)!));
    return { gate: gate!, up: up!, down: down! };
  }

  /** Runs the expert `load` placed last on x [rows, hidden]. */
  apply({ gate, up, down }: PlacedExpert, x: Float32Array, rows: number): Float32Array {
    const g = this.kernel.matVec(gate, x, rows);
    const u = this.kernel.matVec(up, x, rows);
    for (let i = 0; i < g.length; i++) g[i] = (g[i]! / (1 + Math.exp(-g[i]!))) * u[i]!;
    return this.kernel.matVec(down, g, rows);
  }

  close(): void {
    this.files.forEach((fd) => closeSync(fd));
    this.files.clear();
  }

  private stored(name: string): Stored | undefined {
    return this.weights.located?.(name) ?? this.weights.quantised(name);
  }

  /** Copies the weights' stored parts, one after another, into the kernel's weight region. */
  private place(weights: Stored[]): KernelWeight[] {
    const parts = weights.flatMap((w) => [w.qweight, w.scales, w.zeroPoints]);
    const base = this.kernel.reserveWeights(parts.reduce((n, p) => n + byteLength(p), 0));
    const memory = this.kernel.bytes;
    let at = base;
    const offsets = parts.map((part) => {
      const offset = at;
      this.copy(part, memory.subarray(at, at + byteLength(part)));
      at += byteLength(part);
      return offset;
    });
    return weights.map((w, i) => ({ N: w.N, K: w.K, qweight: offsets[3 * i]!, scales: offsets[3 * i + 1]!, zeroPoints: offsets[3 * i + 2]! }));
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

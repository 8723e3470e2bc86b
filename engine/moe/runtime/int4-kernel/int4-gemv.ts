// The int4 matrix-vector kernel (int4-gemv.c, built to WebAssembly SIMD128) as the runtime calls
// it: weights are copied into the kernel's memory in their stored MatMulNBits bytes and
// multiplied there, with no session and no prepacked copy. One kernel instance per thread.
import { readFileSync } from 'node:fs';

/** MatMulNBits' accuracy levels: 4 quantises activations to int8 per block, 0 keeps them float32. */
export type KernelAccuracy = 0 | 4;

/** The stored form the kernel reads: int4, blocks of 32 values. */
export const KERNEL_BLOCK = 32;
export const kernelTakes = (w: { bits: number; blockSize: number }) => w.bits === 4 && w.blockSize === KERNEL_BLOCK;

/** A weight W [N, K] whose stored parts lie in the kernel's memory, at these byte offsets. */
export interface KernelWeight {
  N: number;
  K: number;
  qweight: number;
  scales: number;
  zeroPoints: number;
}

/** Bytes of each stored part of W [N, K] (int4, block 32), as the package stores them. */
export function kernelPartBytes(N: number, K: number): { qweight: number; scales: number; zeroPoints: number } {
  const blocks = Math.ceil(K / KERNEL_BLOCK);
  return { qweight: N * blocks * (KERNEL_BLOCK / 2), scales: N * blocks * 4, zeroPoints: N * Math.ceil(blocks / 2) };
}

// Node's WebAssembly API, which this project's type libraries (ES2023, @types/node 20) do not
// declare: the part used here.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { value: number };
  quantise_activations(x: number, rows: number, K: number, B: number, xq: number, sx: number, xs: number): void;
  arrange_activations(x: number, rows: number, K: number, B: number, xa: number, xs: number): void;
  gemv_int8(qweight: number, scales: number, zeroPoints: number, N: number, B: number, rows: number, xq: number, sx: number, xs: number, y: number): void;
  gemv_f32(qweight: number, scales: number, zeroPoints: number, N: number, B: number, rows: number, xa: number, xs: number, y: number): void;
}

let compiled: object | undefined;
const PAGE = 65536;
const align = (n: number) => Math.ceil(n / 64) * 64;
/**
 * Bytes of weights one kernel instance holds at most: a 32-bit WebAssembly memory ends at 4 GiB,
 * and the scratch (activations, outputs) goes after the weights.
 */
export const KERNEL_WEIGHT_LIMIT = 3.75 * 2 ** 30;

export class Int4Kernel {
  private readonly k: Exports;
  private readonly base: number;
  /** The end of the weight regions handed out; scratch (activations, outputs) follows. */
  private top: number;
  /** Regions given back, by size: weights of one shape (a layer's experts) reuse each other's. */
  private readonly spare = new Map<number, number[]>();

  constructor(readonly accuracy: KernelAccuracy) {
    compiled ??= new wasm.Module(readFileSync(new URL('./int4-gemv.wasm', import.meta.url)));
    this.k = new wasm.Instance(compiled).exports as unknown as Exports;
    this.base = align(this.k.__heap_base.value);
    this.top = this.base;
  }

  /** The kernel's memory as bytes (a new view after the memory grows). */
  get bytes(): Uint8Array {
    return new Uint8Array(this.k.memory.buffer);
  }

  /** Bytes of the regions handed out for weights (given back or not): what the weights took of the memory. */
  get weightBytes(): number {
    return this.top - this.base;
  }

  /** A region of `bytes` for weights, kept until `free`; undefined when this instance has no room left. */
  allocate(bytes: number): number | undefined {
    const size = align(bytes);
    const reused = this.spare.get(size)?.pop();
    if (reused !== undefined) return reused;
    if (this.top + size - this.base > KERNEL_WEIGHT_LIMIT) return undefined;
    const at = this.top;
    this.top += size;
    this.ensure(this.top);
    return at;
  }

  /** Gives back a region `allocate` handed out, for the next weights of its size. */
  free(offset: number, bytes: number): void {
    const size = align(bytes);
    const list = this.spare.get(size) ?? this.spare.set(size, []).get(size)!;
    list.push(offset);
  }

  /** y [rows, N] = x [rows, K] · Wᵀ for W in the kernel's memory. */
  matVec(w: KernelWeight, x: Float32Array, rows: number): Float32Array {
    const B = Math.ceil(w.K / KERNEL_BLOCK);
    const xIn = this.top;
    const arranged = align(xIn + x.byteLength);
    const perBlock = align(arranged + rows * B * KERNEL_BLOCK * (this.accuracy === 4 ? 2 : 4));
    const sums = align(perBlock + rows * B * 4);
    const y = align(sums + rows * B * 4);
    this.ensure(y + rows * w.N * 4);
    new Float32Array(this.k.memory.buffer, xIn, x.length).set(x);
    if (this.accuracy === 4) {
      this.k.quantise_activations(xIn, rows, w.K, B, arranged, perBlock, sums);
      this.k.gemv_int8(w.qweight, w.scales, w.zeroPoints, w.N, B, rows, arranged, perBlock, sums, y);
    } else {
      this.k.arrange_activations(xIn, rows, w.K, B, arranged, sums);
      this.k.gemv_f32(w.qweight, w.scales, w.zeroPoints, w.N, B, rows, arranged, sums, y);
    }
    return new Float32Array(this.k.memory.buffer, y, rows * w.N).slice();
  }

  private ensure(end: number): void {
    const have = this.k.memory.buffer.byteLength;
    if (end > have) this.k.memory.grow(Math.ceil((end - have) / PAGE));
  }
}

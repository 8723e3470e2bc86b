// The reference's own reading of the weight formats releases publish, from the stored bytes,
// written from the formats' definitions and sharing no decoding with engine/ (fp8.ts, the
// converter's repacking, quant.ts): only where the bytes are comes from the checkpoint reader.
// Two decoders written apart that agree bit for bit are the check that either is right.
//
// - floats: F32 as stored; BF16 is the high half of an F32; F16 is IEEE half precision.
// - FP8 blocks (DeepSeek-V3, Kimi K2): float8_e4m3fn codes (sign, 4 exponent bits with bias 7,
//   3 mantissa bits; exponent 0 subnormal; S.1111.111 NaN, no infinities) times the F32
//   `weight_scale_inv` of the code's [block rows × block cols] tile.
// - compressed-tensors pack-quantized int4 (Kimi K2.5): 32-bit little-endian words of eight
//   4-bit codes along the row, the lowest nibble first; the value is (code − 8) times the group's
//   scale.
import type { Checkpoint } from '../../../engine/moe/checkpoint.ts';
import type { Tensor, WeightSource } from '../../../engine/moe/tensor.ts';

/** float8_e4m3fn code → value, from its bits. */
export function e4m3Value(code: number): number {
  const sign = code & 0x80 ? -1 : 1;
  const exponent = (code >> 3) & 0xf;
  const mantissa = code & 0x7;
  if (exponent === 0xf && mantissa === 0x7) return NaN;
  const magnitude = exponent === 0 ? (mantissa / 8) * 2 ** -6 : (1 + mantissa / 8) * 2 ** (exponent - 7);
  return sign * magnitude;
}

/** IEEE 754 half precision bits → value. */
function f16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (exponent === 0 ? (fraction / 1024) * 2 ** -14 : (1 + fraction / 1024) * 2 ** (exponent - 15));
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A float tensor's stored bytes as float32 values. */
export function floatValues(bytes: Uint8Array, dtype: 'F32' | 'F16' | 'BF16'): Float32Array {
  const v = view(bytes);
  const width = dtype === 'F32' ? 4 : 2;
  const out = new Float32Array(bytes.byteLength / width);
  const widened = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < out.length; i++) {
    if (dtype === 'F32') out[i] = v.getFloat32(4 * i, true);
    else if (dtype === 'F16') out[i] = f16Value(v.getUint16(2 * i, true));
    else {
      widened.setUint32(0, v.getUint16(2 * i, true) << 16);
      out[i] = widened.getFloat32(0);
    }
  }
  return out;
}

/** FP8 codes [N, K] with one scale_inv per [block[0] × block[1]] tile, as values. */
export function fp8BlockValues(codes: Uint8Array, scaleInv: Float32Array, N: number, K: number, block: readonly [number, number]): Float32Array {
  const tilesPerRow = Math.ceil(K / block[1]);
  const out = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const scale = scaleInv[Math.floor(n / block[0]) * tilesPerRow + Math.floor(k / block[1])]!;
      out[n * K + k] = e4m3Value(codes[n * K + k]!) * scale;
    }
  }
  return out;
}

/** Pack-quantized int4 words [N, ⌈K/8⌉] with one scale per `groupSize` values of a row, as values. */
export function packedInt4Values(words: Uint8Array, scales: Float32Array, N: number, K: number, groupSize: number): Float32Array {
  const v = view(words);
  const wordsPerRow = Math.ceil(K / 8);
  const groupsPerRow = Math.ceil(K / groupSize);
  const out = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const word = v.getUint32(4 * (n * wordsPerRow + Math.floor(k / 8)), true);
      const code = (word >>> (4 * (k % 8))) & 0xf;
      out[n * K + k] = (code - 8) * scales[n * groupsPerRow + Math.floor(k / groupSize)]!;
    }
  }
  return out;
}

/**
 * A checkpoint's weights as the reference decodes them from their stored bytes, whatever form
 * the release stores them in.
 */
export function releaseWeights(checkpoint: Checkpoint): WeightSource {
  const shapes = new Map(checkpoint.tensors.map((t) => [t.name, t.shape]));
  const floats = (tensor: string) => {
    const { dtype } = checkpoint.entry(tensor);
    if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') throw new Error(`${tensor} is ${dtype}, not a float`);
    return floatValues(checkpoint.readBytes(tensor), dtype);
  };
  return {
    has: (name) => shapes.has(name),
    get(name): Tensor {
      const shape = shapes.get(name);
      if (!shape) throw new Error(`the checkpoint has no weight ${name}`);
      const stored = checkpoint.stored(name);
      const [N, K] = shape as [number, number];
      switch (stored.kind) {
        case 'float':
          return { shape, data: floats(stored.tensor) };
        case 'fp8-block':
          return { shape, data: fp8BlockValues(checkpoint.readBytes(stored.tensor), floats(stored.scaleInv), N, K, stored.block) };
        case 'int4-packed':
          return { shape, data: packedInt4Values(checkpoint.readBytes(stored.packed), floats(stored.scale), N, K, stored.groupSize) };
      }
    },
  };
}

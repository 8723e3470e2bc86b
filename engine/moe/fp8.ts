// FP8 E4M3 as PyTorch's float8_e4m3fn stores it (the "fn" variant DeepSeek-V3 and Kimi K2 ship):
// 1 sign, 4 exponent (bias 7) and 3 mantissa bits; no infinities, and only S.1111.111 is NaN,
// which buys the largest finite value 448 instead of 240.

/** Every one of the 256 codes as its exact value (each fits a float32 exactly). */
export const E4M3_VALUES: Float32Array = (() => {
  const table = new Float32Array(256);
  for (let code = 0; code < 256; code++) {
    const exponent = (code >> 3) & 15;
    const mantissa = code & 7;
    let value: number;
    if (exponent === 15 && mantissa === 7) value = NaN;
    else if (exponent === 0) value = mantissa * 2 ** -9; // subnormal: 0.mmm × 2^(1 − 7)
    else value = (1 + mantissa / 8) * 2 ** (exponent - 7);
    table[code] = code & 0x80 ? -value : value;
  }
  return table;
})();

export const E4M3_MAX = 448;

/** Widens E4M3 codes to float32, exactly. */
export function decodeE4M3(codes: Uint8Array): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = E4M3_VALUES[codes[i]!]!;
  return out;
}

// The arithmetic the reference forward pass is built from: plain loops over Float32Array.
// Activations are stored as float32 (as the PyTorch models keep them); sums are accumulated
// in float64 (a JS number), which costs nothing here and keeps the reference the more exact
// side of every comparison. Nothing here is fast, and nothing here should be.
import type { Tensor } from '../../../engine/moe/tensor.ts';

/** y = x·Wᵀ + b for `rows` rows: x [rows, in], W [out, in] (torch.nn.Linear layout), b [out] → y [rows, out]. */
export function linear(x: Float32Array, rows: number, weight: Tensor, bias?: Tensor): Float32Array {
  const [outDim, inDim] = weight.shape as [number, number];
  if (weight.shape.length !== 2) throw new Error(`linear: weight shape [${weight.shape}] is not 2-D`);
  if (x.length !== rows * inDim) throw new Error(`linear: input of ${x.length} values is not [${rows}, ${inDim}]`);
  if (bias && bias.data.length !== outDim) throw new Error(`linear: bias of ${bias.data.length} values, expected ${outDim}`);
  const w = weight.data;
  const y = new Float32Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    const xo = r * inDim;
    for (let o = 0; o < outDim; o++) {
      const wo = o * inDim;
      let s = 0;
      for (let i = 0; i < inDim; i++) s += x[xo + i]! * w[wo + i]!;
      y[r * outDim + o] = bias ? s + bias.data[o]! : s;
    }
  }
  return y;
}

/** DeepseekV3RMSNorm: x / sqrt(mean(x²) + eps) · weight, row by row over the last dimension. */
export function rmsNorm(x: Float32Array, rows: number, weight: Tensor, eps: number): Float32Array {
  const d = weight.data.length;
  if (x.length !== rows * d) throw new Error(`rmsNorm: input of ${x.length} values is not [${rows}, ${d}]`);
  const y = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let ss = 0;
    for (let i = 0; i < d; i++) ss += x[o + i]! * x[o + i]!;
    const inv = 1 / Math.sqrt(ss / d + eps);
    for (let i = 0; i < d; i++) y[o + i] = weight.data[i]! * Math.fround(x[o + i]! * inv);
  }
  return y;
}

/** torch.nn.LayerNorm over the last dimension: (x − mean) / sqrt(var + eps) · weight + bias (biased variance). */
export function layerNorm(x: Float32Array, rows: number, weight: Tensor, bias: Tensor, eps: number): Float32Array {
  const d = weight.data.length;
  if (x.length !== rows * d) throw new Error(`layerNorm: input of ${x.length} values is not [${rows}, ${d}]`);
  const y = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[o + i]!;
    mean /= d;
    let v = 0;
    for (let i = 0; i < d; i++) v += (x[o + i]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + eps);
    for (let i = 0; i < d; i++) y[o + i] = (x[o + i]! - mean) * inv * weight.data[i]! + bias.data[i]!;
  }
  return y;
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** SiLU (the decoder's hidden_act): x·sigmoid(x). */
export const silu = (x: number) => x / (1 + Math.exp(-x));
/** GELU, tanh approximation (transformers' PytorchGELUTanh, used in the vision encoder's MLP). */
export const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
/** GELU, exact: x·Φ(x) (transformers' GELUActivation, used in the multi-modal projector). */
export const geluErf = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

/**
 * The error function to double precision: erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿx^(2n+1) / (1·3·…·(2n+1)),
 * a series of positive terms (no cancellation); |x| ≥ 6 gives ±1 (erfc(6) ≈ 2e−17).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 500; n++) {
    term *= (2 * ax * ax) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
  return x < 0 ? -r : r;
}

/** Applies f to every element, storing float32. */
export function map(x: Float32Array, f: (v: number) => number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = f(x[i]!);
  return y;
}

/** a += b, element by element (a residual). */
export function addInPlace(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) throw new Error(`add: ${a.length} vs ${b.length} values`);
  for (let i = 0; i < a.length; i++) a[i] = a[i]! + b[i]!;
}

/** Softmax of a row in place (max-subtracted), in float64. */
export function softmaxInPlace(row: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    row[i] = Math.exp(row[i]! - max);
    sum += row[i]!;
  }
  for (let i = 0; i < row.length; i++) row[i] = row[i]! / sum;
}

// ---------------------------------------------------------------------------------------------
// Resampling

/**
 * torch.nn.functional.interpolate(mode='bicubic', align_corners=False, antialias=False) of a
 * channel-last grid [inH, inW, C] to [outH, outW, C], as the vision tower resizes its learned
 * position embeddings. Source coordinate (dst + 0.5)·(in/out) − 0.5, not clamped; cubic
 * convolution with A = −0.75; the four taps at floor(src) − 1 … floor(src) + 2 read clamped to
 * the border. Scale and coordinates are float32, as ATen computes them for float tensors.
 */
export function interpolateBicubic(src: Float32Array, inH: number, inW: number, channels: number, outH: number, outW: number): Float32Array {
  if (src.length !== inH * inW * channels) throw new Error(`interpolateBicubic: ${src.length} values is not [${inH}, ${inW}, ${channels}]`);
  const ys = cubicTaps(inH, outH);
  const xs = cubicTaps(inW, outW);
  const out = new Float32Array(outH * outW * channels);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const o = (oy * outW + ox) * channels;
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let i = 0; i < 4; i++) {
          let row = 0;
          for (let j = 0; j < 4; j++) row += xs.weights[ox * 4 + j]! * src[(ys.index[oy * 4 + i]! * inW + xs.index[ox * 4 + j]!) * channels + c]!;
          s += ys.weights[oy * 4 + i]! * row;
        }
        out[o + c] = s;
      }
    }
  }
  return out;
}

/** The four source indices (clamped) and cubic weights of each output position along one axis. */
export function cubicTaps(inSize: number, outSize: number): { index: Int32Array; weights: Float64Array } {
  const A = -0.75;
  const conv1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1; // |x| ≤ 1
  const conv2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; // 1 < |x| < 2
  const f = Math.fround;
  const scale = f(inSize / outSize);
  const index = new Int32Array(outSize * 4);
  const weights = new Float64Array(outSize * 4);
  for (let o = 0; o < outSize; o++) {
    const real = f(f(scale * f(o + 0.5)) - 0.5);
    const i0 = Math.min(Math.floor(real), inSize - 1);
    const t = Math.min(Math.max(f(real - i0), 0), 1);
    const w = [conv2(t + 1), conv1(t), conv1(1 - t), conv2(2 - t)];
    for (let j = 0; j < 4; j++) {
      index[o * 4 + j] = Math.max(Math.min(i0 - 1 + j, inSize - 1), 0);
      weights[o * 4 + j] = f(w[j]!);
    }
  }
  return { index, weights };
}

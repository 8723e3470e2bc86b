// A tensor as the model code sees it: float32 values in row-major order and their shape.
// Every weight, whatever it is stored as (bf16, int4 blocks), is handed out this way.

export interface Tensor {
  shape: readonly number[];
  data: Float32Array;
}

/** The weights of one checkpoint or model package, by their Hugging Face names, read when asked for. */
export interface WeightSource {
  has(name: string): boolean;
  /** The weight as float32; a weight stored quantised is dequantised. Throws MODEL_CORRUPT or MODEL_NOT_FOUND with the name. */
  get(name: string): Tensor;
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

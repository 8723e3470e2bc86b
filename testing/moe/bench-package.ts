// The bench model: a package of Kimi-VL's shape at about a tenth of its width, written straight
// from a generator (no checkpoint, no quantisation in between), for `loupe bench engine`.
import { quantLayout, type QuantBits, type QuantisedWeight } from '../../engine/moe/quant.ts';
import { writePackage, type PackageProgress, type PackageTensor, type WrittenPackage } from '../../engine/moe/package.ts';
import { checkpointDtype, initialValues, tensorRandom, tinyConfigJson } from './test-checkpoint.ts';

/**
 * The bench model's config.json: Kimi-VL's shape at about a tenth of its width (64 experts,
 * top-6, 2 shared, 12 layers), so int4 weights come to about 1.7 GB; a small vision tower.
 */
export function benchConfigJson(overrides: { text_config?: Record<string, unknown>; vision_config?: Record<string, unknown> } = {}): Record<string, unknown> {
  const vocab = 32768;
  const json = tinyConfigJson({ vocabSize: vocab });
  Object.assign(json.text_config as object, {
    hidden_size: 1280,
    intermediate_size: 3584,
    moe_intermediate_size: 896,
    num_hidden_layers: 12,
    num_attention_heads: 16,
    num_key_value_heads: 16,
    n_routed_experts: 64,
    n_shared_experts: 2,
    num_experts_per_tok: 6,
    first_k_dense_replace: 1,
    q_lora_rank: null,
    kv_lora_rank: 256,
    qk_nope_head_dim: 64,
    qk_rope_head_dim: 32,
    v_head_dim: 64,
    n_group: 1,
    topk_group: 1,
    routed_scaling_factor: 2.446,
    rope_theta: 800000,
    max_position_embeddings: 8192,
    ...overrides.text_config,
  });
  Object.assign(json.vision_config as object, {
    hidden_size: 384,
    num_hidden_layers: 4,
    num_attention_heads: 6,
    intermediate_size: 1536,
    init_pos_emb_height: 64,
    init_pos_emb_width: 64,
    ...overrides.vision_config,
  });
  return json;
}

export interface BenchPackageOptions {
  seed?: number;
  /** Default 4. */
  bits?: QuantBits;
  blockSize?: number;
  /** Replace bench sizes (a test writes a small one). */
  configOverrides?: { text_config?: Record<string, unknown>; vision_config?: Record<string, unknown> };
  tokenizer?: { files: readonly string[]; specialTokens?: Record<string, number>; chatTemplate?: string };
  overwrite?: boolean;
  onProgress?: (progress: PackageProgress) => void;
  signal?: AbortSignal;
}

/**
 * Writes a bench-size package directly: quantised weights are random bytes with random scales
 * (sized so activations keep order one), other tensors as the random checkpoints have them.
 * No checkpoint and no quantisation in between, so it takes seconds, not minutes.
 */
export async function writeBenchPackage(outDir: string, options: BenchPackageOptions = {}): Promise<WrittenPackage> {
  const seed = options.seed ?? 1;
  const bits = options.bits ?? 4;
  const blockSize = options.blockSize ?? 32;
  return writePackage(
    outDir,
    {
      config: benchConfigJson(options.configOverrides),
      bits,
      blockSize,
      floatDtype: checkpointDtype,
      tokenizer: options.tokenizer,
      source: { kind: 'bench-generator', seed },
      testPackage: true,
      overwrite: options.overwrite,
      onProgress: options.onProgress,
      signal: options.signal,
      // The generator makes each tensor whole from its own seed; the bench shape's largest (the embedding) is 170 MB as float32.
      slabBytes: Infinity,
    },
    (t) => (t.storage === 'int4' || t.storage === 'int8' ? randomQuantised(t, bits, blockSize, seed) : initialValues(t.name, t.shape, seed)),
  );
}

function randomQuantised(t: PackageTensor, bits: QuantBits, blockSize: number, seed: number): QuantisedWeight {
  const [N, K] = t.shape as [number, number];
  const layout = quantLayout(N, K, bits, blockSize);
  const random = tensorRandom(seed, t.name);
  // xorshift32 fills the bulk: a gigabyte of codes in about a second.
  const words = new Uint32Array(Math.ceil((layout.qweightShape[0] * layout.qweightShape[1] * layout.qweightShape[2]) / 4));
  let x = Math.floor(random.uniform() * 2 ** 32) | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  const levels = 2 ** bits;
  // Uniform codes around the middle level have this spread; scale them to weights of std 1/√K.
  const codeStd = Math.sqrt((levels * levels - 1) / 12);
  const scales = new Float32Array(layout.scalesLength);
  for (let i = 0; i < scales.length; i++) scales[i] = ((0.5 + random.uniform()) / (codeStd * Math.sqrt(K)));
  const middle = levels / 2;
  const zeroPoints = new Uint8Array(layout.zeroPointsLength).fill(bits === 4 ? middle | (middle << 4) : middle);
  return { bits, blockSize, N, K, qweight: new Uint8Array(words.buffer, 0, N * layout.blocksPerRow * layout.blobSize), scales, zeroPoints };
}

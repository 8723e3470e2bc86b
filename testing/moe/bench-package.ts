// The bench model: a package with Kimi-VL-A3B's widths, expert count and routing but fewer
// layers, written straight from a generator (no checkpoint, no quantisation in between), for
// `loupe bench engine`.
import { readFileSync } from 'node:fs';
import { quantLayout, type QuantBits, type QuantisedWeight } from '../../engine/moe/quant.ts';
import { writePackage, type PackageProgress, type PackageTensor, type WrittenPackage } from '../../engine/moe/package.ts';
import { checkpointDtype, initialValues, tensorRandom } from './test-checkpoint.ts';

/**
 * Decoder layers of the bench model: the first dense (as in Kimi-VL-A3B), then MoE layers, so
 * int4 weights come to about 2.4 GB and a bench run takes minutes on two cores. The release has 27.
 */
export const BENCH_TEXT_LAYERS = 5;
/** MoonViT layers of the bench model's vision tower (the release has 27). */
export const BENCH_VISION_LAYERS = 2;

/**
 * The bench model's config.json: Kimi-VL-A3B's own (models/families/kimi-vl-a3b), every width,
 * the expert count, top-k, shared experts, MLA ranks, vocabulary, routing and norm settings as
 * published, with only the layer counts cut to BENCH_TEXT_LAYERS and BENCH_VISION_LAYERS.
 */
export function benchConfigJson(overrides: { text_config?: Record<string, unknown>; vision_config?: Record<string, unknown> } = {}): Record<string, unknown> {
  const json = JSON.parse(readFileSync(new URL('../../models/families/kimi-vl-a3b/config.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
  Object.assign(json.text_config!, { num_hidden_layers: BENCH_TEXT_LAYERS, ...overrides.text_config });
  Object.assign(json.vision_config!, { num_hidden_layers: BENCH_VISION_LAYERS, ...overrides.vision_config });
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
      // The generator makes each tensor whole from its own seed; the bench shape's largest (the embedding) is 1.3 GB as float32.
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
  // Uniform codes average levels/2 − 1/2, so one zero point for every block would give every
  // weight a mean of the same sign: each layer would then add the same direction to the residual
  // stream whatever the token, and the routers would choose the same few experts for every token.
  // A random zero point of levels/2 − 1 or levels/2 per block gives weights of mean zero.
  const zeroPoint = () => levels / 2 - (random.uniform() < 0.5 ? 1 : 0);
  const zeroPoints = new Uint8Array(layout.zeroPointsLength);
  for (let i = 0; i < zeroPoints.length; i++) zeroPoints[i] = bits === 4 ? zeroPoint() | (zeroPoint() << 4) : zeroPoint();
  return { bits, blockSize, N, K, qweight: new Uint8Array(words.buffer, 0, N * layout.blocksPerRow * layout.blobSize), scales, zeroPoints };
}

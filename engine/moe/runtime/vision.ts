// The vision path as it runs: the MoonViT tower, the 2×2 patch merger and the projector as
// onnxruntime graphs, the weights as initializers, so an image costs one session run (or one per
// segment, below) instead of thousands of small ones.
//
// Tokens enter the graph already in merged order (each 2×2 block's four patches consecutive,
// blocks row-major), with their position embeddings and rotary angles permuted alike. Every step
// of the tower but attention works token by token, and attention inside one image is full and
// unmasked, hence indifferent to the order of its tokens; so the merger becomes a plain Reshape
// at the end, with no Transpose over the sequence and no grid shape to feed the graph.
//
// Images run one at a time rather than packed with a block-diagonal mask: attention then costs
// the sum of each image's n² rather than (Σn)², no mask of (Σn)² floats is built, and the
// linear layers of one screenshot (thousands of rows) are already as large as matrix products
// get. The 2-D RoPE is onnxruntime's RotaryEmbedding on consecutive pairs (as MoonViT rotates
// them), its cos/sin rows being each token's own angles rather than a table by position, so one
// fused kernel does what a Split, four Muls and a Concat would. Attention is onnxruntime's
// MultiHeadAttention, whose CPU kernel tiles queries and keys (flash attention) rather than
// holding the [heads, n, n] scores: 4 000 patches would need 400 MB of them per layer.
//
// ONNX models are protobuf messages, capped at 2 GiB, and the encoder blocks of a real tower in
// float32 come close (Kimi-VL's MoonViT is 1.6 GB); so the tower is cut into consecutive
// segments of blocks under a byte budget, one graph each, the hidden state passed between them.
// A bench-sized or tiny tower is one graph.
//
// Kimi K2.5's MoonViT3d also takes a video chunk of T frames (T ≤ init_pos_emb_time) as one
// sequence of T·gh·gw tokens: frame by frame, each frame in merged order. Every frame's tokens get
// the same 2-D position embedding and rotary angles, plus a fixed sin/cos embedding of the frame's
// index (added only when T > 1, as the release does: a single image gets none); attention runs
// over the whole chunk; and after final_layernorm the frames are averaged token by token
// (sd2_tpool) before the projector. The graph does that average as a Reshape to [T, gh·gw, C]
// and a ReduceMean, so an image (T = 1) takes the same path and its mean is the token itself.
import ort from 'onnxruntime-node';
import { LoupeError } from '../../errors.ts';
import type { ModelConfig, VisionConfig } from '../config.ts';
import type { PreprocessedImage } from '../image-processor.ts';
import type { Tensor } from '../tensor.ts';
import { Builder, type BuiltGraph, type RuntimeWeights } from './graphs.ts';
import { OrtSession, tensor, type Device, type Feeds } from './ort-session.ts';

export interface VisionOptions {
  /** Threads of each session. */
  threads: number;
  device?: Device;
  /** The most float32 weight bytes one graph holds before the tower is cut into segments. */
  maxGraphBytes?: number;
}

/** nn.LayerNorm's default, in the encoder blocks, final_layernorm and pre_norm. */
const LAYER_NORM_EPS = 1e-5;
/** Under protobuf's 2 GiB with room for the graph itself and a second copy while it is encoded. */
const DEFAULT_MAX_GRAPH_BYTES = 1 << 30;
/** Grid sizes whose position tables are kept; screenshots come in a few sizes. */
const CACHED_GRIDS = 8;

/** Per grid size: the merged token order and the tables that follow it. */
interface GridTables {
  /** order[i] = the row-major grid index of the i-th token in merged order. */
  order: Int32Array;
  /** Interpolated position embedding [n, C], merged order. */
  pos: Float32Array;
  /** cos and sin of the 2-D rotary angles [n, headDim/2], merged order, and 0…n−1 to index them. */
  cos: Float32Array;
  sin: Float32Array;
  positions: BigInt64Array;
}

interface Segment {
  session: OrtSession;
  first: boolean;
  last: boolean;
  weightBytes: number;
}

const block = (b: number, name: string) => `vision_tower.encoder.blocks.${b}.${name}`;

/** Float32 bytes of one encoder block's weights. */
const blockBytes = (v: VisionConfig) => {
  const C = v.hidden_size;
  const I = v.intermediate_size;
  return 4 * (3 * C * C + 3 * C + C * C + C + 2 * C * I + I + C + 4 * C);
};

/**
 * Consecutive blocks [from, to) per segment, each under `maxBytes` with the patch embedding in the
 * first and the final norm and projector in the last; a block larger than the budget still gets
 * a segment of its own.
 */
export function towerSegments(v: VisionConfig, textHidden: number, maxBytes: number): Array<[number, number]> {
  const C = v.hidden_size;
  const M = C * v.merge_kernel_size[0] * v.merge_kernel_size[1];
  const head = 4 * (C * 3 * v.patch_size * v.patch_size + C);
  const tail = 4 * (4 * C + M * M + M + textHidden * M + textHidden);
  const L = v.num_hidden_layers;
  const segments: Array<[number, number]> = [];
  let from = 0;
  let bytes = head;
  for (let b = 0; b < L; b++) {
    const extra = blockBytes(v) + (b === L - 1 ? tail : 0);
    if (b > from && bytes + extra > maxBytes) {
      segments.push([from, b]);
      from = b;
      bytes = 0;
    }
    bytes += extra;
  }
  segments.push([from, L]);
  return segments;
}

/**
 * The weights as the graphs read them: the patch embedding's conv as the linear map it is on one
 * flattened [3, p, p] patch, and wqkv as its three parts (wq, wk, wv), so that queries, keys and
 * values each come out of their own Gemm and nothing copies them apart.
 */
function towerWeights(weights: RuntimeWeights): RuntimeWeights {
  return {
    get(name) {
      const part = /^(.*)\.w([qkv])\.(weight|bias)$/.exec(name);
      if (part) {
        const t = weights.get(`${part[1]}.wqkv.${part[3]}`);
        const rows = t.shape[0]! / 3;
        const width = t.data.length / t.shape[0]!;
        const i = 'qkv'.indexOf(part[2]!);
        return { shape: [rows, ...t.shape.slice(1)], data: t.data.subarray(i * rows * width, (i + 1) * rows * width) };
      }
      const t = weights.get(name);
      if (name !== 'vision_tower.patch_embed.proj.weight') return t;
      const [C, ...rest] = t.shape;
      return { shape: [C!, rest.reduce((a, b) => a * b, 1)], data: t.data } satisfies Tensor;
    },
    // Vision weights are kept in float32; the split parts never had a stored form of their own.
    quantised: (name) => (/\.w[qkv]\.(weight|bias)$/.test(name) ? undefined : weights.quantised(name)),
  };
}

/**
 * Blocks [from, to) of the tower as one graph, tokens in merged order. Inputs: `patches`
 * [n, 3·p·p] and `pos` [n, C] in the first segment, else `h` [n, C]; everywhere `positions`
 * [1, n] (0…n−1) and `cos`, `sin` [n, headDim/2], the rows RotaryEmbedding reads per token; in
 * MoonViT3d's last segment `frames_shape` [T, n/T, C], to average the frames.
 * Output: `h_out` [n, C], or in the last segment `features` [n/(T·kh·kw), D].
 */
export function towerGraph(weights: RuntimeWeights, config: ModelConfig, from: number, to: number): BuiltGraph {
  const v = config.vision_config!;
  const D = config.text_config.hidden_size;
  const C = v.hidden_size;
  const H = v.num_attention_heads;
  const hd = C / H;
  const first = from === 0;
  const last = to === v.num_hidden_layers;
  const temporal = v.init_pos_emb_time !== undefined;
  const g = new Builder(towerWeights(weights), { accuracyLevel: 0 });

  let x = first ? g.op('Add', [g.linearBias('patches', 'vision_tower.patch_embed.proj.weight', 'vision_tower.patch_embed.proj.bias'), 'pos']) : 'h';
  for (let b = from; b < to; b++) {
    const h = g.layerNorm(x, block(b, 'norm0.weight'), block(b, 'norm0.bias'), LAYER_NORM_EPS);
    const seq = (t: string) => g.op('Reshape', [t, g.ints([1, -1, C])]);
    const rotate = (t: string) => g.op('RotaryEmbedding', [seq(t), 'positions', 'cos', 'sin'], { interleaved: 1, num_heads: H }, 'com.microsoft');
    const q = rotate(g.linearBias(h, block(b, 'wq.weight'), block(b, 'wq.bias')));
    const k = rotate(g.linearBias(h, block(b, 'wk.weight'), block(b, 'wk.bias')));
    const val = seq(g.linearBias(h, block(b, 'wv.weight'), block(b, 'wv.bias')));
    const attn = g.op('MultiHeadAttention', [q, k, val], { num_heads: H, scale: { float: 1 / Math.sqrt(hd) } }, 'com.microsoft');
    x = g.op('Add', [x, g.linearBias(g.op('Reshape', [attn, g.ints([-1, C])]), block(b, 'wo.weight'), block(b, 'wo.bias'))]);
    const h1 = g.layerNorm(x, block(b, 'norm1.weight'), block(b, 'norm1.bias'), LAYER_NORM_EPS);
    const mid = g.gelu(g.linearBias(h1, block(b, 'mlp.fc0.weight'), block(b, 'mlp.fc0.bias')), 'tanh');
    x = g.op('Add', [x, g.linearBias(mid, block(b, 'mlp.fc1.weight'), block(b, 'mlp.fc1.bias'))]);
  }

  const inputs: Array<{ name: string; type: 'float32' | 'int64'; dims: Array<number | string> }> = [
    ...(first
      ? [
          { name: 'patches', type: 'float32' as const, dims: ['n', 3 * v.patch_size * v.patch_size] },
          { name: 'pos', type: 'float32' as const, dims: ['n', C] },
        ]
      : [{ name: 'h', type: 'float32' as const, dims: ['n', C] }]),
    { name: 'positions', type: 'int64' as const, dims: [1, 'n'] },
    { name: 'cos', type: 'float32' as const, dims: ['n', hd / 2] },
    { name: 'sin', type: 'float32' as const, dims: ['n', hd / 2] },
  ];
  if (!last) return g.model(inputs, [{ name: 'h_out', type: 'float32', dims: ['n', C], from: x }]);

  const P = 'multi_modal_projector';
  let final = g.layerNorm(x, 'vision_tower.encoder.final_layernorm.weight', 'vision_tower.encoder.final_layernorm.bias', LAYER_NORM_EPS);
  if (temporal) {
    // sd2_tpool: each token's mean over the chunk's frames, before the projector's pre_norm.
    inputs.push({ name: 'frames_shape', type: 'int64', dims: [3] });
    final = g.op('ReduceMean', [g.op('Reshape', [final, 'frames_shape']), g.ints([0])], { keepdims: 0 });
  }
  const normed = g.layerNorm(final, `${P}.pre_norm.weight`, `${P}.pre_norm.bias`, LAYER_NORM_EPS);
  const merged = g.op('Reshape', [normed, g.ints([-1, C * v.merge_kernel_size[0] * v.merge_kernel_size[1]])]);
  const mid = g.gelu(g.linearBias(merged, `${P}.linear_1.weight`, `${P}.linear_1.bias`), 'none');
  return g.model(inputs, [{ name: 'features', type: 'float32', dims: ['count', D], from: g.linearBias(mid, `${P}.linear_2.weight`, `${P}.linear_2.bias`) }]);
}

/**
 * MoonViT's learned position embedding [H0, W0, C] resized to a (gh, gw) grid as torch's bicubic
 * interpolation resizes it (align_corners False), row-major [gh·gw, C]. The kernel is separable:
 * rows are resized across, then the result down, each pass a matrix over one axis with four
 * weights a row. MoonViT always interpolates; at its own size both matrices are the identity.
 */
function resizePositionEmbedding(table: Tensor, gridH: number, gridW: number): Float32Array {
  const [h0, w0, C] = table.shape as [number, number, number];
  const across = resizeAxis(table.data, h0, w0, C, cubicResizeMatrix(w0, gridW), gridW);
  return resizeAxis(across, 1, h0, gridW * C, cubicResizeMatrix(h0, gridH), gridH);
}

/** x [outer, inSize, inner] → [outer, outSize, inner]: out[a, o, k] = Σᵢ weights[o, i]·x[a, i, k]. */
function resizeAxis(x: Float32Array, outer: number, inSize: number, inner: number, weights: Float32Array, outSize: number): Float32Array {
  const out = new Float32Array(outer * outSize * inner);
  for (let a = 0; a < outer; a++)
    for (let o = 0; o < outSize; o++) {
      const to = (a * outSize + o) * inner;
      for (let i = 0; i < inSize; i++) {
        const w = weights[o * inSize + i]!;
        if (w === 0) continue;
        const from = (a * inSize + i) * inner;
        for (let k = 0; k < inner; k++) out[to + k] = out[to + k]! + w * x[from + k]!;
      }
    }
  return out;
}

/**
 * torch's bicubic weights along one axis (align_corners False, A = −0.75) as a matrix
 * [outSize, inSize]: output o weighs the four inputs around its source coordinate
 * (o + ½)·in/out − ½ by Keys' kernel of their distance; an input past an edge reads the edge
 * pixel, so its weight is added there. The coordinate is float32, as ATen has it for float tensors.
 */
function cubicResizeMatrix(inSize: number, outSize: number): Float32Array {
  const A = -0.75;
  const keys = (d: number) => {
    const x = Math.abs(d);
    return x <= 1 ? ((A + 2) * x - (A + 3)) * x * x + 1 : x < 2 ? ((A * x - 5 * A) * x + 8 * A) * x - 4 * A : 0;
  };
  const f = Math.fround;
  const m = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const source = f(f(f(inSize / outSize) * f(o + 0.5)) - 0.5);
    const nearest = Math.floor(source);
    for (let i = nearest - 1; i <= nearest + 2; i++) m[o * inSize + Math.min(Math.max(i, 0), inSize - 1)] += f(keys(source - i));
  }
  return m;
}

/**
 * MoonViT3d's time embedding of frames 0…T−1, [T, C]: row t is sin(t·ωᵢ) for i < C/2, then
 * cos(t·ωᵢ), with ωᵢ = 10000^(−i/(C/2)) (the fixed 1-D sin/cos table of MAE-style ViTs), in float32.
 */
export function frameTimeEmbedding(frames: number, C: number): Float32Array {
  const half = C / 2;
  const f = Math.fround;
  const out = new Float32Array(frames * C);
  for (let i = 0; i < half; i++) {
    const omega = f(1 / f(10000 ** f(i / half)));
    for (let t = 0; t < frames; t++) {
      const angle = f(t * omega);
      out[t * C + i] = Math.sin(angle);
      out[t * C + half + i] = Math.cos(angle);
    }
  }
  return out;
}

/** MoonViT's rotary frequencies θᵢ = 10000^(−4i/headDim), i < headDim/4, in float32 as torch computes them. */
function rotaryFrequencies(headDim: number): Float32Array {
  const f = Math.fround;
  return Float32Array.from({ length: headDim / 4 }, (_, i) => 1 / f(10000 ** f((4 * i) / headDim)));
}

export class VisionRuntime {
  private readonly v: VisionConfig;
  private readonly segments: Segment[] = [];
  private readonly grids = new Map<string, GridTables>();
  private posEmb?: Tensor;
  /** Bytes of weights read and sessions run since construction. */
  readonly traffic = { weightBytes: 0, runs: 0 };

  constructor(
    private readonly weights: RuntimeWeights,
    private readonly config: ModelConfig,
    private readonly options: VisionOptions,
  ) {
    if (!config.vision_config) throw new LoupeError('MODEL_UNSUPPORTED', 'This model has no vision encoder (no vision_config); it cannot take images.');
    this.v = config.vision_config;
  }

  /** Builds the sessions now rather than on the first image. */
  load(): void {
    if (this.segments.length) return;
    const ranges = towerSegments(this.v, this.config.text_config.hidden_size, this.options.maxGraphBytes ?? DEFAULT_MAX_GRAPH_BYTES);
    for (const [from, to] of ranges) {
      // One segment's model bytes at a time: each is dropped once onnxruntime holds its weights.
      const graph = towerGraph(this.weights, this.config, from, to);
      const what = ranges.length === 1 ? 'the vision tower' : `vision blocks ${from}–${to - 1}`;
      const session = new OrtSession(graph.model, { device: this.options.device ?? 'cpu', threads: this.options.threads }, what);
      this.segments.push({ session, first: from === 0, last: to === this.v.num_hidden_layers, weightBytes: graph.weightBytes });
    }
  }

  /** Per image, its merged and projected features [(gh/kh)·(gw/kw), text hidden], as the reference's visionForward. */
  encode(images: readonly PreprocessedImage[]): Float32Array[] {
    this.load();
    return images.map((image) => this.encodeOne(image));
  }

  private encodeOne(image: PreprocessedImage): Float32Array {
    const v = this.v;
    const C = v.hidden_size;
    const hd = C / v.num_attention_heads;
    const [kh, kw] = v.merge_kernel_size;
    const { gridH, gridW } = image;
    const T = image.gridT ?? 1;
    const n = gridH * gridW;
    const P = 3 * v.patch_size * v.patch_size;
    if (T !== 1 && (v.init_pos_emb_time === undefined || !Number.isInteger(T) || T < 1 || T > v.init_pos_emb_time)) {
      throw new LoupeError('MODEL_UNSUPPORTED', v.init_pos_emb_time === undefined ? 'This vision encoder (MoonViT) takes single images, not video chunks.' : `A video chunk of ${T} frames; this vision encoder takes 1 to ${v.init_pos_emb_time}.`);
    }
    if (!Number.isInteger(gridH) || !Number.isInteger(gridW) || n === 0 || image.patches.length !== T * n * P) throw new Error(`VisionRuntime: an image's patches do not fill its ${T > 1 ? `${T} frames of ` : ''}${gridH}×${gridW} grid of ${v.patch_size}-px patches`);
    if (gridH % kh || gridW % kw) throw new Error(`VisionRuntime: grid ${gridH}×${gridW} does not divide into ${kh}×${kw} merges`);

    const t = this.tables(gridH, gridW);
    const L = T * n;
    // Frame by frame, each in merged order; every frame shares the grid's position rows and angles.
    const patches = new Float32Array(L * P);
    for (let f = 0; f < T; f++) for (let i = 0; i < n; i++) patches.set(image.patches.subarray((f * n + t.order[i]!) * P, (f * n + t.order[i]! + 1) * P), (f * n + i) * P);
    const repeat = (table: Float32Array) => {
      if (T === 1) return table;
      const out = new Float32Array(T * table.length);
      for (let f = 0; f < T; f++) out.set(table, f * table.length);
      return out;
    };
    let pos = t.pos;
    if (T > 1) {
      // The time embedding only for a chunk of several frames: the release adds none to an image.
      pos = repeat(t.pos);
      const time = frameTimeEmbedding(T, C);
      for (let f = 0; f < T; f++) for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) pos[(f * n + i) * C + c]! += time[f * C + c]!;
    }
    const positions = T === 1 ? t.positions : BigInt64Array.from({ length: L }, (_, i) => BigInt(i));
    const rope: Feeds = { positions: new ort.Tensor('int64', positions, [1, L]), cos: tensor(repeat(t.cos), [L, hd / 2]), sin: tensor(repeat(t.sin), [L, hd / 2]) };
    const pool: Feeds = v.init_pos_emb_time === undefined ? {} : { frames_shape: new ort.Tensor('int64', BigInt64Array.from([T, n, C].map(BigInt)), [3]) };

    let h: Float32Array | undefined;
    for (const s of this.segments) {
      const feeds: Feeds = { ...(s.first ? { patches: tensor(patches, [L, P]), pos: tensor(pos, [L, C]) } : { h: tensor(h!, [L, C]) }), ...rope, ...(s.last ? pool : {}) };
      const out = s.session.run(feeds);
      this.traffic.weightBytes += s.weightBytes;
      this.traffic.runs++;
      h = (s.last ? out.features! : out.h_out!).data as Float32Array;
    }
    return h!;
  }

  private tables(gridH: number, gridW: number): GridTables {
    const key = `${gridH}x${gridW}`;
    const hit = this.grids.get(key);
    if (hit) {
      // Most recently used last, so the first key is the one to drop.
      this.grids.delete(key);
      this.grids.set(key, hit);
      return hit;
    }
    const v = this.v;
    const C = v.hidden_size;
    const half = C / v.num_attention_heads / 2;
    const [kh, kw] = v.merge_kernel_size;
    const n = gridH * gridW;
    const order = new Int32Array(n);
    let i = 0;
    for (let my = 0; my < gridH / kh; my++)
      for (let mx = 0; mx < gridW / kw; mx++)
        for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) order[i++] = (my * kh + ky) * gridW + mx * kw + kx;

    const gridPos = resizePositionEmbedding((this.posEmb ??= this.weights.get('vision_tower.patch_embed.pos_emb.weight')), gridH, gridW);
    const freqs = rotaryFrequencies(2 * half);
    const pos = new Float32Array(n * C);
    const cos = new Float32Array(n * half);
    const sin = new Float32Array(n * half);
    for (let t = 0; t < n; t++) {
      const cell = order[t]!;
      pos.set(gridPos.subarray(cell * C, (cell + 1) * C), t * C);
      // Pair 2i of a head turns by column·θᵢ, pair 2i + 1 by row·θᵢ; the angle in float32, as torch has it.
      const columnRow = [cell % gridW, Math.floor(cell / gridW)];
      for (let j = 0; j < half; j++) {
        const angle = Math.fround(columnRow[j % 2]! * freqs[j >> 1]!);
        cos[t * half + j] = Math.cos(angle);
        sin[t * half + j] = Math.sin(angle);
      }
    }
    const positions = BigInt64Array.from({ length: n }, (_, t) => BigInt(t));
    const tables = { order, pos, cos, sin, positions };
    if (this.grids.size >= CACHED_GRIDS) this.grids.delete(this.grids.keys().next().value!);
    this.grids.set(key, tables);
    return tables;
  }

  release(): void {
    for (const s of this.segments) s.session.release();
    this.segments.length = 0;
  }
}

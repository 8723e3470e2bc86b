// The local model engine: a model package opened for generation. A request is chat messages
// (rendered with the model's template, images expanded to their patches) or raw token ids; the
// prompt is read in one prefill, then tokens are decoded one at a time, streamed as text, until a
// stop token or sequence, the token limit, or cancellation. Heavy work blocks the thread it runs
// on: the engine is meant to run in a worker (engine-worker.ts).
import { LoupeError } from '../../errors.ts';
import type { ChatMessage } from '../chat-template.ts';
import { unknownFamilyMessage } from '../checkpoint-tokenizer.ts';
import { openPackage, type ModelPackage } from '../package.ts';
import { packageWeights } from './package-weights.ts';
import { GREEDY, Sampler, StopWatcher, type SamplingOptions } from '../sampling.ts';
import type { Tokenizer } from '../tokenizer.ts';
import { openPackagePrompts, type PackagePrompts } from './package-prompts.ts';
import { mediaTokenCount } from '../image-processor.ts';
import { preprocessK25Chunk } from '../k25-media-processor.ts';
import { mediaProcessorOf, preprocessPicture, VIDEO_NEEDS_K25, type MediaProcessor } from '../media-processor.ts';
import { RuntimeDecoder, type DecoderOptions, type ForwardResult } from './decoder.ts';
import { availableDevices, type Device } from './ort-session.ts';
import { VisionRuntime } from './vision.ts';
import { routedExpertBytes, ShardWorker } from './expert-shards.ts';
import type { ExpertForm } from './expert-store.ts';
import { availableParallelism, totalmem } from 'node:os';

export interface EngineOptions {
  /** MatMulNBits accuracy: 4 (int8 activations, fast; the default) or 0 (float32, the reference's numbers). */
  accuracyLevel?: 0 | 4;
  /** Threads of the dense units' sessions (attention, MLPs, head) and the vision encoder; default every core. */
  threads?: number;
  /**
   * The accelerator: 'auto' takes CUDA or WebGPU when usable, else none; 'cpu' is a second CPU pool
   * (placement and eviction exercised as with a GPU); 'none' has no such pool. A GPU runs the dense units (attention, routers, shared and dense MLPs, head) and
   * holds the hottest experts in its pool; the other experts run on the CPU cores.
   */
  accelerator?: 'auto' | 'none' | Device;
  /** Bytes of experts the accelerator pool may hold (default 1 GiB). */
  acceleratorBudget?: number;
  /** Bytes of experts kept loaded on the CPU (default half the machine's memory); experts beyond run from the files. */
  cpuBudget?: number;
  policy?: 'frequency' | 'lru';
  /** Threads the routed experts are shared out between, by expert id (default half the cores for sessions, every core for stored experts; at most top-k, at least 1); each expert's session gets threads ÷ expertThreads. 1 runs them all in the decoding thread. */
  expertThreads?: number;
  /**
   * How the CPU pool holds the routed experts (expert-store.ts): onnxruntime sessions or their
   * stored bytes, run by the int4 kernel. `auto` (the default): sessions when the CPU budget holds
   * every routed expert, stored bytes when it must evict (sessions would be rebuilt all the time).
   */
  expertForm?: ExpertForm | 'auto';
}

/** A picture for an image part of the messages, in the order the parts come. */
export interface PromptImage {
  /** width × height × 4 bytes, row-major RGBA. */
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** A video for a video part of the messages (Kimi K2.5): its frames as the processor samples them (k25-video.ts), chunk by chunk. */
export interface PromptVideo {
  chunks: Array<{ timestamp: string; frames: PromptImage[] }>;
}

export interface GenerateRequest {
  /** Rendered with the model's chat template; or `tokens`, sent as they are. */
  messages?: ChatMessage[];
  images?: PromptImage[];
  videos?: PromptVideo[];
  tokens?: number[];
  thinking?: boolean;
  maxTokens: number;
  sampling?: SamplingOptions;
  /** Text that ends generation (not shown); the template's end-of-turn tokens always do. */
  stop?: string[];
  /** Keep every prompt position's logits (for `--logits`). */
  promptLogits?: boolean;
  /** Keep each forward pass's expert choices (for the benchmark's byte and cache accounting). */
  recordRouting?: boolean;
}

export interface GenerateResult {
  promptTokens: number;
  tokens: number[];
  text: string;
  stoppedBy: 'stop-token' | 'stop-sequence' | 'max-tokens' | 'cancelled';
  /** [promptTokens, vocab], when asked for. */
  promptLogits?: Float32Array;
  timings: { prefillMs: number; decodeMs: number };
  /** Bytes of weights the prefill and the decode steps ran through (each session run counts its weights). */
  weightBytes: { prefill: number; decode: number };
  /** When asked for: each forward pass's expert choices, the prefill's first, then one per decode step. */
  routing?: ForwardResult['routing'][];
}

const GiB = 1 << 30;

/**
 * Routed experts live in RAM and run on the CPU cores (KTransformers' and llama.cpp's placement):
 * by default they may take half of the machine's memory, the rest left to the dense part, the
 * KV cache and everything else running. An expert no pool admits runs from the package's file in the int4 kernel.
 */
const defaultCpuBudget = () => Math.max(GiB, Math.floor(totalmem() / 2));

/**
 * `auto`: sessions (the fastest multiply) when the CPU budget holds every routed expert; the
 * stored bytes when it does not, since a pool that must evict would build sessions over and over.
 */
export const expertFormFor = (asked: ExpertForm | 'auto', cpuBudget: number, routedBytes: number): ExpertForm => (asked !== 'auto' ? asked : cpuBudget >= routedBytes ? 'session' : 'stored');

export class MoeEngine {
  private vision?: VisionRuntime;

  private constructor(
    readonly pkg: ModelPackage,
    readonly tokenizer: Tokenizer,
    readonly decoder: RuntimeDecoder,
    private readonly prompts: PackagePrompts,
    readonly mediaProcessor: MediaProcessor,
    private readonly threads: number,
  ) {}

  static async open(dir: string, options: EngineOptions = {}): Promise<MoeEngine> {
    const pkg = openPackage(dir);
    const prompts = await openPackagePrompts(pkg);
    const accelerator = options.accelerator ?? 'auto';
    const device: Device | undefined = accelerator === 'none' ? undefined : accelerator === 'auto' ? availableDevices()[0] : accelerator;
    const policy = options.policy ?? 'frequency';
    const c = pkg.config.text_config;
    const cpuBudget = options.cpuBudget ?? defaultCpuBudget();
    const weights = packageWeights(pkg);
    const form = expertFormFor(options.expertForm ?? 'auto', cpuBudget, routedExpertBytes(weights, c));
    const pools: DecoderOptions['pools'] = [
      ...(device ? [{ device, budgetBytes: options.acceleratorBudget ?? GiB, policy }] : []),
      { device: 'cpu' as const, budgetBytes: cpuBudget, policy, form },
    ];
    const threads = options.threads ?? availableParallelism();
    // Each expert's session gets two threads where the cores allow: sharding by expert id leaves
    // one shard with more of a token's experts than another, while two threads split every expert
    // evenly (on 2 cores, one shard of 2-thread sessions decoded 6–17 % faster than two shards, in
    // each of three pairs of runs). The int4 kernel runs an expert in one thread, so stored experts
    // get a shard per core. No more shards than a token's top-k: the rest would sit idle.
    const perShard = form === 'stored' ? 1 : 2;
    const shards = Math.min(options.expertThreads ?? Math.max(1, Math.min(Math.floor(availableParallelism() / perShard), c.num_experts_per_tok)), c.n_routed_experts);
    const started = await Promise.allSettled(Array.from({ length: shards - 1 }, () => ShardWorker.start(dir, options, pools, c, shards, threads)));
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.close()));
      pkg.close();
      throw failed.reason;
    }
    // A GPU takes the dense units first and the hottest experts in its pool; a CPU standing in as the accelerator takes experts only.
    const denseDevice: Device = device === 'cuda' || device === 'webgpu' ? device : 'cpu';
    const decoder = new RuntimeDecoder(weights, c, { accuracyLevel: options.accuracyLevel ?? 4, threads, pools, workers, denseDevice });
    return new MoeEngine(pkg, prompts.tokenizer, decoder, prompts, mediaProcessorOf(pkg), threads);
  }

  /**
   * The prompt's embeddings [ids, hidden]: the messages through the chat template with each
   * image's and video chunk's features (from the vision encoder) where its media pads are, or the raw tokens.
   */
  promptOf(request: GenerateRequest): { ids: number[]; embeddings: Float32Array } {
    if (request.tokens) return { ids: request.tokens, embeddings: this.decoder.embed(request.tokens) };
    if (!request.messages) throw new LoupeError('INVALID_ARGUMENT', 'Give a prompt (messages) or raw token ids.');
    if (!this.prompts.prompt) throw new LoupeError('MODEL_UNSUPPORTED', unknownFamilyMessage(this.pkg.manifest.config, this.pkg.dir));
    const parts = (type: 'image' | 'video') => request.messages!.reduce((n, m) => n + (typeof m.content === 'string' ? 0 : m.content.filter((p) => p.type === type).length), 0);
    const images = request.images ?? [];
    const videos = request.videos ?? [];
    for (const [type, given] of [['image', images.length], ['video', videos.length]] as const) {
      const wanted = parts(type);
      if (given !== wanted) throw new LoupeError('INVALID_ARGUMENT', `The messages have ${wanted} ${type} part(s) but ${given} ${type}(s) came with them.`);
    }
    const vision = this.pkg.config.vision_config;
    if ((images.length || videos.length) && !vision) throw new LoupeError('MODEL_UNSUPPORTED', `${this.pkg.dir}: this model has no vision encoder; send text only.`);
    const processor = this.mediaProcessor;
    const k25 = processor.kind === 'kimi-k2.5' ? processor.config : undefined;
    if (videos.length && !k25) throw new LoupeError('MODEL_UNSUPPORTED', `${this.pkg.dir}: ${VIDEO_NEEDS_K25}`);
    const pictures = images.map((im) => preprocessPicture(processor, im, vision!));
    const chunks = videos.map((v) => v.chunks.map((c) => preprocessK25Chunk(c.frames, vision!, k25!)));
    const tokens = (media: { gridH: number; gridW: number }) => mediaTokenCount(media, vision!.merge_kernel_size);
    const prompt = this.prompts.prompt(request.messages, {
      thinking: request.thinking ?? false,
      imageTokens: (i) => tokens(pictures[i]!),
      videoChunks: (i) => chunks[i]!.map((c, j) => ({ timestamp: videos[i]!.chunks[j]!.timestamp, tokens: tokens(c) })),
    });
    const embeddings = this.decoder.embed(prompt.ids);
    if (pictures.length || chunks.length) {
      this.vision ??= new VisionRuntime(packageWeights(this.pkg), this.pkg.config, { threads: this.threads });
      const features = this.vision.encode([...pictures, ...chunks.flat()]);
      const H = this.pkg.config.text_config.hidden_size;
      const chunkFeatures = features.slice(pictures.length);
      const firstChunk = chunks.map((_, i) => chunks.slice(0, i).reduce((n, c) => n + c.length, 0));
      const spans = [
        ...prompt.images.map((span) => ({ span, features: features[span.imageIndex]! })),
        ...prompt.videoChunks.map((span) => ({ span, features: chunkFeatures[firstChunk[span.videoIndex]! + span.chunkIndex]! })),
      ];
      for (const { span, features: f } of spans) embeddings.set(f.subarray(0, span.length * H), span.start * H);
    }
    return { ids: prompt.ids, embeddings };
  }

  /**
   * Generates, calling `onText` with each piece of text as soon as it is safe to show (whole
   * characters, never the start of a stop sequence). Checked between tokens: `isCancelled`.
   */
  generate(request: GenerateRequest, onText: (text: string, token: number) => void, isCancelled: () => boolean = () => false): GenerateResult {
    const { ids: prompt, embeddings } = this.promptOf(request);
    if (prompt.length === 0) throw new LoupeError('INVALID_ARGUMENT', 'The prompt is empty.');
    const sampler = new Sampler(request.sampling ?? GREEDY);
    const stopIds = new Set(request.tokens ? [] : this.prompts.stopIds);
    const watcher = new StopWatcher(request.stop ?? []);
    const stream = this.tokenizer.streamDecoder();
    this.decoder.reset();
    const bytes0 = this.decoder.traffic.weightBytes;
    const t0 = performance.now();
    const first = this.decoder.forward(embeddings, prompt.length, { allLogits: request.promptLogits === true });
    const prefillMs = performance.now() - t0;
    const bytes1 = this.decoder.traffic.weightBytes;
    const V = this.pkg.config.text_config.vocab_size;
    let logits = first.logits.subarray((first.rows - 1) * V);
    const routing = request.recordRouting ? [first.routing] : undefined;
    const tokens: number[] = [];
    let text = '';
    let stoppedBy: GenerateResult['stoppedBy'] = 'max-tokens';
    const t1 = performance.now();
    while (tokens.length < request.maxTokens) {
      if (isCancelled()) {
        stoppedBy = 'cancelled';
        break;
      }
      const id = sampler.next(logits);
      if (stopIds.has(id)) {
        stoppedBy = 'stop-token';
        break;
      }
      tokens.push(id);
      const { show, stopped } = watcher.push(stream.push(id));
      if (show) {
        text += show;
        onText(show, id);
      }
      if (stopped) {
        stoppedBy = 'stop-sequence';
        break;
      }
      if (tokens.length === request.maxTokens) break;
      const step = this.decoder.forward(this.decoder.embed([id]), 1);
      routing?.push(step.routing);
      logits = step.logits;
    }
    if (stoppedBy !== 'stop-sequence') {
      const rest = watcher.push(stream.flush()).show + watcher.flush();
      if (rest) {
        text += rest;
        onText(rest, tokens.at(-1) ?? -1);
      }
    }
    return {
      promptTokens: prompt.length,
      tokens,
      text,
      stoppedBy,
      ...(request.promptLogits ? { promptLogits: first.logits } : {}),
      timings: { prefillMs, decodeMs: performance.now() - t1 },
      weightBytes: { prefill: bytes1 - bytes0, decode: this.decoder.traffic.weightBytes - bytes1 },
      ...(routing ? { routing } : {}),
    };
  }

  /** Where the experts ran and what was read since the engine opened. */
  stats() {
    return { traffic: { ...this.decoder.traffic }, experts: this.decoder.expertStats(), package: { ...this.pkg.stats } };
  }

  close(): void {
    this.vision?.release();
    this.decoder.release();
    this.tokenizer.free();
    this.pkg.close();
  }
}

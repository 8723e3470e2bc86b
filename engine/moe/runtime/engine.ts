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
import { imageProcessorFromJson, KIMI_VL_IMAGE_PROCESSOR, mediaTokenCount, PREPROCESSOR_CONFIG, preprocessImage, type ImageProcessorConfig } from '../image-processor.ts';
import { readFileSync } from 'node:fs';
import { RuntimeDecoder, type DecoderOptions } from './decoder.ts';
import { availableDevices, type Device } from './ort-session.ts';
import { VisionRuntime } from './vision.ts';
import { ShardWorker } from './expert-shards.ts';
import { availableParallelism } from 'node:os';

export interface EngineOptions {
  /** MatMulNBits accuracy: 4 (int8 activations, fast; the default) or 0 (float32, the reference's numbers). */
  accuracyLevel?: 0 | 4;
  threads?: number;
  /** The accelerator pool's device: 'auto' takes CUDA or WebGPU when usable, else a second CPU pool; 'none' has no such pool. */
  accelerator?: 'auto' | 'none' | Device;
  /** Bytes of experts the accelerator pool may hold (default 1 GiB). */
  acceleratorBudget?: number;
  /** Bytes of experts kept loaded on the CPU (default 2 GiB); experts beyond run from the files. */
  cpuBudget?: number;
  policy?: 'frequency' | 'lru';
  /** 2: the odd half of the experts runs in a second thread (the default where there are two cores or more); 1: all in one. */
  expertThreads?: 1 | 2;
}

/** A picture for an image part of the messages, in the order the parts come. */
export interface PromptImage {
  /** width × height × 4 bytes, row-major RGBA. */
  rgba: Uint8Array;
  width: number;
  height: number;
}

export interface GenerateRequest {
  /** Rendered with the model's chat template; or `tokens`, sent as they are. */
  messages?: ChatMessage[];
  images?: PromptImage[];
  tokens?: number[];
  thinking?: boolean;
  maxTokens: number;
  sampling?: SamplingOptions;
  /** Text that ends generation (not shown); the template's end-of-turn tokens always do. */
  stop?: string[];
  /** Keep every prompt position's logits (for `--logits`). */
  promptLogits?: boolean;
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
}

const GiB = 1 << 30;

/**
 * The image processor's settings from the package's copy of the release's
 * preprocessor_config.json; Kimi-VL-A3B's published values for a package converted without one.
 * Kimi K2.5's file (its settings under `media_proc_cfg`, with its own resizing) is not read yet:
 * the refusal is kept for the first image, so that text prompts still run.
 */
function imageProcessorOf(pkg: ModelPackage): ImageProcessorConfig | LoupeError {
  const file = pkg.manifest.tokenizer?.files.find((f) => f.endsWith(`/${PREPROCESSOR_CONFIG}`));
  const vision = pkg.config.vision_config;
  if (!file || !vision) return KIMI_VL_IMAGE_PROCESSOR;
  const path = pkg.tokenizerPath(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LoupeError('MODEL_CORRUPT', `${path} is not JSON (${(e as Error).message}). Convert the model again.`, { cause: e });
  }
  if (json && typeof json === 'object' && 'media_proc_cfg' in json) {
    return new LoupeError(
      'MODEL_UNSUPPORTED',
      `${path}: Kimi K2.5's image settings (media_proc_cfg) are not read by this version of Loupe, and its images would be sized unlike the model's training. Send this package text only, or serve the model with vLLM or SGLang and use --backend openai for designs.`,
    );
  }
  return imageProcessorFromJson(json, vision, path);
}

export class MoeEngine {
  private vision?: VisionRuntime;

  private constructor(
    readonly pkg: ModelPackage,
    readonly tokenizer: Tokenizer,
    readonly decoder: RuntimeDecoder,
    private readonly prompts: PackagePrompts,
    /** A refusal instead where the package's image settings cannot be read: given at the first image. */
    readonly imageProcessor: ImageProcessorConfig | LoupeError,
    private readonly threads: number,
  ) {}

  static async open(dir: string, options: EngineOptions = {}): Promise<MoeEngine> {
    const pkg = openPackage(dir);
    const prompts = await openPackagePrompts(pkg);
    const accelerator = options.accelerator ?? 'auto';
    const device: Device | undefined = accelerator === 'none' ? undefined : accelerator === 'auto' ? (availableDevices()[0] ?? 'cpu') : accelerator;
    const policy = options.policy ?? 'frequency';
    const pools: DecoderOptions['pools'] = [
      ...(device ? [{ device, budgetBytes: options.acceleratorBudget ?? GiB, policy }] : []),
      { device: 'cpu' as const, budgetBytes: options.cpuBudget ?? 2 * GiB, policy },
    ];
    const expertThreads = options.expertThreads ?? (availableParallelism() >= 2 ? 2 : 1);
    const shardWorker = expertThreads === 2 ? await ShardWorker.start(dir, options, pools, pkg.config.text_config) : undefined;
    const decoder = new RuntimeDecoder(packageWeights(pkg), pkg.config.text_config, { accuracyLevel: options.accuracyLevel ?? 4, threads: options.threads ?? 1, pools, shardWorker });
    return new MoeEngine(pkg, prompts.tokenizer, decoder, prompts, imageProcessorOf(pkg), options.threads ?? 1);
  }

  /**
   * The prompt's embeddings [ids, hidden]: the messages through the chat template with each
   * image's features (from the vision encoder) where its media pads are, or the raw tokens.
   */
  promptOf(request: GenerateRequest): { ids: number[]; embeddings: Float32Array } {
    if (request.tokens) return { ids: request.tokens, embeddings: this.decoder.embed(request.tokens) };
    if (!request.messages) throw new LoupeError('INVALID_ARGUMENT', 'Give a prompt (messages) or raw token ids.');
    if (!this.prompts.prompt) throw new LoupeError('MODEL_UNSUPPORTED', unknownFamilyMessage(this.pkg.manifest.config, this.pkg.dir));
    const wanted = request.messages.reduce((n, m) => n + (typeof m.content === 'string' ? 0 : m.content.filter((p) => p.type === 'image').length), 0);
    const images = request.images ?? [];
    if (images.length !== wanted) throw new LoupeError('INVALID_ARGUMENT', `The messages have ${wanted} image part(s) but ${images.length} image(s) came with them.`);
    const vision = this.pkg.config.vision_config;
    if (wanted && !vision) throw new LoupeError('MODEL_UNSUPPORTED', `${this.pkg.dir}: this model has no vision encoder; send text only.`);
    const processor = this.imageProcessor;
    if (wanted && processor instanceof LoupeError) throw processor;
    const pictures = images.map((im) => preprocessImage(im.rgba, im.width, im.height, vision!, processor as ImageProcessorConfig));
    const prompt = this.prompts.prompt(request.messages, {
      thinking: request.thinking ?? false,
      imageTokens: (i) => mediaTokenCount(pictures[i]!, vision!.merge_kernel_size),
    });
    const embeddings = this.decoder.embed(prompt.ids);
    if (pictures.length) {
      this.vision ??= new VisionRuntime(packageWeights(this.pkg), this.pkg.config, { threads: this.threads });
      const features = this.vision.encode(pictures);
      const H = this.pkg.config.text_config.hidden_size;
      for (const span of prompt.images) embeddings.set(features[span.imageIndex]!.subarray(0, span.length * H), span.start * H);
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
      logits = this.decoder.forward(this.decoder.embed([id]), 1).logits;
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

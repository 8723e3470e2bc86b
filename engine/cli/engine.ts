// `loupe engine run`: the local model engine on a prompt, streaming tokens to stdout. For checks
// against other implementations: `--tokens` sends raw ids (no chat template), `--greedy N`
// decodes N tokens deterministically and prints their ids, `--logits` saves the prompt
// positions' float32 logits as .npy. `--image` and (Kimi K2.5) `--video` go before the prompt's text.
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { LoupeError } from '../errors.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { npyFloat32 } from '../moe/npy.ts';
import type { EngineOptions, GenerateRequest, PromptVideo } from '../moe/runtime/engine.ts';
import type { CliContext } from './main.ts';
import { sayIfTestPackage } from './models.ts';
import { EXPERT_FORMS, EXPERTS_HELP, parseAccuracy, parseChoice, parsePositiveInt } from './options.ts';
import type { ExpertForm } from '../moe/runtime/expert-store.ts';

interface RunFlags {
  model: string;
  prompt?: string;
  image?: string[];
  video?: string[];
  thinking?: boolean;
  tokens?: number[];
  greedy?: number;
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  stop?: string[];
  logits?: string;
  accuracy: 0 | 4;
  threads?: number;
  accelerator: NonNullable<EngineOptions['accelerator']>;
  acceleratorBudget?: number;
  cpuBudget?: number;
  policy: 'frequency' | 'lru';
  expertThreads?: number;
  experts: ExpertForm | 'auto';
  stats?: boolean;
}

const tokenList = (value: string): number[] => {
  const ids = value.split(',').map((s) => Number(s.trim()));
  if (ids.length === 0 || ids.some((n) => !Number.isInteger(n) || n < 0)) throw new InvalidArgumentError('expected token ids: whole numbers separated by commas (1,2,3).');
  return ids;
};
const fraction = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0.');
  return n;
};
const megabytes = (value: string) => parsePositiveInt(value) * 1024 * 1024;
const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerEngine(program: Command, context: CliContext): void {
  const engine = program.command('engine').description('the local MoE vision-language engine');
  engine
    .command('run')
    .description('generate with a model package, streaming the text to stdout')
    .requiredOption('--model <dir>', 'the model package (loupe models create-test / convert)')
    .option('--prompt <text>', "the user's message, sent through the model's chat template")
    .option('--image <file>', 'an image for the prompt (repeatable)', collect)
    .option('--video <file>', 'a video for the prompt, sampled as Kimi K2.5 samples it (repeatable; Kimi K2.5 packages)', collect)
    .option('--thinking', 'let the model think before it answers (Kimi K2.5 thinking mode)')
    .option('--tokens <ids>', 'raw token ids, no chat template (e.g. 1,2,3)', tokenList)
    .option('--greedy <n>', 'decode n tokens greedily and print their ids', parsePositiveInt)
    .option('--max-tokens <n>', 'the most tokens to generate', parsePositiveInt, 256)
    .option('--temperature <t>', '0 is greedy', fraction, 0)
    .option('--top-p <p>', 'nucleus sampling: keep the most likely tokens up to this probability', fraction, 1)
    .option('--seed <n>', 'sampling seed', parsePositiveInt, 1)
    .option('--stop <text>', 'stop when this text is generated (repeatable)', collect)
    .option('--logits <file.npy>', "save the prompt positions' float32 logits [tokens, vocab]")
    .option('--accuracy <level>', 'MatMulNBits accuracy: 4 (int8 activations, fast) or 0 (float32)', parseAccuracy, 4)
    .option('--threads <n>', 'threads of the attention, MLP and head sessions and of the vision encoder (default: every core)', parsePositiveInt)
    .option('--accelerator <device>', 'auto | none | cpu | cuda | webgpu: a GPU runs the dense units and holds the hottest experts (auto: CUDA or WebGPU when usable, else none; cpu: a second CPU pool)', parseChoice(['auto', 'none', 'cpu', 'cuda', 'webgpu'] as const), 'auto')
    .option('--accelerator-budget <MB>', 'expert bytes the accelerator pool may hold', megabytes)
    .option('--cpu-budget <MB>', 'expert bytes kept loaded on the CPU (default: half the machine memory)', megabytes)
    .option('--policy <name>', 'expert cache policy: frequency | lru', parseChoice(['frequency', 'lru'] as const), 'frequency')
    .option('--expert-threads <n>', 'threads the routed experts are shared out between (default: half the cores with sessions, every core with stored experts; at most the experts a token routes to); each expert session gets --threads ÷ this; 1 runs them all in the decoding thread', parsePositiveInt)
    .option('--experts <form>', EXPERTS_HELP, parseChoice(EXPERT_FORMS), 'auto')
    .option('--stats', 'print where the experts ran and the speed on stderr')
    .action(async (opts: RunFlags) => {
      if ((opts.prompt === undefined) === (opts.tokens === undefined)) throw new LoupeError('INVALID_ARGUMENT', 'Give either --prompt "…" or --tokens 1,2,3.');
      if ((opts.image?.length || opts.video?.length) && opts.tokens) throw new LoupeError('INVALID_ARGUMENT', '--image and --video go with --prompt: raw --tokens carry no media.');
      const images = opts.image?.length ? await readImages(opts.image) : [];
      const videos = opts.video?.length ? await readVideos(opts.model, opts.video, context.signal) : [];
      const greedy = opts.greedy !== undefined;
      const request: GenerateRequest = {
        ...(opts.tokens
          ? { tokens: opts.tokens }
          : {
              messages: [
                {
                  role: 'user' as const,
                  content: [...images.map(() => ({ type: 'image' as const })), ...videos.map(() => ({ type: 'video' as const })), { type: 'text' as const, text: opts.prompt! }],
                },
              ],
              images: images.map((im) => ({ rgba: new Uint8Array(im.rgba), width: im.width, height: im.height })),
              videos,
            }),
        thinking: opts.thinking === true,
        maxTokens: opts.greedy ?? opts.maxTokens,
        sampling: greedy ? { temperature: 0, topP: 1, seed: 0 } : { temperature: opts.temperature, topP: opts.topP, seed: opts.seed },
        ...(opts.stop ? { stop: opts.stop } : {}),
        promptLogits: opts.logits !== undefined,
      };
      await sayIfTestPackage(opts.model);
      const { EngineClient } = await import('../moe/runtime/engine-client.ts');
      const client = await EngineClient.open(opts.model, {
        accuracyLevel: opts.accuracy,
        ...(opts.threads ? { threads: opts.threads } : {}),
        accelerator: opts.accelerator,
        acceleratorBudget: opts.acceleratorBudget,
        cpuBudget: opts.cpuBudget,
        policy: opts.policy,
        ...(opts.expertThreads ? { expertThreads: opts.expertThreads } : {}),
        expertForm: opts.experts,
      });
      try {
        const { result, stats } = await client.generate(request, greedy ? undefined : (text) => process.stdout.write(text), context.signal);
        if (greedy) process.stdout.write(`${result.tokens.join(',')}\n`);
        else process.stdout.write('\n');
        if (opts.logits) {
          await writeFile(opts.logits, npyFloat32(result.promptLogits!, [result.promptTokens, client.info.vocabSize]));
          process.stderr.write(`logits [${result.promptTokens}, ${client.info.vocabSize}] saved to ${opts.logits}\n`);
        }
        if (result.stoppedBy === 'cancelled') throw new LoupeError('CANCELLED', 'Generation cancelled.');
        if (opts.stats) {
          const decodeTokens = Math.max(0, result.tokens.length - 1);
          process.stderr.write(
            `prompt ${result.promptTokens} tokens in ${result.timings.prefillMs.toFixed(0)} ms; ${result.tokens.length} generated` +
              (decodeTokens ? `, ${((decodeTokens * 1000) / result.timings.decodeMs).toFixed(1)} tokens/s decoding` : '') +
              ` (stopped by ${result.stoppedBy})\n`,
          );
          for (const p of stats.experts.pools) {
            process.stderr.write(`experts on ${p.device} (budget ${(p.budgetBytes / 2 ** 20).toFixed(0)} MB): hit rate ${(p.hits / Math.max(1, p.hits + p.misses)).toFixed(3)}, ${p.evictions} evictions, ${(p.bytesLoaded / 2 ** 20).toFixed(0)} MB loaded, ${p.runs} runs in ${p.runMs.toFixed(0)} ms\n`);
          }
        }
      } finally {
        await client.close();
      }
    });
}

/** The prompt's images, read as a design is: sharp is loaded only when there are some (the engine itself does not use it). */
async function readImages(files: string[]): Promise<DecodedImage[]> {
  const { readDesignImage } = await import('../ingest/image.ts');
  return Promise.all(files.map(readDesignImage));
}

/** The videos sampled by the package's processor; a package whose processor reads no video is refused before any is read. */
async function readVideos(model: string, files: string[], signal: AbortSignal | undefined): Promise<PromptVideo[]> {
  const [{ openPackage }, { mediaProcessorOf, VIDEO_NEEDS_K25 }, { readK25Video }] = await Promise.all([import('../moe/package.ts'), import('../moe/media-processor.ts'), import('../moe/k25-video.ts')]);
  const pkg = openPackage(model);
  const processor = mediaProcessorOf(pkg);
  pkg.close();
  if (processor.kind !== 'kimi-k2.5') throw new LoupeError('MODEL_UNSUPPORTED', `${model}: ${VIDEO_NEEDS_K25}`);
  const videos: PromptVideo[] = [];
  for (const file of files) videos.push(await readK25Video(file, processor.config, { signal }));
  return videos;
}

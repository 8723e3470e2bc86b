// `loupe bench …`: the benchmarks, as development commands of a source checkout (bin/loupe.js adds
// them); each prints its figures as it goes and can write them all as JSON.
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { PageResult } from './d2c.ts';
import type { EngineOptions } from '../engine/moe/runtime/engine.ts';
import type { SyntheticFormat } from './weight-formats.ts';
import type { CliContext, RegisterCommands } from '../engine/cli/main.ts';
import { BACKENDS } from '../engine/api/contract.ts';
import { conversionBackend, withModelServerOptions, type BackendFlags } from '../engine/cli/model-server.ts';
import { EXPERT_FORMS, EXPERTS_HELP, STACK_CHOICES, parseAccuracy, parseChoice, parseMode, parsePositiveInt, parseStack } from '../engine/cli/options.ts';

export const registerCommands: RegisterCommands = (program, context) => {
  const bench = program.command('bench').description('benchmarks that print figures');
  const d2c = pageBench(bench, 'd2c', 'Design2Code: render each reference page (1280 px wide unless --width), convert the PNG, score against the page')
    .option('--mode <mode>', 'fast (one pass) | think (repair rounds while the score improves)', parseMode, 'fast')
    .option('--budget <ms>', "think mode: the time each page's conversion may take, repair rounds included, ms (default 8000)", parsePositiveInt)
    .option('--cache <dir>', 'where reference renders are cached', '.loupe-cache/d2c')
    .option('--reflow <px>', 'also render the code and the original page at this viewport width and score them against each other, and count the pages whose code scrolls sideways where the original does not (repeatable, or a comma list)', parseWidths, [])
    .option('--also <px>', 'render each page at this width too, as a second design of it (a phone design): convert both into one codebase and score it at each width', parsePositiveInt)
    .option('--backend <backend>', 'who writes the code: perception (the default) | local (--model <dir>) | openai (--base-url, --model, --strategy)', parseChoice(BACKENDS), 'perception')
    .option('--model <name>', '--backend local: the model package folder; --backend openai: the model the server serves');
  withModelServerOptions(d2c).action(async (opts: BenchFlags & BackendFlags) => {
      const think = opts.mode === 'think';
      const backend = conversionBackend(opts);
      if (opts.also !== undefined && (backend || think)) throw new InvalidArgumentError('--also converts two designs by perception in fast mode: leave out --backend and --mode think.');
      const reflowColumns = opts.reflow.flatMap((w) => [`ssim@${w}`, `side@${w}`]);
      const alsoColumns = opts.also === undefined ? [] : [`block@${opts.also}`, `ssim@${opts.also}`, 'shared'];
      const { runD2CBench } = await context.perceiving(import('./d2c.ts'));
      process.stdout.write(row(['page', 'block', 'text', 'position', 'color', 'ssim', 'img', 'abs', 'ms', ...(think ? ['rounds'] : []), ...(backend ? ['model', 'requests'] : []), 'strict', ...reflowColumns, ...alsoColumns]) + '\n');
      const { summary, results } = await runD2CBench({
        ...(await pageRun(opts, context)),
        mode: opts.mode,
        budgetMs: opts.budget,
        backend,
        reflow: opts.reflow,
        also: opts.also,
      });
      await report(summary, results, opts.json);
    });
  pageBench(bench, 'figma', "Figma import: export each reference page's DOM as Figma JSON (fixtures under --cache), convert it, score against the page's render")
    .option('--cache <dir>', 'where reference renders and the Figma fixtures are kept', '.loupe-cache/d2c')
    .action(async (opts: Omit<BenchFlags, 'mode' | 'budget'>) => {
      const { runFigmaBench } = await context.perceiving(import('./figma.ts'));
      process.stdout.write(row(['page', 'block', 'text', 'position', 'color', 'ssim', 'img', 'abs', 'ms']) + '\n');
      const { summary, results } = await runFigmaBench(await pageRun(opts, context));
      await report(summary, results, opts.json);
    });
  engineBench(bench);
  expertKernelBench(bench);
  videoBench(bench, context);
  swarmBench(bench, context);
  weightFormatsBench(bench);
};

function swarmBench(bench: Command, context: CliContext): void {
  bench
    .command('swarm')
    .description("a model server's swarm against the scripted chat server on loopback (synthetic pages, set latency): segments lost under injected faults, and the speed-up of parallel requests over sequential ones")
    .option('--segments <n>', 'segments in the fault run', parsePositiveInt, 1000)
    .option('--concurrency <n>', 'requests in flight at once', parsePositiveInt, 4)
    .option('--latency <ms>', "the scripted server's answer latency", parsePositiveInt, 200)
    .option('--repeats <n>', 'timed runs of the speed-up comparison (the median is reported)', parsePositiveInt, 3)
    .option('--json <file>', 'write the figures here')
    .action(async (opts: { segments: number; concurrency: number; latency: number; repeats: number; json?: string }) => {
      const { runSwarmBench } = await import('./model-server.ts');
      const result = await runSwarmBench({
        segments: opts.segments,
        blocksPerPage: 12,
        concurrency: opts.concurrency,
        latencyMs: opts.latency,
        faults: { rateLimited: 0.1, timeout: 0.05, garbage: 0.05 },
        repeats: opts.repeats,
        pool: await context.pool(),
        onLine: (line) => process.stdout.write(line + '\n'),
      });
      process.stdout.write(JSON.stringify(result) + '\n');
      if (opts.json) await writeFile(opts.json, JSON.stringify(result, null, 2) + '\n');
    });
}

function videoBench(bench: Command, context: CliContext): void {
  bench
    .command('video')
    .description('walkthrough videos with known ground truth (generated once into --cache): screen count, stitched pages against their full render, clicks mapped to the element clicked, seconds of video per second, peak memory on a 2-minute 1080p recording')
    .option('--set <set>', 'bench (18 desktop walkthroughs and the 2-minute 1080p one) | test (4 small ones)', parseChoice(['bench', 'test'] as const), 'bench')
    .option('--cache <dir>', 'where the walkthroughs and the apps made from them are kept', '.loupe-cache/video')
    .option('--stack <stack>', STACK_CHOICES, parseStack, 'html-css')
    .option('--limit <n>', 'only the first N walkthroughs (the 1080p one still runs)', parsePositiveInt)
    .option('--json <file>', 'write the figures here')
    .action(async (opts: { set: 'bench' | 'test'; cache: string; stack: ReturnType<typeof parseStack>; limit?: number; json?: string }) => {
      const { runVideoBench } = await context.perceiving(import('./video.ts'));
      const result = await runVideoBench({ cacheDir: opts.cache, set: opts.set, stack: opts.stack, pool: await context.pool(), limit: opts.limit, onLine: (line) => process.stderr.write(line + '\n') });
      const { rows: _rows, ...summary } = result;
      process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      if (opts.json) await writeFile(opts.json, JSON.stringify(result, null, 2) + '\n');
    });
}

/** `--reflow`: each use adds its width, or its comma list of widths, to the ones before. */
function parseWidths(value: string, previous: number[]): number[] {
  return [...previous, ...value.split(',').map((w) => parsePositiveInt(w.trim()))];
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return n;
}

function parseFormats(value: string): SyntheticFormat[] {
  const formats = value.split(',').map((f) => f.trim());
  for (const f of formats) if (f !== 'bf16' && f !== 'fp8' && f !== 'int4') throw new InvalidArgumentError(`${f}: not one of bf16, fp8, int4`);
  return formats as SyntheticFormat[];
}

function weightFormatsBench(bench: Command): void {
  bench
    .command('weight-formats')
    .description('conversion throughput of published weight formats on a synthetic checkpoint of the bench shape: BF16, FP8 blocks and compressed-tensors int4 to an int4 package (parameters/s), and the FP8 → int4 and int4 repack kernels alone')
    .option('--layers <n>', 'decoder layers (the first dense, the rest MoE)', parsePositiveInt, 2)
    .option('--hidden <n>', "hidden size instead of the bench shape's 2048 (Kimi-VL-A3B's; 7168: Kimi K2's)", parsePositiveInt)
    .option('--vocab <n>', "vocabulary instead of the bench shape's 163840 (Kimi-VL-A3B's and Kimi K2's; with --hidden 7168 the embedding and LM head are 2.35 GB each in BF16)", parsePositiveInt)
    .option('--formats <list>', 'the synthetic checkpoints to convert, comma-separated: bf16, fp8, int4', parseFormats, ['bf16', 'fp8', 'int4'])
    .option('--threads <n>', 'worker threads that quantise (default one per core; 0: on the main thread)', parseCount)
    .option('--no-kernels', 'skip timing the kernels alone')
    .option('--work <dir>', 'where the synthetic checkpoints and packages are written, then removed', '.loupe-cache/weight-formats')
    .option('--json <file>', 'write the figures here')
    .action(async (opts: { layers: number; hidden?: number; vocab?: number; formats: SyntheticFormat[]; threads?: number; kernels: boolean; work: string; json?: string }) => {
      const { runWeightFormatsBench } = await import('./weight-formats.ts');
      const result = await runWeightFormatsBench({ workDir: opts.work, layers: opts.layers, hidden: opts.hidden, vocab: opts.vocab, formats: opts.formats, threads: opts.threads, kernels: opts.kernels, onLine: (line) => process.stderr.write(line + '\n') });
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      if (opts.json) await writeFile(opts.json, JSON.stringify(result, null, 2) + '\n');
    });
}

function engineBench(bench: Command): void {
  bench
    .command('engine')
    .description("the local MoE engine on a bench model of Kimi-VL-A3B's widths: decode and prefill tokens/s, the stored bytes a decoded token must read against the memory bandwidth measured in the same run, the fused-QMoE baseline, vision patches/s on the model's own tower, time to first token (cold, and for a 1280×800 screenshot), peak RSS against the weights loaded, the expert cache against LRU on the engine's own routing and on a synthetic trace")
    .option('--model <dir>', 'a model package (default: the bench model, written once into --cache)')
    .option('--cache <dir>', 'where the bench model is kept', '.loupe-cache/engine')
    .option('--tokens <n>', 'decoded tokens timed per run', parsePositiveInt, 32)
    .option('--prompt <n>', 'prompt tokens', parsePositiveInt, 64)
    .option('--repeats <n>', 'timed runs (the median is reported)', parsePositiveInt, 3)
    .option('--threads <n>', "the engine's threads (default: every core)", parsePositiveInt)
    .option('--expert-threads <n>', 'threads the routed experts are shared out between (default: half the cores with sessions, every core with stored experts)', parsePositiveInt)
    .option('--experts <form>', EXPERTS_HELP, parseChoice(EXPERT_FORMS), 'auto')
    .option('--accelerator <device>', 'auto | none | cpu | cuda | webgpu, as engine run takes it', parseChoice(['auto', 'none', 'cpu', 'cuda', 'webgpu'] as const), 'auto')
    .option('--cpu-budget <MiB>', 'experts kept loaded on the CPU (default: half the machine memory)', parsePositiveInt)
    .option('--accuracy <level>', 'MatMulNBits accuracy level: 4 or 0', parseAccuracy, 4 as 0 | 4)
    .option('--json <file>', 'write the figures here')
    .action(async (opts: { model?: string; cache: string; tokens: number; prompt: number; repeats: number; threads?: number; expertThreads?: number; experts: NonNullable<EngineOptions['expertForm']>; accelerator: NonNullable<EngineOptions['accelerator']>; cpuBudget?: number; accuracy: 0 | 4; json?: string }) => {
      const { runEngineBench } = await import('./engine.ts');
      const result = await runEngineBench({
        modelDir: opts.model,
        cacheDir: opts.cache,
        engine: {
          accuracyLevel: opts.accuracy,
          accelerator: opts.accelerator,
          ...(opts.threads ? { threads: opts.threads } : {}),
          ...(opts.expertThreads ? { expertThreads: opts.expertThreads } : {}),
          ...(opts.cpuBudget ? { cpuBudget: opts.cpuBudget * 2 ** 20 } : {}),
          expertForm: opts.experts,
        },
        decodeTokens: opts.tokens,
        promptTokens: opts.prompt,
        repeats: opts.repeats,
        onLine: (line) => process.stderr.write(line + '\n'),
      });
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      if (opts.json) await writeFile(opts.json, JSON.stringify(result, null, 2) + '\n');
    });
}

function expertKernelBench(bench: Command): void {
  bench
    .command('expert-kernel')
    .description("one routed expert of the bench model (hidden 2048, width 1408, int4) on one token: its onnxruntime session (1 and 2 threads), the session's build, and the int4 kernel on the stored bytes (already in its memory, and read from the package file each call), at both accuracy levels: median ms a call and the stored bytes read a second")
    .option('--model <dir>', 'a model package (default: the bench model, written once into --cache)')
    .option('--cache <dir>', 'where the bench model is kept', '.loupe-cache/engine')
    .option('--calls <n>', 'timed calls of each way (builds: a tenth of them)', parsePositiveInt, 200)
    .option('--json <file>', 'write the figures here')
    .action(async (opts: { model?: string; cache: string; calls: number; json?: string }) => {
      const { runExpertKernelBench } = await import('./moe/expert-kernel.ts');
      const result = await runExpertKernelBench({ modelDir: opts.model, cacheDir: opts.cache, calls: opts.calls, onLine: (line) => process.stderr.write(line + '\n') });
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      if (opts.json) await writeFile(opts.json, JSON.stringify(result, null, 2) + '\n');
    });
}

async function report(summary: object, results: PageResult[], json: string | undefined): Promise<void> {
  process.stdout.write(JSON.stringify(summary) + '\n');
  if (json) await writeFile(json, JSON.stringify({ summary, results }, null, 2) + '\n');
}

/** A benchmark over a folder of reference pages, with the options they all take. */
function pageBench(bench: Command, name: string, description: string): Command {
  return bench
    .command(name)
    .description(description)
    .requiredOption('--pages <dir>', 'folder of reference .html pages')
    .option('--limit <n>', 'only the first n pages', parsePositiveInt)
    .option('--width <px>', "render the pages at this viewport width: other screen sizes than the dataset's (e.g. 1920, 390)", parsePositiveInt)
    .option('--stack <stack>', STACK_CHOICES, parseStack, 'html-css')
    .option('--json <file>', 'write the summary and per-page results here');
}

/** What every page benchmark runs with: the flags, the CLI's pool and signal, a row per page as it ends. */
async function pageRun(opts: Omit<BenchFlags, 'mode' | 'budget'>, context: CliContext) {
  return {
    pagesDir: opts.pages,
    limit: opts.limit,
    width: opts.width,
    stack: opts.stack,
    pool: await context.pool(),
    cacheDir: opts.cache,
    signal: context.signal,
    onPage: (r: PageResult) => process.stdout.write(pageRow(r) + '\n'),
  };
}

interface BenchFlags {
  pages: string;
  limit?: number;
  width?: number;
  stack: ReturnType<typeof parseStack>;
  mode: ReturnType<typeof parseMode>;
  budget?: number;
  reflow: number[];
  also?: number;
  json?: string;
  cache: string;
}

function pageRow(r: PageResult): string {
  if (!r.ok) return row([r.page, `FAILED: ${r.error}`]);
  const m = r.metrics!;
  const c = r.checks!;
  const figures = [m.block, m.text, m.position, m.color, m.ssim, c.largestImageShare, c.absoluteShare].map((x) => x.toFixed(3));
  // Think mode: rounds run / round kept.
  const rounds = r.think ? [`${r.think.rounds}/${r.think.kept}`] : [];
  // A model server's page: segments from the model / all, and requests made.
  const served = r.modelServer ? [`${r.modelServer.fromModel}/${r.modelServer.segments}`, String(r.modelServer.requests)] : [];
  const strict = r.strictBlock === undefined ? [] : [r.strictBlock.toFixed(3)];
  // Reflow widths: SSIM against the original, and which of code / original scroll sideways.
  const reflow = (r.reflow ?? []).flatMap((f) => [f.metrics.ssim.toFixed(3), `${f.scrollsSideways.code ? 'C' : '-'}${f.scrollsSideways.original ? 'O' : '-'}`]);
  // A second design: the one codebase's Block and SSIM at its width, and elements shared / all.
  const m2 = r.also?.merge;
  const also = r.also && m2 ? [r.also.metrics.block.toFixed(3), r.also.metrics.ssim.toFixed(3), `${m2.shared}/${m2.shared + m2.wideOnly + m2.narrowOnly}`] : [];
  return row([r.page, ...figures, String(r.convertMs), ...rounds, ...served, ...strict, ...reflow, ...also]);
}

const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(9))).join(' ');

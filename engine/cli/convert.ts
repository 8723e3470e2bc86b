import type { Command } from 'commander';
import { BACKENDS, isVideoName } from '../api/contract.ts';
import { failedCodeChecks } from '../compare/code-checks.ts';
import { LoupeError } from '../errors.ts';
import type { ConvertFileResult } from '../pipeline/convert-file.ts';
import type { VideoConversionResult } from '../pipeline/convert-video.ts';
import type { SecondDesign, TwoWidthsFileResult } from '../pipeline/convert-widths.ts';
import type { FigmaInputOptions } from '../pipeline/figma-input.ts';
import { checkOutputFolder } from '../pipeline/output-folder.ts';
import type { CliContext } from './main.ts';
import { sayIfTestPackage } from './models.ts';
import { STACK_CHOICES, parseChoice, parseMode, parsePositiveInt, parseStack } from './options.ts';
import { conversionBackend, withModelServerOptions, type BackendFlags } from './model-server.ts';
import type { ConvertOptions } from '../pipeline/convert.ts';
import type { ThinkReport } from '../think/think.ts';
import { progressBar } from './progress-bar.ts';

export function registerConvert(program: Command, context: CliContext): void {
  const command = program
    .command('convert')
    .description('convert a design image (PNG, JPEG, WebP), a Figma frame (REST JSON) or a walkthrough video (MP4, WebM, MOV) into code, render it and score it')
    .argument('<design>', 'the design image, a Figma JSON file (a GET /v1/files/:key/nodes response, a file, or a node), or a screen recording: each screen becomes code, linked as it was clicked');
  withConversionOptions(command)
    .option('--png <file>', 'Figma input: the frame as Figma rendered it (any scale), the ground truth the render is scored against')
    .option('--node <id>', 'Figma input: the node to convert (default: the first top-level frame)')
    .option('--images <dir>', "Figma input: the file's image fills, each file named by its imageRef")
    .option('--also <design>', 'a narrower design of the same page (a phone screenshot beside a desktop one): one codebase that looks like each design at its own width, the narrow one below a breakpoint')
    .option('--also-node <id>', 'Figma input: a narrower frame of the same page in the same file (the phone frame beside the desktop one named by --node), converted with it as --also is')
    .option('--also-png <file>', "Figma input: the --also-node frame as Figma rendered it (any scale), what the code is scored against at that frame's width")
    .option('--variables <file>', "Figma input: the file's variables (GET /v1/files/:key/variables/local), so colours bound to them become CSS custom properties")
    .option('--backend <backend>', 'who writes the code for a design image: perception (the IR, the default) | local (the local model, --model <dir>; falls back to perception when its code is not usable) | openai (an OpenAI-compatible server: --base-url, --model)', parseChoice(BACKENDS), 'perception')
    .option('--model <name>', '--backend local: the model package folder; --backend openai: the model the server serves');
  withModelServerOptions(command).action(async (design: string, opts: ConvertFlags) => {
      await checkOutputFolder(opts.out, '--out');
      if (isVideoName(design)) {
        if (opts.backend !== 'perception' || opts.mode === 'think') throw new LoupeError('INVALID_ARGUMENT', 'A walkthrough video is converted by perception in fast mode: leave out --backend and --mode think.');
        reportVideoConversion(await runVideoConversion(design, opts, context), opts.json);
        return;
      }
      const second = secondDesign(opts);
      if (second) {
        if (opts.backend !== 'perception' || opts.mode === 'think') throw new LoupeError('INVALID_ARGUMENT', 'Two designs of one page are converted by perception in fast mode (two frames of a Figma file, from their exact values): leave out --backend and --mode think.');
        const figma = { png: opts.png, nodeId: opts.node, imagesDir: opts.images, variables: opts.variables };
        const { convertTwoWidthsFile } = await context.perceiving(import('../pipeline/convert-widths.ts'));
        const pool = await context.pool();
        reportTwoWidths(await withProgressBar((onProgress) => convertTwoWidthsFile(design, second, opts.out, { stack: opts.stack, pool, signal: context.signal, onProgress, figma })), opts.json);
        return;
      }
      const backend = conversionBackend(opts);
      if (backend?.kind === 'local') await sayIfTestPackage(backend.modelDir);
      const result = await runConversion(design, opts, context, { png: opts.png, nodeId: opts.node, imagesDir: opts.images, variables: opts.variables }, backend);
      reportConversion(result, opts.json);
    });
}

/** The second design of one page at two widths, if one is given: a design image (--also) or a Figma frame (--also-node). */
function secondDesign(opts: ConvertFlags): SecondDesign | undefined {
  if (opts.also !== undefined && opts.alsoNode !== undefined) throw new LoupeError('INVALID_ARGUMENT', 'Give the second design once: --also for a design image, or --also-node for a frame of the Figma file.');
  if (opts.alsoPng !== undefined && opts.alsoNode === undefined) throw new LoupeError('INVALID_ARGUMENT', "--also-png is Figma's picture of the --also-node frame: name that frame with --also-node.");
  if (opts.alsoNode !== undefined) return { node: opts.alsoNode, png: opts.alsoPng };
  if (opts.also === undefined) return undefined;
  if (isVideoName(opts.also)) throw new LoupeError('INVALID_ARGUMENT', '--also takes a second design image of the same page (PNG, JPEG, WebP), not a video.');
  return { file: opts.also };
}

/** The options every conversion takes: where it writes, the stack, the mode, how it reports. */
export function withConversionOptions(command: Command): Command {
  return command
    .requiredOption('--out <dir>', 'folder for the code, preview.html, render.png, diff.png and scores.json')
    .option('--stack <stack>', STACK_CHOICES, parseStack, 'html-css')
    .option('--mode <mode>', 'fast (one pass) | think (repair rounds while the score improves)', parseMode, 'fast')
    .option('--budget <ms>', 'think mode: the time the conversion may take, repair rounds included, ms (default 8000)', parsePositiveInt)
    .option('--json', 'print one JSON object with the files, scores and timings on stdout');
}

export type ConversionFlags = Pick<ConvertFlags, 'out' | 'stack' | 'mode' | 'budget' | 'json'>;

/** Converts a file into opts.out with a progress bar; warnings go to stderr. */
export async function runConversion(design: string, opts: ConversionFlags, context: CliContext, figma?: FigmaInputOptions, backend?: ConvertOptions['backend']): Promise<ConvertFileResult> {
  const { convertFile } = await context.perceiving(import('../pipeline/convert-file.ts'));
  const pool = await context.pool();
  return withProgressBar((onProgress) =>
    convertFile(design, opts.out, {
      stack: opts.stack,
      mode: opts.mode,
      budgetMs: opts.budget,
      pool,
      signal: context.signal,
      onProgress,
      figma,
      backend,
    }),
  );
}

async function runVideoConversion(video: string, opts: ConversionFlags, context: CliContext): Promise<VideoConversionResult> {
  const { convertVideo } = await context.perceiving(import('../pipeline/convert-video.ts'));
  const pool = await context.pool();
  return withProgressBar((onProgress) => convertVideo(video, opts.out, { stack: opts.stack, pool, signal: context.signal, onProgress }));
}

/** Runs a conversion under a progress bar, which is gone before its warnings go to stderr. */
async function withProgressBar<T extends { warnings: string[] }>(run: (onProgress: ReturnType<typeof progressBar>['listener']) => Promise<T>): Promise<T> {
  const bar = progressBar('converting');
  try {
    const result = await run(bar.listener);
    bar.stop();
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    return result;
  } finally {
    bar.stop();
  }
}

function reportVideoConversion(r: VideoConversionResult, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const linked = r.transitions.filter((t) => t.element).length;
  process.stdout.write(
    `Wrote ${r.screens.length} screen(s) from ${r.video.durationS.toFixed(1)} s of video to ${r.outDir} (open index.html; screens.json lists them) in ${(r.timings.total / 1000).toFixed(1)} s\n` +
      r.screens.map((s) => `  ${s.name}: ${s.width}×${s.height}${s.scrolled ? ' (stitched from scrolling)' : ''}, ssim ${f(s.scores.ssim)}, shown at ${s.visits.map((v) => `${v.fromS.toFixed(1)} s`).join(', ')}\n`).join('') +
      `${r.transitions.length} transition(s), ${linked} linked to the element clicked\n`,
  );
}

/** The files, scores and checks: one JSON object with --json, a few lines otherwise. */
export function reportConversion<R extends ConvertFileResult>(result: R, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const s = result.scores;
  const c = result.checks;
  const failed = failedCodeChecks(c);
  process.stdout.write(
    `Wrote ${result.files.length} files to ${result.outDir} (entry: ${result.entry}) in ${(result.timings.total / 1000).toFixed(1)} s\n` +
      `block ${f(s.block)}  text ${f(s.text)}  position ${f(s.position)}  color ${f(s.color)}  ssim ${f(s.ssim)}  (measured against the ${result.measuredAgainst})\n` +
      `largest picture ${pct(c.largestImageShare)} of the page, ${pct(c.absoluteShare)} of elements absolute` +
      (failed.length ? ` (over the limits: ${failed.join('; ')})\n` : '\n') +
      (result.think ? thinkLine(result.think) : '') +
      (result.modelServer ? modelServerLine(result.modelServer) : ''),
  );
}

function reportTwoWidths(r: TwoWidthsFileResult, json: boolean | undefined): void {
  reportConversion(r, json);
  if (json) return;
  const s = r.also.scores;
  const m = r.merge;
  process.stdout.write(
    `at ${r.also.width} px (${r.also.input}${r.also.node ? `, node ${r.also.node}` : ''}): block ${f(s.block)}  text ${f(s.text)}  position ${f(s.position)}  color ${f(s.color)}  ssim ${f(s.ssim)}\n` +
      `one page for both: ${m.shared} element(s) shared, ${m.wideOnly} only in the wide design, ${m.narrowOnly} only in the narrow one (below ${m.breakpoint} px)\n`,
  );
}

function modelServerLine(m: NonNullable<ConvertFileResult['modelServer']>): string {
  const fromModel = m.segments.filter((s) => s.from === 'model').length;
  return `${m.model} (${m.strategy}): ${fromModel} of ${m.segments.length} segment(s) from the model, ${m.segments.length - fromModel} from perception; ${m.requests} request(s), ${m.promptTokens} prompt and ${m.completionTokens} answer tokens\n`;
}

interface ConvertFlags extends BackendFlags {
  out: string;
  stack: ReturnType<typeof parseStack>;
  mode: ReturnType<typeof parseMode>;
  budget?: number;
  png?: string;
  node?: string;
  images?: string;
  variables?: string;
  also?: string;
  alsoNode?: string;
  alsoPng?: string;
  json?: boolean;
}

function thinkLine(t: ThinkReport): string {
  const kept = t.rounds[t.best].scores;
  const first = t.rounds[0].scores;
  return `think: ${t.rounds.length - 1} repair round(s), kept round ${t.best} (stopped: ${t.stoppedBy}); ` +
    `score ${f(first.score)} → ${f(kept.score)}, position ${f(first.position)} → ${f(kept.position)}, ssim ${f(first.ssim)} → ${f(kept.ssim)}\n`;
}

const f = (n: number) => n.toFixed(3);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

// One conversion: design image → IR → code → rendered preview → scores; in think mode, then
// rounds of repair (see ../think/think.ts) that keep the best result.
import type { Design, TextBlock } from '../ir/index.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { encodePng } from '../ingest/image.ts';
import { perceive } from '../perceive/index.ts';
import type { GeneratedCode, Stack } from '../codegen/index.ts';
import { comparePixels, scoreBlocks, type CodeChecks } from '../compare/index.ts';
import type { RenderPool, Screenshot } from '../render/pool.ts';
import { buildPreview } from '../codegen/index.ts';
import { generateCode, makeAttempt, renderCode, type Attempt } from '../think/attempt.ts';
import { localModelCode, type LocalBackend } from './model-code.ts';
import { DEFAULT_THINK_BUDGET_MS, think, type ThinkReport } from '../think/think.ts';
import type { Mode } from '../think/modes.ts';
import { StageRunner } from './timer.ts';
import type { ProgressListener, Stage } from './progress.ts';
import type { SegmentView } from '../api/contract.ts';
import { clientFor, fallbackWarnings, modelServerReport, writeWithModelServer, type ModelServerReport, type ModelServerRun } from '../model-server/write.ts';
import { repairWithModel } from '../model-server/repair.ts';

export type { ModelServerRun };

export interface ConvertOptions {
  stack: Stack;
  pool: RenderPool;
  /** Default fast. */
  mode?: Mode;
  /** Think mode: the time the whole conversion may take, ms (default 8000); rounds stop before it runs out. */
  budgetMs?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Text blocks of the true design where they are known (e.g. from reference HTML); otherwise perception's are used. */
  referenceBlocks?: TextBlock[];
  /** Who writes the code: the IR's generators (perception, the default), or a model that is shown the design. */
  backend?: LocalBackend | ModelServerRun;
  /** A model server's segments, each time one moves (waiting → writing → model or perception). */
  onSegments?: (segments: SegmentView[]) => void;
}

export interface Scores {
  ssim: number;
  /** Share of pixels that differ beyond pixelmatch's threshold. */
  mismatch: number;
  block: number;
  text: number;
  position: number;
  color: number;
}

export interface Conversion {
  design: Design;
  code: GeneratedCode;
  /** The self-contained HTML that was rendered and scored. */
  preview: string;
  designPng: Buffer;
  render: Screenshot;
  /** The render's text blocks, read from its DOM: what the block scores matched against the design's. */
  renderBlocks: TextBlock[];
  heatmap: Buffer;
  scores: Scores;
  /** What the rendered code is made of: picture coverage and absolute positioning. */
  checks: CodeChecks;
  /** The design's text blocks as perception read them: what later edits of the code are scored against. */
  textBlocks: TextBlock[];
  timings: Partial<Record<Stage, number>>;
  /** Think mode's rounds: what each repaired and scored, and which was kept. */
  think?: ThinkReport;
  /** What did not go as asked (a model's code that was not usable), for the user to read. */
  warnings: string[];
  /** The local model was asked for the code and its answer was not usable, so the code is perception's. */
  fellBack: boolean;
  /** Present when a model server was asked. */
  modelServer?: ModelServerReport;
}

export async function convertImage(image: DecodedImage, options: ConvertOptions): Promise<Conversion> {
  const started = performance.now();
  const stages = new StageRunner(options.signal, options.onProgress);
  const designPng = await stages.run('ingest', () => encodePng(image));
  const perception = await stages.run('perceive', (report) => perceive(image, { signal: options.signal, onProgress: report }));
  const warnings: string[] = [];
  let fellBack = false;
  let server: { run: ModelServerRun; client: ReturnType<typeof clientFor>; segments: SegmentView[] } | undefined;
  const generated = await stages.run('generate', async (report) => {
    const backend = options.backend;
    if (!backend) return generateCode(perception.design, options.stack);
    if (backend.kind === 'openai') {
      server = { run: backend, client: clientFor(backend), segments: [] };
      const written = await writeWithModelServer({ image, designPng, design: perception.design, blocks: perception.textBlocks, stack: options.stack, pool: options.pool, ...server, signal: options.signal, onProgress: report, onSegments: options.onSegments });
      server.segments = written.segments;
      warnings.push(...fallbackWarnings(written.segments));
      fellBack = written.segments.every((s) => s.state === 'perception');
      return written.generated;
    }
    const fromModel = await localModelCode(image, perception.design, backend, options.signal, report);
    if ('code' in fromModel) return { design: perception.design, code: fromModel.code, preview: await buildPreview(fromModel.code) };
    fellBack = true;
    warnings.push(`The local model's answer was not usable code (${fromModel.fallback}), so the code was generated from perception instead. It began: ${JSON.stringify(fromModel.text.slice(0, 120))}`);
    return generateCode(perception.design, options.stack);
  });
  const rendered = await stages.run('render', () => renderCode(options.pool, generated.preview, image, options.signal));
  let best: Attempt = { ...generated, ...rendered, pixels: await stages.run('compare', () => comparePixels(designPng, rendered.render.png)) };
  let report: ThinkReport | undefined;
  const asked = server;
  if (options.mode === 'think' && asked) {
    const budgetLeft = (options.budgetMs ?? DEFAULT_THINK_BUDGET_MS) - (performance.now() - started);
    const reference = { designPng, size: image, blocks: perception.textBlocks };
    ({ best, report } = await stages.run('think', (onProgress) => repairWithModel(best, { client: asked.client, pool: options.pool, reference, deadline: Date.now() + budgetLeft, signal: options.signal, onProgress })));
  } else if (options.mode === 'think') {
    const firstRoundMs = (stages.timings.generate ?? 0) + (stages.timings.render ?? 0) + (stages.timings.compare ?? 0);
    ({ best, report } = await stages.run('think', (onProgress) =>
      think(best, {
        image,
        perceived: perception.textBlocks,
        deadline: started + (options.budgetMs ?? DEFAULT_THINK_BUDGET_MS),
        firstRoundMs,
        attempt: (design) => makeAttempt(design, options.stack, options.pool, designPng, image, options.signal),
        signal: options.signal,
        onProgress,
      }),
    ));
  }
  const blocks = scoreBlocks(options.referenceBlocks ?? perception.textBlocks, best.blocks, image, best.render);
  return {
    design: best.design,
    code: best.code,
    preview: best.preview,
    designPng,
    render: best.render,
    renderBlocks: best.blocks,
    heatmap: best.pixels.heatmap,
    scores: { ssim: best.pixels.ssim, mismatch: best.pixels.mismatchRatio, ...blocks.scores },
    checks: best.checks,
    textBlocks: perception.textBlocks,
    timings: stages.timings,
    think: report,
    warnings,
    fellBack,
    ...(asked && { modelServer: modelServerReport(asked.run, asked.segments, asked.client) }),
  };
}

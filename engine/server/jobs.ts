// Conversions the app asked for, run one at a time in arrival order (each uses the whole
// machine), each cancellable, each reporting its progress as events. A finished job keeps its
// code and design so edits can be previewed and scored against it.
import { randomUUID } from 'node:crypto';
import { LoupeError, isLoupeError } from '../errors.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { convertImage, type Conversion } from '../pipeline/convert.ts';
import { overallFraction } from '../pipeline/progress.ts';
import type { RenderPool } from '../render/pool.ts';
import type { ConversionView, JobEvent } from '../api/contract.ts';
import type { ConvertRequestParsed } from './validate.ts';
import type { ArtifactStore } from './artifacts.ts';

export interface FinishedJob {
  image: DecodedImage;
  conversion: Conversion;
  view: ConversionView;
}

interface Job {
  request: ConvertRequestParsed;
  abort: AbortController;
  finished?: FinishedJob;
}

export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly pool: RenderPool,
    private readonly artifacts: ArtifactStore,
  ) {}

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  submit(request: ConvertRequestParsed): string {
    const jobId = randomUUID();
    const job: Job = { request, abort: new AbortController() };
    this.jobs.set(jobId, job);
    this.emit({ type: 'queued', jobId, name: request.name, position: this.waiting++ });
    this.tail = this.tail.then(async () => {
      this.waiting--;
      await this.run(jobId, job);
    });
    return jobId;
  }

  cancel(jobId: string): void {
    this.known(jobId).abort.abort();
  }

  finished(jobId: string): FinishedJob {
    const done = this.known(jobId).finished;
    if (!done) throw new LoupeError('INVALID_ARGUMENT', `Conversion ${jobId} has not finished; edit it once its code is shown.`);
    return done;
  }

  /** Resolves when every job submitted so far has ended. */
  idle(): Promise<void> {
    return this.tail;
  }

  private known(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new LoupeError('INVALID_ARGUMENT', `No conversion ${jobId}; it may belong to an earlier run of the engine.`);
    return job;
  }

  private async run(jobId: string, job: Job): Promise<void> {
    const { request, abort } = job;
    try {
      if (abort.signal.aborted) throw new LoupeError('CANCELLED', `${request.name}: cancelled.`);
      const image = await decodeDesignImage(request.data, request.name);
      const conversion = await convertImage(image, {
        stack: request.stack,
        mode: request.mode,
        pool: this.pool,
        signal: abort.signal,
        onProgress: (p) => this.emit({ type: 'progress', jobId, stage: p.stage, fraction: p.fraction, overall: overallFraction(p) }),
      });
      const view = this.toView(jobId, request, image, conversion);
      job.finished = { image, conversion, view };
      this.emit({ type: 'done', jobId, result: view });
    } catch (error) {
      const code = isLoupeError(error) ? error.code : 'INTERNAL';
      const message = error instanceof Error ? error.message : String(error);
      this.emit({ type: 'failed', jobId, code, message: isLoupeError(error) ? message : `The engine failed on ${request.name}: ${message}` });
    }
  }

  private toView(jobId: string, request: ConvertRequestParsed, image: DecodedImage, c: Conversion): ConversionView {
    const text = c.code.files.filter((f) => typeof f.contents === 'string') as { path: string; contents: string }[];
    return {
      jobId,
      name: request.name,
      stack: request.stack,
      mode: request.mode,
      entry: c.code.entry,
      files: text.map((f) => ({ path: f.path, contents: f.contents })),
      binaryFiles: c.code.files.filter((f) => typeof f.contents !== 'string').map((f) => f.path),
      preview: this.artifacts.put(c.preview, 'text/html', 'html'),
      design: { url: this.artifacts.put(c.designPng, 'image/png', 'png'), width: image.width, height: image.height },
      render: this.artifacts.put(c.render.png, 'image/png', 'png'),
      diff: this.artifacts.put(c.heatmap, 'image/png', 'png'),
      scores: c.scores,
      checks: c.checks,
      timings: c.timings as Record<string, number>,
    };
  }

  private emit(event: JobEvent): void {
    for (const l of this.listeners) l(event);
  }
}

// Conversions the app asked for, run one at a time in arrival order (each uses the whole
// machine), each cancellable, each reporting its progress as events. A finished conversion is
// saved in the history: a new design with its first version, or, for a design converted again,
// its next version. A job converts a design image (perceived) or a Figma frame (exact values,
// scored against Figma's own PNG of it, or against the IR's render when it came without one).
import { randomUUID } from 'node:crypto';
import { LoupeError, isLoupeError } from '../errors.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import { convertImage, type Conversion, type ConvertOptions } from '../pipeline/convert.ts';
import { convertDesign } from '../pipeline/convert-design.ts';
import { overallFraction } from '../pipeline/progress.ts';
import type { RenderPool } from '../render/pool.ts';
import type { HistoryStore } from '../history/store.ts';
import type { JobEvent } from '../api/contract.ts';
import type { ConvertRequestParsed } from './validate.ts';
import type { FigmaFrameJob } from './figma-frame.ts';
import type { ArtifactStore } from './artifacts.ts';
import { pipelineBackend, type LocalModelSettings } from './backend.ts';
import { versionView } from './views.ts';

export type JobRequest = ConvertRequestParsed | FigmaFrameJob;

interface Job {
  request: JobRequest;
  /** The design of the history this converts again; none for a new design. */
  designId?: string;
  abort: AbortController;
}

export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly pool: RenderPool,
    private readonly history: HistoryStore,
    private readonly artifacts: ArtifactStore,
    private readonly localModel: LocalModelSettings,
  ) {}

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  submit(request: JobRequest, designId?: string): string {
    const jobId = randomUUID();
    const job: Job = { request, designId, abort: new AbortController() };
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
    const { request, designId, abort } = job;
    try {
      if (abort.signal.aborted) throw new LoupeError('CANCELLED', `${request.name}: cancelled.`);
      const { conversion, width, height, warnings } = await convertRequest(request, this.localModel, {
        stack: request.stack,
        mode: request.mode,
        pool: this.pool,
        signal: abort.signal,
        onProgress: (p) => this.emit({ type: 'progress', jobId, stage: p.stage, fraction: p.fraction, overall: overallFraction(p) }),
      });
      const version = {
        kind: 'generated' as const,
        stack: request.stack,
        mode: request.mode,
        entry: conversion.code.entry,
        files: conversion.code.files,
        render: conversion.render.png,
        diff: conversion.heatmap,
        scores: { ...conversion.scores },
        checks: { ...conversion.checks },
        timings: conversion.timings as Record<string, number>,
      };
      const versionId = designId
        ? this.history.addVersion(designId, version)
        : this.history.addDesign(
            { name: request.name, width, height, png: conversion.designPng, textBlocks: conversion.textBlocks, ...('design' in request ? { ir: JSON.stringify(request.design) } : {}) },
            version,
          ).versionId;
      this.emit({ type: 'done', jobId, result: await versionView(this.history, this.artifacts, versionId), warnings });
    } catch (error) {
      const code = isLoupeError(error) ? error.code : 'INTERNAL';
      const message = error instanceof Error ? error.message : String(error);
      this.emit({ type: 'failed', jobId, code, message: isLoupeError(error) ? message : `The engine failed on ${request.name}: ${message}` });
    } finally {
      this.jobs.delete(jobId);
    }
  }

  private emit(event: JobEvent): void {
    for (const l of this.listeners) l(event);
  }
}

type Converted = { conversion: Conversion; width: number; height: number; warnings: string[] };

async function convertRequest(request: JobRequest, localModel: LocalModelSettings, options: ConvertOptions): Promise<Converted> {
  if ('design' in request) {
    const conversion = await convertDesign(request.design, request.reference, options);
    // Without Figma's picture, the render of the IR is the design's picture in the history.
    const { width, height } = request.reference ?? conversion.render;
    return { conversion, width, height, warnings: request.warnings };
  }
  const image = await decodeDesignImage(request.data, request.name);
  const conversion = await convertImage(image, { ...options, backend: pipelineBackend(request.backend, localModel) });
  return { conversion, width: image.width, height: image.height, warnings: conversion.warnings };
}

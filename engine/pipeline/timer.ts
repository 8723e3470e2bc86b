import { LoupeError } from '../errors.ts';
import type { Stage, ProgressListener } from './progress.ts';

/** Runs the stages of one job: reports progress, checks for cancellation, records each stage's time. */
export class StageRunner {
  readonly timings: Partial<Record<Stage, number>> = {};

  constructor(
    private readonly signal?: AbortSignal,
    private readonly onProgress?: ProgressListener,
  ) {}

  async run<T>(stage: Stage, work: (report: (fraction: number) => void) => Promise<T>): Promise<T> {
    if (this.signal?.aborted) throw new LoupeError('CANCELLED', 'Cancelled.');
    const started = performance.now();
    this.onProgress?.({ stage, fraction: 0 });
    // A hundredth at a time is enough for a progress bar, and each report is an event to the app
    // (from the video worker, a message between threads first): a small model writes hundreds of
    // tokens a second, and a video's frames are read faster still.
    let reported = 0;
    const result = await work((fraction) => {
      if (fraction < 1 && fraction - reported < 0.01) return;
      reported = fraction;
      this.onProgress?.({ stage, fraction });
    });
    this.timings[stage] = Math.round(performance.now() - started);
    this.onProgress?.({ stage, fraction: 1 });
    return result;
  }
}

// The work the app asked for (conversions, videos read for their screens, apps built from them),
// run one job at a time in arrival order (each uses the whole machine), each cancellable, each
// reporting its progress as events and ending with one that says how it went. The queue has a
// cap, and what a job holds while it waits (its upload, spooled to disk: upload-spool.ts) is
// released when it ends, or at once when it is cancelled before its turn.
import { randomUUID } from 'node:crypto';
import { LoupeError, isLoupeError } from '../errors.ts';
import type { JobEvent } from '../api/contract.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** How a job that did not fail ends: its event without the job's id. */
export type JobEnd = DistributiveOmit<Extract<JobEvent, { type: 'done' | 'detected' }>, 'jobId'>;

/** What a job reports as it goes: the stage, how far into it, and how far overall (0–1). */
export type JobProgress = (stage: string, fraction: number, overall: number) => void;

/** What a job reports as it goes besides its progress (a model server's segments): its event without the job's id. */
export type JobUpdate = DistributiveOmit<Extract<JobEvent, { type: 'segments' }>, 'jobId'>;

/** A job's work, given its cancel signal and where to report its progress and updates. */
export type JobWork = (signal: AbortSignal, progress: JobProgress, update: (update: JobUpdate) => void) => Promise<JobEnd>;

interface Job {
  name: string;
  work: JobWork;
  abort: AbortController;
  started: boolean;
  /** Frees what the job holds; runs once, however the job ends. */
  release: () => Promise<void>;
}

/** Jobs that may wait behind the running one, by default. */
export const QUEUE_CAP = 20;

export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly cap = QUEUE_CAP) {}

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues the work; `name` is what the job list shows (the design's or the video's file name).
   * `release` frees what the job holds when it ends, is cancelled while waiting, or is refused here.
   */
  submit(name: string, work: JobWork, release: () => Promise<void> = async () => {}): string {
    let released: Promise<void> | undefined;
    const releaseOnce = () => (released ??= release().catch(() => undefined));
    if (this.waiting >= this.cap) {
      void releaseOnce();
      throw new LoupeError('QUEUE_FULL', `${this.cap} jobs are already waiting their turn: let some finish (or cancel them), then send ${name} again.`);
    }
    const jobId = randomUUID();
    const job: Job = { name, work, abort: new AbortController(), started: false, release: releaseOnce };
    this.jobs.set(jobId, job);
    this.emit({ type: 'queued', jobId, name, position: this.waiting++ });
    this.tail = this.tail.then(async () => {
      this.waiting--;
      await this.run(jobId, job);
    });
    return jobId;
  }

  cancel(jobId: string): void {
    const job = this.known(jobId);
    job.abort.abort();
    // A job still waiting ends when its turn comes; what it holds need not wait for that.
    if (!job.started) void job.release();
  }

  /** Resolves when every job submitted so far has ended. */
  idle(): Promise<void> {
    return this.tail;
  }

  /**
   * Cancels every job, running or waiting, and resolves when all have ended: only then may what
   * they use (the history, the browser, perception's workers) be closed under them.
   */
  cancelAll(): Promise<void> {
    for (const jobId of this.jobs.keys()) this.cancel(jobId);
    return this.tail;
  }

  private known(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new LoupeError('INVALID_ARGUMENT', `No job ${jobId}; it may belong to an earlier run of the engine.`);
    return job;
  }

  private async run(jobId: string, job: Job): Promise<void> {
    const { name, work, abort } = job;
    job.started = true;
    // Work still winding down after its job ended (requests a cancel has not reached yet) must
    // not report: the app would take its progress for a job running again.
    let ended = false;
    const report = (event: JobEvent) => ended || this.emit(event);
    try {
      if (abort.signal.aborted) throw new LoupeError('CANCELLED', `${name}: cancelled.`);
      const end = await work(
        abort.signal,
        (stage, fraction, overall) => report({ type: 'progress', jobId, stage, fraction, overall }),
        (update) => report({ ...update, jobId }),
      );
      ended = true;
      this.emit({ ...end, jobId });
    } catch (error) {
      ended = true;
      const code = isLoupeError(error) ? error.code : 'INTERNAL';
      const message = error instanceof Error ? error.message : String(error);
      this.emit({ type: 'failed', jobId, code, message: isLoupeError(error) ? message : `The engine failed on ${name}: ${message}` });
    } finally {
      this.jobs.delete(jobId);
      await job.release();
    }
  }

  private emit(event: JobEvent): void {
    for (const l of this.listeners) l(event);
  }
}

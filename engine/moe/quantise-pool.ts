// Quantising on every core: a conversion's time is nearly all quantising (FP8 or BF16 → int4 runs
// at tens of M parameters/s per core; reading, hashing and writing are much faster), so the
// converter reads weights on its own thread and hands them to a pool of worker threads, a few
// tensors (or slabs of a large one's rows) ahead of the one being written (package.ts's
// lookahead), and writes them in order.
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../threads/ts-worker.ts';
import type { QuantisedWeight } from './quant.ts';
import { jobBuffers, runQuantiseJob, type QuantiseJob } from './quantise-job.ts';

export interface QuantisePool {
  /** Quantises on a free worker (or the next one free); the job's buffers are moved there. */
  run(job: QuantiseJob): Promise<QuantisedWeight>;
  readonly threads: number;
  close(): Promise<void>;
}

type Pending = { resolve: (q: QuantisedWeight) => void; reject: (e: Error) => void };

/** `threads` workers; 0 quantises on the calling thread (the single-threaded path, for comparison). */
export function quantisePool(threads: number): QuantisePool {
  if (threads <= 0) return { threads: 0, run: async (job) => runQuantiseJob(job), close: async () => {} };
  const workers: { worker: Worker; busy: number }[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  for (let i = 0; i < threads; i++) {
    const worker = startTsWorker(new URL('./quantise-worker.ts', import.meta.url));
    const slot = { worker, busy: 0 };
    worker.on('message', (m: { id: number; weight?: QuantisedWeight; error?: string }) => {
      slot.busy--;
      const p = pending.get(m.id)!;
      pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(`quantising in a worker thread: ${m.error}`));
      else p.resolve(m.weight!);
    });
    worker.on('error', (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
    workers.push(slot);
  }
  return {
    threads,
    run(job) {
      const slot = workers.reduce((a, b) => (b.busy < a.busy ? b : a));
      slot.busy++;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, job }, jobBuffers(job));
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}

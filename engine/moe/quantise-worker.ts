// A worker thread of the quantise pool (quantise-pool.ts): runs each job it is sent and sends
// the weight back, its buffers moved, not copied.
import { parentPort } from 'node:worker_threads';
import { resultBuffers, runQuantiseJob, type QuantiseJob } from './quantise-job.ts';

parentPort!.on('message', ({ id, job }: { id: number; job: QuantiseJob }) => {
  try {
    const weight = runQuantiseJob(job);
    parentPort!.postMessage({ id, weight }, resultBuffers(weight));
  } catch (e) {
    parentPort!.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});

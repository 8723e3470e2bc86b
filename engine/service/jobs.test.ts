// Jobs run one at a time and end with one event; work that goes on reporting after its job ended
// (a cancelled job's requests still winding down) reports nothing more.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { JobEvent } from '../api/contract.ts';
import { JobQueue, type JobProgress, type JobUpdate } from './jobs.ts';

test("a cancelled job's work that reports after the job ended is not heard", async () => {
  const jobs = new JobQueue();
  const events: JobEvent[] = [];
  jobs.subscribe((e) => events.push(e));
  let late: { progress: JobProgress; update: (u: JobUpdate) => void } | undefined;
  const jobId = jobs.submit('slow.png', (signal, progress, update) => {
    late = { progress, update };
    progress('generate', 0.5, 0.4);
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { name: 'LoupeError' }))));
  });
  await new Promise((r) => setTimeout(r, 10));
  jobs.cancel(jobId);
  await jobs.idle();
  late!.progress('generate', 1, 0.6);
  late!.update({ type: 'segments', segments: [] });
  assert.deepEqual(events.map((e) => e.type), ['queued', 'progress', 'failed']);
});

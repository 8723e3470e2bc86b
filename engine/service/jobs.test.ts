// Jobs run one at a time and end with one event; work that goes on reporting after its job ended
// (a cancelled job's requests still winding down) reports nothing more.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { JobEvent } from '../api/contract.ts';
import { JobQueue, type JobEnd, type JobProgress, type JobUpdate } from './jobs.ts';
import type { LoupeError } from '../errors.ts';

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

test('a full queue refuses the next job with a message, and takes jobs again once one starts', async () => {
  const jobs = new JobQueue(2);
  let finishFirst = () => {};
  const first = new Promise<void>((resolve) => (finishFirst = resolve));
  const quick = async () => ({ type: 'done', result: {} }) as unknown as JobEnd;
  let started = () => {};
  const running = new Promise<void>((resolve) => (started = resolve));
  jobs.submit('running.png', async () => {
    started();
    await first;
    return quick();
  });
  await running;
  jobs.submit('a.png', quick);
  jobs.submit('b.png', quick);
  assert.throws(() => jobs.submit('c.png', quick), (e: LoupeError) => e.code === 'QUEUE_FULL' && /2 jobs are already waiting/.test(e.message) && /c\.png/.test(e.message));
  finishFirst();
  await jobs.idle();
  assert.doesNotThrow(() => jobs.submit('c.png', quick));
  await jobs.idle();
});

test('what a job holds is released once: when it ends, when it is cancelled before its turn, and when the full queue refuses it', async () => {
  const jobs = new JobQueue(1);
  const released: string[] = [];
  const releasing = (name: string) => async () => void released.push(name);
  let finish = () => {};
  const running = new Promise<void>((resolve) => (finish = resolve));
  const work = async () => {
    await running;
    return { type: 'done', result: {} } as unknown as JobEnd;
  };
  let started = () => {};
  const isRunning = new Promise<void>((resolve) => (started = resolve));
  jobs.submit('running.png', async () => (started(), work()), releasing('running.png'));
  await isRunning;
  const waitingId = jobs.submit('waiting.png', work, releasing('waiting.png'));
  assert.throws(() => jobs.submit('refused.png', work, releasing('refused.png')), (e: LoupeError) => e.code === 'QUEUE_FULL');
  jobs.cancel(waitingId);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(released, ['refused.png', 'waiting.png'], 'released before the running job ends');
  finish();
  await jobs.idle();
  assert.deepEqual(released, ['refused.png', 'waiting.png', 'running.png']);
});

test('cancelling every job, as the engine does when it closes, ends the running one and those waiting, none of which starts', { timeout: 10_000 }, async () => {
  const jobs = new JobQueue();
  const events: JobEvent[] = [];
  jobs.subscribe((e) => events.push(e));
  const started: string[] = [];
  const untilCancelled = (name: string) => (signal: AbortSignal) => {
    started.push(name);
    return new Promise<JobEnd>((_, reject) => signal.addEventListener('abort', () => reject(new Error(`${name} stopped`))));
  };
  const ids = ['running.png', 'a.png', 'b.png'].map((name) => jobs.submit(name, untilCancelled(name)));
  await new Promise((r) => setTimeout(r, 10));
  await jobs.cancelAll();
  assert.deepEqual(started, ['running.png']);
  const ends = events.filter((e) => e.type === 'failed');
  assert.deepEqual(ends.map((e) => e.jobId).sort(), [...ids].sort(), 'every job ended');
  assert.ok(ends.filter((e) => e.jobId !== ids[0]).every((e) => e.code === 'CANCELLED'), JSON.stringify(ends));
});

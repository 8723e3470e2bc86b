import test from 'node:test';
import assert from 'node:assert/strict';
import type { JobEvent, SegmentView, VersionView, VideoDetectionView } from '../../engine/api/contract.ts';
import { closeReview, emptyJobs, followJob, reduceJobEvent, selectJob, showVersion, stopFollowing } from './jobs-state.ts';

const view = (versionId: string) => ({ versionId }) as VersionView;

test('jobs go from queued through progress to done, and the first finished one is shown', () => {
  let s = reduceJobEvent(emptyJobs, { type: 'queued', jobId: 'a', name: 'a.png', position: 0 });
  s = reduceJobEvent(s, { type: 'queued', jobId: 'b', name: 'b.png', position: 1 });
  s = reduceJobEvent(s, { type: 'progress', jobId: 'a', stage: 'perceive', fraction: 0.5, overall: 0.3 });
  assert.deepEqual(s.jobs.map((j) => j.status), ['running', 'queued']);
  assert.equal(s.jobs[0]!.stage, 'perceive');
  assert.equal(s.current, undefined);
  s = reduceJobEvent(s, { type: 'done', jobId: 'a', result: view('a'), warnings: [] });
  assert.equal(s.current?.versionId, 'a');
  // A later design finishing does not take the screen from the one being looked at.
  s = reduceJobEvent(s, { type: 'done', jobId: 'b', result: view('b'), warnings: ["The local model's answer was not usable code"] });
  assert.deepEqual(s.jobs.map((j) => j.warnings), [[], ["The local model's answer was not usable code"]]);
  assert.equal(s.current?.versionId, 'a');
  assert.equal(selectJob(s, 'b').current?.versionId, 'b');
  assert.equal(showVersion(s, view('old')).current?.versionId, 'old');
});

test('a cancelled job is marked cancelled, a failed one keeps its message, neither can be selected', () => {
  let s = reduceJobEvent(emptyJobs, { type: 'queued', jobId: 'a', name: 'a.png', position: 0 });
  s = reduceJobEvent(s, { type: 'queued', jobId: 'b', name: 'b.png', position: 1 });
  s = reduceJobEvent(s, { type: 'failed', jobId: 'a', code: 'CANCELLED', message: 'a.png: cancelled.' });
  s = reduceJobEvent(s, { type: 'failed', jobId: 'b', code: 'INPUT_CORRUPT', message: 'b.png is not a valid PNG.' });
  assert.deepEqual(s.jobs.map((j) => [j.status, j.error]), [['cancelled', 'a.png: cancelled.'], ['failed', 'b.png is not a valid PNG.']]);
  assert.equal(selectJob(s, 'b').current, undefined);
});

test('a re-generation replaces the version it was asked from, unless that was edited or left meanwhile', () => {
  const shown = showVersion(emptyJobs, view('v1'));
  const queued = (s: typeof shown) => reduceJobEvent(s, { type: 'queued', jobId: 'r', name: 'a.png', position: 0 });
  const done: JobEvent = { type: 'done', jobId: 'r', result: view('v2'), warnings: [] };
  const followed = reduceJobEvent(followJob(queued(shown), 'r'), done);
  assert.equal(followed.current?.versionId, 'v2');
  assert.equal(followed.following, undefined);
  assert.equal(reduceJobEvent(stopFollowing(followJob(queued(shown), 'r')), done).current?.versionId, 'v1');
  assert.equal(reduceJobEvent(showVersion(followJob(queued(shown), 'r'), view('other')), done).current?.versionId, 'other');
  const failed = reduceJobEvent(followJob(queued(shown), 'r'), { type: 'failed', jobId: 'r', code: 'INTERNAL', message: 'no' });
  assert.deepEqual([failed.current?.versionId, failed.following], ['v1', undefined]);
});

test("a video's screens are shown to be looked at when found, unless another video's are; its job opens them again", () => {
  const detection = (detectionId: string) => ({ detectionId }) as VideoDetectionView;
  let s = showVersion(emptyJobs, view('v1'));
  for (const jobId of ['a', 'b']) s = reduceJobEvent(s, { type: 'queued', jobId, name: `${jobId}.mp4`, position: 0 });
  s = reduceJobEvent(s, { type: 'detected', jobId: 'a', result: detection('a') });
  assert.equal(s.review?.detectionId, 'a');
  assert.equal(s.current?.versionId, 'v1', 'the version on screen stays');
  s = reduceJobEvent(s, { type: 'detected', jobId: 'b', result: detection('b') });
  assert.equal(s.review?.detectionId, 'a');
  assert.deepEqual(s.jobs.map((j) => j.status), ['done', 'done']);
  s = closeReview(s);
  assert.equal(s.review, undefined);
  assert.equal(selectJob(s, 'b').review?.detectionId, 'b');
  // Other jobs' events leave it be.
  s = reduceJobEvent(selectJob(s, 'a'), { type: 'queued', jobId: 'c', name: 'c.png', position: 0 });
  s = reduceJobEvent(s, { type: 'failed', jobId: 'c', code: 'INTERNAL', message: 'no' });
  assert.equal(s.review?.detectionId, 'a');
});

test("a model server's segments are kept as they last stood, through the job's end, and touch no other job", () => {
  const segment = (id: string, state: SegmentView['state'], received = 0): SegmentView => ({ id, label: id, box: { x: 0, y: 0, width: 10, height: 10 }, state, received, attempts: state === 'waiting' ? 0 : 1 });
  let s = reduceJobEvent(emptyJobs, { type: 'queued', jobId: 'a', name: 'a.png', position: 0 });
  s = reduceJobEvent(s, { type: 'queued', jobId: 'b', name: 'b.png', position: 1 });
  s = reduceJobEvent(s, { type: 'segments', jobId: 'a', segments: [segment('header', 'writing', 120), segment('footer', 'waiting')] });
  s = reduceJobEvent(s, { type: 'segments', jobId: 'a', segments: [segment('header', 'model', 800), segment('footer', 'writing', 40)] });
  assert.deepEqual(s.jobs[0]!.segments!.map((x) => [x.id, x.state, x.received]), [['header', 'model', 800], ['footer', 'writing', 40]]);
  assert.equal(s.jobs[1]!.segments, undefined);
  s = reduceJobEvent(s, { type: 'failed', jobId: 'a', code: 'CANCELLED', message: 'a.png: cancelled.' });
  assert.deepEqual([s.jobs[0]!.status, s.jobs[0]!.segments!.length], ['cancelled', 2]);
  // What arrives late does not bring it back.
  s = reduceJobEvent(s, { type: 'progress', jobId: 'a', stage: 'generate', fraction: 1, overall: 0.6 });
  s = reduceJobEvent(s, { type: 'segments', jobId: 'a', segments: [] });
  assert.deepEqual([s.jobs[0]!.status, s.jobs[0]!.segments!.length], ['cancelled', 2]);
});

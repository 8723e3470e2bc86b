import test from 'node:test';
import assert from 'node:assert/strict';
import type { SegmentView } from '../../engine/api/contract.ts';
import { reasoningOf, segmentStatus, segmentsSummary } from './segments.ts';

const segment = (patch: Partial<SegmentView>): SegmentView => ({ id: 's', label: 'header', box: { x: 0, y: 0, width: 100, height: 40 }, state: 'waiting', received: 0, attempts: 0, ...patch });

test('each segment says where it stands: waiting, writing so many chars (and which try), from the model, or fell back and why', () => {
  assert.equal(segmentStatus(segment({})), 'waiting');
  assert.equal(segmentStatus(segment({ state: 'writing', received: 1234, attempts: 1 })), 'writing 1,234 chars');
  assert.equal(segmentStatus(segment({ state: 'writing', received: 0, attempts: 2 })), 'writing 0 chars (try 2)');
  assert.equal(segmentStatus(segment({ state: 'model', received: 900, attempts: 1 })), 'from model');
  assert.equal(segmentStatus(segment({ state: 'perception', reason: 'it scored worse', attempts: 1 })), 'fell back: it scored worse');
  assert.equal(segmentStatus(segment({ state: 'perception', attempts: 3 })), 'fell back to perception');
});

test("the job's line counts the segments done, those from the model and those that fell back, and the chars received", () => {
  assert.equal(segmentsSummary([segment({}), segment({})]), '0 of 2 segments done');
  assert.equal(
    segmentsSummary([segment({ state: 'model', received: 3000 }), segment({ state: 'perception', received: 10 }), segment({ state: 'writing', received: 1200 }), segment({})]),
    '2 of 4 segments done (1 from model, 1 fell back) · 4,210 chars',
  );
  assert.equal(segmentsSummary([segment({ state: 'model', received: 5 })]), '1 of 1 segment done (1 from model, 0 fell back) · 5 chars');
});

test("only segments with reasoning are in the job's details", () => {
  assert.deepEqual(reasoningOf([segment({ id: 'a', reasoning: 'The header has a logo…' }), segment({ id: 'b', reasoning: '  ' }), segment({ id: 'c' })]), [
    { id: 'a', label: 'header', reasoning: 'The header has a logo…' },
  ]);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { screenEditsRefusal } from '../../engine/api/contract.ts';
import { fateOf, screenEdits, type ScreenDecision } from './screen-edits.ts';

test("a screen's latest decision counts; undoing the last one brings back the one before", () => {
  const decisions: ScreenDecision[] = [
    { screen: 2, kind: 'drop' },
    { screen: 1, kind: 'merge', into: 0 },
    { screen: 2, kind: 'keep' },
    { screen: 2, kind: 'merge', into: 0 },
  ];
  assert.deepEqual(screenEdits(decisions, [0, 1, 2]), { drop: [], merge: [[1, 0], [2, 0]] });
  const undone = decisions.slice(0, -1);
  assert.deepEqual(fateOf(undone, 2), { kind: 'keep' });
  assert.deepEqual(screenEdits(undone.slice(0, -1), [0, 1, 2]), { drop: [2], merge: [[1, 0]] });
});

test('edits the engine would refuse are named before anything is sent', () => {
  const ids = [0, 1, 2];
  assert.equal(screenEditsRefusal(ids, { drop: [2], merge: [[1, 0]] }), undefined);
  assert.equal(screenEditsRefusal(ids, { merge: [[2, 1], [1, 0]] }), undefined, 'merges may chain');
  assert.match(screenEditsRefusal(ids, { drop: [0], merge: [[1, 0]] })!, /screen-2 is merged into screen-1, which is dropped/);
  assert.match(screenEditsRefusal(ids, { drop: [0], merge: [[2, 1], [1, 0]] })!, /screen-3 is merged into screen-1, which is dropped/);
  assert.match(screenEditsRefusal(ids, { merge: [[0, 1], [1, 0]] })!, /merged into each other/);
  assert.match(screenEditsRefusal(ids, { drop: [0, 1], merge: [[2, 0]] })!, /dropped/);
  assert.match(screenEditsRefusal(ids, { drop: [0, 1, 2] })!, /Keep at least one screen/);
  assert.match(screenEditsRefusal(ids, { drop: [5] })!, /no screen-6/);
  assert.match(screenEditsRefusal(ids, { merge: [[1, 1]] })!, /into itself/);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { readPick } from './preview-picks.ts';

const frame = {};
const pick = { loupe: 'pick', path: 'index.html', start: 10, end: 42 };

test("a pick from the preview's own frame is taken", () => {
  assert.deepEqual(readPick({ source: frame, origin: 'null', data: pick }, frame), pick);
});

test('messages from elsewhere, of another shape or with a backwards range are ignored', () => {
  assert.equal(readPick({ source: {}, origin: 'null', data: pick }, frame), undefined);
  assert.equal(readPick({ source: frame, origin: 'https://example.com', data: pick }, frame), undefined);
  assert.equal(readPick({ source: frame, origin: 'null', data: pick }, null), undefined);
  assert.equal(readPick({ source: frame, origin: 'null', data: { ...pick, start: -1 } }, frame), undefined);
  assert.equal(readPick({ source: frame, origin: 'null', data: { ...pick, start: 50 } }, frame), undefined);
  assert.equal(readPick({ source: frame, origin: 'null', data: 'pick' }, frame), undefined);
});

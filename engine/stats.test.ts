import test from 'node:test';
import assert from 'node:assert/strict';
import { median } from './stats.ts';

test('the median of an odd list is its middle value', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([7]), 7);
});

test('the median of an even list is the upper of the two middles, one of the values', () => {
  assert.equal(median([4, 1, 3, 2]), 3);
  assert.equal(median([16, 15]), 16);
  assert.equal(median([200, 201, 203, 204]), 203);
});

test('the median leaves its list as it was, and is 0 for an empty one', () => {
  const values = [3, 1, 2];
  median(values);
  assert.deepEqual(values, [3, 1, 2]);
  assert.equal(median([]), 0);
});

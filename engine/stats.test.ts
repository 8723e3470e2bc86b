import test from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile } from './stats.ts';

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

test('a percentile is the nearest-rank value of the list: the lower quartile of a few gaps is a small one', () => {
  assert.equal(percentile([22, 7, 5, 22, 22], 25), 7);
  assert.equal(percentile([22, 22, 22, 6], 25), 6);
  assert.equal(percentile([3, 1, 2], 100), 3);
  assert.equal(percentile([], 50), 0);
});

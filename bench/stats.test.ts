import test from 'node:test';
import assert from 'node:assert/strict';
import { mean, percentile } from './stats.ts';

test('p95 by nearest rank', () => {
  const xs = Array.from({ length: 20 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 95), 19);
  assert.equal(percentile(xs, 100), 20);
  assert.equal(percentile([7], 95), 7);
});

test('mean', () => {
  assert.equal(mean([1, 2, 3, 6]), 3);
});

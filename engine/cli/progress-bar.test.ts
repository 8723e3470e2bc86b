import test from 'node:test';
import assert from 'node:assert/strict';
import { etaText } from './progress-bar.ts';

test('the ETA is the time left at the average rate so far, shown once a per cent is done', () => {
  assert.equal(etaText(60_000, 0.5), 'ETA 1m00s');
  assert.equal(etaText(10_000, 0.25), 'ETA 30s');
  assert.equal(etaText(3_600_000, 0.4), 'ETA 1h30m');
  assert.equal(etaText(1_000, 0.001), '');
  assert.equal(etaText(1_000, 1), '');
  assert.equal(etaText(1_000, Number.NaN), '');
});

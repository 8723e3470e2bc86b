// Segments move with every few characters a model streams; the app gets a few states a second,
// and always the last one.
import test from 'node:test';
import assert from 'node:assert/strict';
import { throttleLatest } from './throttle.ts';

test('the first value goes at once; those within the interval wait, and only the newest goes when it ends', async () => {
  const sent: number[] = [];
  const throttled = throttleLatest((n: number) => sent.push(n), 40);
  throttled.push(1);
  assert.deepEqual(sent, [1]);
  for (let n = 2; n <= 5; n++) throttled.push(n);
  assert.deepEqual(sent, [1]);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(sent, [1, 5]);
  throttled.end();
});

test('a value an interval after the last goes at once; end sends what waits and drops what comes later', async () => {
  const sent: string[] = [];
  let now = 0;
  const throttled = throttleLatest((s: string) => sent.push(s), 100, () => now);
  throttled.push('a');
  now = 150;
  throttled.push('b');
  now = 160;
  throttled.push('c');
  throttled.push('d');
  assert.deepEqual(sent, ['a', 'b']);
  throttled.end();
  assert.deepEqual(sent, ['a', 'b', 'd']);
  throttled.end();
  now = 1000;
  throttled.push('e');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(sent, ['a', 'b', 'd'], 'nothing after the end, nor twice');
});

// The bandwidth probe's shape and arithmetic on a small buffer (which sits in the cache, so its
// figure says nothing about memory; the real measurement's ~2 GiB takes seconds).
import test from 'node:test';
import assert from 'node:assert/strict';
import { defaultBandwidthBytes, lastLevelCache, measureBandwidth } from './memory-bandwidth.ts';

test('measureBandwidth reports the median of each thread count and the better one as the roofline', () => {
  const r = measureBandwidth({ bytes: 16 * 2 ** 20 + 3, threads: 2, repeats: 3 });
  assert.equal(r.bytes, 16 * 2 ** 20, 'whole float32 values');
  assert.equal(r.threads, 2);
  assert.deepEqual(
    r.samples.map((s) => [s.threads, s.gbps.length]),
    [
      [1, 3],
      [2, 3],
    ],
  );
  for (const s of r.samples) for (const v of s.gbps) assert.ok(Number.isFinite(v) && v > 0);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[1];
  assert.equal(r.singleThreadGBps, median(r.samples[0]!.gbps));
  assert.equal(r.multiThreadGBps, median(r.samples[1]!.gbps));
  assert.equal(r.gbps, Math.max(r.singleThreadGBps, r.multiThreadGBps));

  const one = measureBandwidth({ bytes: 2 ** 20, threads: 1, repeats: 1 });
  assert.equal(one.samples.length, 1, 'one thread is measured once');
  assert.equal(one.multiThreadGBps, one.singleThreadGBps);
});

test('the default buffer is four times the last-level cache (2 GiB when its size is unknown), and nonsense is refused', () => {
  assert.equal(defaultBandwidthBytes({ bytes: 508 * 2 ** 20, level: 3, source: 'getconf' }), 4 * 508 * 2 ** 20);
  assert.equal(defaultBandwidthBytes(undefined), 2 * 2 ** 30);
  const cache = lastLevelCache();
  if (cache) assert.ok(Number.isInteger(cache.bytes) && cache.bytes >= 2 ** 16 && cache.level >= 1, JSON.stringify(cache));
  assert.throws(() => measureBandwidth({ bytes: 0 }), RangeError);
  assert.throws(() => measureBandwidth({ bytes: 1024, threads: 0 }), RangeError);
  assert.throws(() => measureBandwidth({ bytes: 1024, repeats: 1.5 }), RangeError);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { FrequencyPolicy, LruPolicy, expertKey, hitRate, replay } from './expert-cache.ts';
import { skewedTrace } from '../../testing/moe/routing-trace.ts';

const MB = 1 << 20;

test('the budget is never exceeded, and the experts of one step are never evicted for each other', () => {
  for (const policy of [new LruPolicy(10 * MB), new FrequencyPolicy(10 * MB)]) {
    const trace = skewedTrace({ layers: [1, 2, 3], experts: 16, topK: 4, tokens: 300, skew: 0.8, seed: 7 });
    for (const step of trace) {
      for (const { layer, experts } of step) {
        const pinned = new Set(experts.map((e) => expertKey(layer, e)));
        for (const e of experts) {
          const { evicted } = policy.use(expertKey(layer, e), MB, pinned);
          for (const v of evicted) assert.ok(!pinned.has(v), `${policy.name} evicted ${v}, needed in the same step`);
          assert.ok(policy.usedBytes <= 10 * MB, `${policy.name} holds ${policy.usedBytes} bytes`);
        }
      }
      policy.tick();
    }
    const s = policy.stats;
    assert.equal(s.hits + s.misses, 300 * 3 * 4);
    assert.equal(s.bytesLoaded, (s.misses - s.bypasses) * MB);
  }
});

test('an expert larger than the whole budget runs from the tier below and evicts nothing', () => {
  const policy = new FrequencyPolicy(4 * MB);
  policy.use(expertKey(1, 1), MB);
  const r = policy.use(expertKey(1, 2), 5 * MB);
  assert.deepEqual(r, { resident: false, hit: false, evicted: [] });
  assert.ok(policy.has(expertKey(1, 1)));
});

test('a one-off expert does not displace a popular one under the frequency policy; LRU lets it', () => {
  const freq = new FrequencyPolicy(2 * MB);
  const lru = new LruPolicy(2 * MB);
  for (const p of [freq, lru]) {
    for (let i = 0; i < 5; i++) {
      p.use(expertKey(0, 1), MB);
      p.use(expertKey(0, 2), MB);
      p.tick();
    }
    p.use(expertKey(0, 9), MB);
  }
  assert.ok(freq.has(expertKey(0, 1)) && freq.has(expertKey(0, 2)) && !freq.has(expertKey(0, 9)));
  assert.ok(lru.has(expertKey(0, 9)));
  assert.equal(freq.stats.bypasses, 1);
});

test('on skewed routing the frequency policy hits more often than LRU at the same budget', () => {
  const layers = Array.from({ length: 8 }, (_, i) => i + 1);
  const trace = skewedTrace({ layers, experts: 64, topK: 6, tokens: 1500, skew: 1.0, driftEvery: 50, seed: 3 });
  // A quarter of the experts fit.
  const budget = (layers.length * 64 * MB) / 4;
  const freq = hitRate(replay(new FrequencyPolicy(budget), trace, () => MB));
  const lru = hitRate(replay(new LruPolicy(budget), trace, () => MB));
  assert.ok(freq > lru + 0.05, `frequency ${freq.toFixed(3)} vs LRU ${lru.toFixed(3)}`);
});

test('prefetching what the layer before predicts turns misses into hits', () => {
  const layers = [1, 2, 3, 4];
  const base = { layers, experts: 32, topK: 4, tokens: 800, skew: 0.7, driftEvery: 40, seed: 11 };
  const budget = (layers.length * 32 * MB) / 3;
  const trace = skewedTrace({ ...base, predictionAccuracy: 0.8 });
  const without = replay(new FrequencyPolicy(budget), trace.map((step) => step.map(({ layer, experts }) => ({ layer, experts }))), () => MB);
  const withPrefetch = replay(new FrequencyPolicy(budget), trace, () => MB);
  assert.ok(withPrefetch.prefetches > 0 && withPrefetch.usefulPrefetches > 0);
  assert.ok(hitRate(withPrefetch) > hitRate(without), `${hitRate(withPrefetch).toFixed(3)} vs ${hitRate(without).toFixed(3)}`);
});

// The cache figures' replay on the engine's real routing of a tiny package, and the skew and
// synthetic figures on traces whose answers are known.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isMoeLayer } from '../../engine/moe/config.ts';
import type { RoutingStep } from '../../engine/moe/expert-cache.ts';
import { MoeEngine } from '../../engine/moe/runtime/engine.ts';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { hitRatesAtBudget, routingSkew, syntheticCacheFigures, tokenTrace } from './cache-replay.ts';
import { tokenBytes } from './token-bytes.ts';

const work = mkdtempSync(join(tmpdir(), 'loupe-cache-replay-'));
after(() => rmSync(work, { recursive: true, force: true }));

test("the engine's routing replays token by token; both policies at the same budget see the same uses", async () => {
  const written = await createTestModel(join(work, 'tiny'), { size: 'tiny' });
  const engine = await MoeEngine.open(written.dir, { accelerator: 'none', expertThreads: 1 });
  try {
    const t = engine.pkg.config.text_config;
    const moe = Array.from({ length: t.num_hidden_layers }, (_, l) => l).filter((l) => isMoeLayer(t, l));
    const forwards = [[5, 17, 300, 41], [9, 600, 2]].flatMap((tokens) => engine.generate({ tokens, maxTokens: 4, recordRouting: true }, () => {}).routing!);
    const trace = tokenTrace(forwards);
    assert.equal(trace.length, 4 + 3 + (3 + 3), 'each prompt token, then each decoded token but the last of each run');
    for (const step of trace) assert.deepEqual(step.map((s) => [s.layer, s.experts.length]), moe.map((l) => [l, t.num_experts_per_tok]));
    assert.deepEqual(trace[1], forwards[0]!.map((f) => ({ layer: f.layer, experts: [...f.experts[1]!] })));

    const bytes = tokenBytes(engine.pkg);
    const uses = trace.length * moe.length * t.num_experts_per_tok;
    const distinct = new Set(trace.flatMap((step) => step.flatMap((s) => s.experts.map((e) => `${s.layer}/${e}`)))).size;
    // Room for every expert: only each expert's first use misses, whatever the policy.
    const everything = moe.length * t.n_routed_experts * bytes.expert(moe[0]!, 0);
    const roomy = hitRatesAtBudget(trace, everything, bytes.expert);
    assert.equal(roomy.frequency, 1 - distinct / uses);
    assert.equal(roomy.lru, roomy.frequency);
    // Room for less than one expert: nothing ever hits.
    assert.deepEqual(hitRatesAtBudget(trace, bytes.expert(moe[0]!, 0) - 1, bytes.expert), { frequency: 0, lru: 0 });
    const quarter = hitRatesAtBudget(trace, everything / 4, bytes.expert);
    for (const rate of [quarter.frequency, quarter.lru]) assert.ok(rate >= 0 && rate <= roomy.lru, `${rate}`);
  } finally {
    engine.close();
  }
});

test('routing skew: one expert taking every use, and uniform use, give the two ends', () => {
  const steps = (pick: (token: number) => number[]): RoutingStep[] => Array.from({ length: 64 }, (_, i) => [{ layer: 1, experts: pick(i) }, { layer: 2, experts: pick(i + 1) }]);
  assert.deepEqual(routingSkew(steps(() => [3]), 8), { hottestQuarterShare: 1, normalisedEntropy: 0 });
  const uniform = routingSkew(steps((i) => [i % 8]), 8);
  assert.equal(uniform.hottestQuarterShare, 0.25);
  assert.ok(Math.abs(uniform.normalisedEntropy - 1) < 1e-12);
  assert.throws(() => routingSkew([], 8), RangeError);
});

test('synthetic figures: the same prediction lifts both policies, and the frequency-aware one beats LRU on skewed routing', () => {
  const s = syntheticCacheFigures({ layers: [1, 2, 3, 4], experts: 64, topK: 6, budgetExperts: 64, tokens: 1500 });
  assert.ok(s.withPrediction.frequency > s.withoutPrediction.frequency, JSON.stringify(s));
  assert.ok(s.withPrediction.lru > s.withoutPrediction.lru, JSON.stringify(s));
  assert.ok(s.withoutPrediction.frequency > s.withoutPrediction.lru, JSON.stringify(s));
  assert.match(s.trace, /64 experts resident/);
});

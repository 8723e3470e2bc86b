// The expert cache figures: a routing trace replayed through the frequency-aware policy and LRU
// at the same byte budget, each starting empty. The engine's own routing gives the figures that
// count; a synthetic skewed trace (testing/moe/routing-trace.ts) shows what the policies do on
// the skew trained routers have, with and without a prediction of the next experts, and with the
// same prediction handed to both policies. How skewed the engine's routing is gets measured
// too: random weights may route nearly uniformly, and then no policy has anything to exploit.
import { FrequencyPolicy, LruPolicy, hitRate, replay, type RoutingStep } from '../../engine/moe/expert-cache.ts';
import { skewedTrace } from '../../testing/moe/routing-trace.ts';
import type { ForwardRouting } from './token-bytes.ts';

/** Forward passes' routing as one step per token, in order: a prefill's rows become its tokens' steps. */
export function tokenTrace(forwards: readonly ForwardRouting[]): RoutingStep[] {
  const trace: RoutingStep[] = [];
  for (const forward of forwards) {
    const rows = forward[0]?.experts.length ?? 0;
    for (let t = 0; t < rows; t++) trace.push(forward.map(({ layer, experts }) => ({ layer, experts: Array.from(experts[t]!) })));
  }
  return trace;
}

export interface PolicyHitRates {
  frequency: number;
  lru: number;
}

/** Hit rates of the frequency-aware policy and LRU on the same trace and budget, each from empty. */
export function hitRatesAtBudget(trace: RoutingStep[], budgetBytes: number, bytesOf: (layer: number, expert: number) => number): PolicyHitRates {
  return {
    frequency: hitRate(replay(new FrequencyPolicy(budgetBytes), trace, bytesOf)),
    lru: hitRate(replay(new LruPolicy(budgetBytes), trace, bytesOf)),
  };
}

export interface RoutingSkew {
  /** Share of all expert uses that went to each layer's most used quarter of its experts (0.25 when uniform), mean over layers. */
  hottestQuarterShare: number;
  /** Entropy of each layer's expert use over log(experts): 1 when uniform, lower when skewed; mean over layers. */
  normalisedEntropy: number;
}

export function routingSkew(trace: readonly RoutingStep[], experts: number): RoutingSkew {
  const uses = new Map<number, Float64Array>();
  for (const step of trace) {
    for (const { layer, experts: chosen } of step) {
      let counts = uses.get(layer);
      if (!counts) uses.set(layer, (counts = new Float64Array(experts)));
      for (const e of chosen) counts[e]!++;
    }
  }
  if (uses.size === 0) throw new RangeError('routing skew of an empty trace');
  let share = 0;
  let entropy = 0;
  for (const counts of uses.values()) {
    const total = counts.reduce((a, b) => a + b, 0);
    const sorted = [...counts].sort((a, b) => b - a);
    share += sorted.slice(0, Math.ceil(experts / 4)).reduce((a, b) => a + b, 0) / total;
    entropy += -counts.reduce((h, c) => (c === 0 ? h : h + (c / total) * Math.log(c / total)), 0) / Math.log(experts);
  }
  return { hottestQuarterShare: share / uses.size, normalisedEntropy: entropy / uses.size };
}

export interface SyntheticCacheOptions {
  layers: number[];
  experts: number;
  topK: number;
  /** Experts that fit, all of one size. */
  budgetExperts: number;
  tokens?: number;
  /** Zipf exponent of expert popularity. */
  skew?: number;
  /** How often the prediction names the expert used. */
  predictionAccuracy?: number;
}

export interface SyntheticCacheFigures {
  /** Neither policy told anything about the next token's experts. */
  withoutPrediction: PolicyHitRates;
  /** Both policies prefetch the same prediction before each layer's experts are used. */
  withPrediction: PolicyHitRates;
  /** What the trace was, for the notes. */
  trace: string;
}

/** The policies on a synthetic Zipf trace shaped like the model, with and without the same prediction for both. */
export function syntheticCacheFigures(o: SyntheticCacheOptions): SyntheticCacheFigures {
  const tokens = o.tokens ?? 2000;
  const skew = o.skew ?? 0.9;
  const accuracy = o.predictionAccuracy ?? 0.7;
  const driftEvery = 64;
  const predicted = skewedTrace({ layers: o.layers, experts: o.experts, topK: o.topK, tokens, skew, driftEvery, seed: 1, predictionAccuracy: accuracy });
  const plain = predicted.map((step) => step.map(({ layer, experts }) => ({ layer, experts })));
  return {
    withoutPrediction: hitRatesAtBudget(plain, o.budgetExperts, () => 1),
    withPrediction: hitRatesAtBudget(predicted, o.budgetExperts, () => 1),
    trace: `synthetic Zipf(${skew}) trace drifting every ${driftEvery} tokens, ${tokens} tokens, ${o.layers.length} MoE layers × ${o.experts} experts, top-${o.topK}, ${o.budgetExperts} experts resident; the prediction names the used expert ${Math.round(accuracy * 100)}% of the time`,
  };
}

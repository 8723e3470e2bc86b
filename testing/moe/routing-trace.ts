// Synthetic routing traces with the skew real MoE routers show: per layer a few experts take
// most tokens (Zipf-like popularity), which drifts as the content changes. Used to compare cache
// policies at a budget without running a model; the engine bench replays the engine's own
// routing beside it (bench/moe/cache-replay.ts).
import type { RoutingStep } from '../../engine/moe/expert-cache.ts';
import { SeededRandom } from '../../engine/moe/random.ts';

export interface TraceOptions {
  layers: number[];
  experts: number;
  topK: number;
  tokens: number;
  /** Zipf exponent of expert popularity: 0 is uniform, 1 is strongly skewed. */
  skew: number;
  /** Every this many tokens, two experts of each layer swap popularity. */
  driftEvery?: number;
  /** How often the prediction from the layer before names the experts used (0–1); none when absent. */
  predictionAccuracy?: number;
  seed: number;
}

/** Uniforms in [0, 1) from a seed: the same trace for the same seed on every machine. */
function seededRandom(seed: number): () => number {
  const r = new SeededRandom(seed);
  return () => r.uniform();
}

export function skewedTrace(o: TraceOptions): RoutingStep[] {
  const random = seededRandom(o.seed);
  const weights = Array.from({ length: o.experts }, (_, r) => 1 / (r + 1) ** o.skew);
  // rank → expert, per layer, shuffled so each layer has its own favourites.
  const ranking = o.layers.map(() => {
    const order = Array.from({ length: o.experts }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  });
  const pick = (order: number[]): number[] => {
    const chosen = new Set<number>();
    while (chosen.size < o.topK) {
      let total = 0;
      for (let r = 0; r < o.experts; r++) if (!chosen.has(order[r]!)) total += weights[r]!;
      let x = random() * total;
      for (let r = 0; r < o.experts; r++) {
        if (chosen.has(order[r]!)) continue;
        x -= weights[r]!;
        if (x <= 0) {
          chosen.add(order[r]!);
          break;
        }
      }
    }
    return [...chosen];
  };
  const trace: RoutingStep[] = [];
  for (let t = 0; t < o.tokens; t++) {
    if (o.driftEvery && t > 0 && t % o.driftEvery === 0) {
      for (const order of ranking) {
        const a = Math.floor(random() * o.experts), b = Math.floor(random() * o.experts);
        [order[a], order[b]] = [order[b]!, order[a]!];
      }
    }
    trace.push(
      o.layers.map((layer, i) => {
        const experts = pick(ranking[i]!);
        if (o.predictionAccuracy === undefined) return { layer, experts };
        const predicted = experts.map((e) => (random() < o.predictionAccuracy! ? e : Math.floor(random() * o.experts)));
        return { layer, experts, predicted: [...new Set(predicted)] };
      }),
    );
  }
  return trace;
}

// DeepSeek-V3's expert choice ("noaux_tc"), for a batch of tokens at once: sigmoid scores, plus
// the load-balancing bias for choosing only; experts are chosen from the best groups (a group
// ranks by the sum of its two best biased scores), and the chosen experts' unbiased scores,
// normalised when the model says so and scaled, weigh their outputs.
import type { TextConfig } from '../config.ts';

export interface Routing {
  /** Per token: the chosen experts, best first. */
  experts: Int32Array[];
  /** Per token: their weights, in the same order. */
  weights: Float32Array[];
}

type RouterConfig = Pick<TextConfig, 'n_routed_experts' | 'num_experts_per_tok' | 'n_group' | 'topk_group' | 'norm_topk_prob' | 'routed_scaling_factor'>;

/** `logits` [tokens, experts] (the gate's x·Wᵀ), `bias` [experts]. */
export function route(logits: Float32Array, bias: Float32Array, c: RouterConfig): Routing {
  const E = c.n_routed_experts;
  const tokens = logits.length / E;
  const perGroup = E / c.n_group;
  const experts: Int32Array[] = [];
  const weights: Float32Array[] = [];
  const scores = new Float32Array(E);
  const choice = new Float32Array(E);
  for (let t = 0; t < tokens; t++) {
    for (let e = 0; e < E; e++) {
      scores[e] = 1 / (1 + Math.exp(-logits[t * E + e]!));
      choice[e] = scores[e]! + bias[e]!;
    }
    const groups = Array.from({ length: c.n_group }, (_, g) => {
      let a = -Infinity, b = -Infinity;
      for (let e = g * perGroup; e < (g + 1) * perGroup; e++) {
        const v = choice[e]!;
        if (v > a) [a, b] = [v, a];
        else if (v > b) b = v;
      }
      return { g, score: perGroup > 1 ? a + b : a };
    });
    const kept = new Set(groups.sort((x, y) => y.score - x.score || x.g - y.g).slice(0, c.topk_group).map((x) => x.g));
    // Dropped groups' experts are out of the running (DeepSeek-V3's inference/model.py fills them
    // with −inf, as vLLM and SGLang do). Hugging Face's modeling_deepseek fills them with 0, so
    // there a dropped expert can beat a kept one whose biased score is negative.
    for (let e = 0; e < E; e++) if (!kept.has(Math.floor(e / perGroup))) choice[e] = -Infinity;
    const candidates = Array.from({ length: E }, (_, e) => e);
    candidates.sort((x, y) => choice[y]! - choice[x]! || x - y);
    const chosen = Int32Array.from(candidates.slice(0, c.num_experts_per_tok));
    const w = Float32Array.from(chosen, (e) => scores[e]!);
    let sum = 0;
    for (const v of w) sum += v;
    // inference/model.py normalises sigmoid weights whatever K is; HF's code skips K = 1.
    const k = (c.norm_topk_prob ? 1 / (sum + 1e-20) : 1) * c.routed_scaling_factor;
    for (let i = 0; i < w.length; i++) w[i]! *= k;
    experts.push(chosen);
    weights.push(w);
  }
  return { experts, weights };
}

// The runtime's routing against the reference's on the cases where DeepSeek's rules bite:
// group limits, negative biases next to dropped groups, one expert per token.
import test from 'node:test';
import assert from 'node:assert/strict';
import { selectExperts } from '../../../testing/moe/reference/decoder.ts';
import { tinyConfig } from '../../../testing/moe/reference/random-weights.ts';
import { SeededRandom as Rng } from '../random.ts';
import { route } from './routing.ts';

test('the same experts and weights as the reference, token by token, across group limits, biases and k', () => {
  const rng = new Rng(4);
  for (const [k, norm, bias] of [[3, true, 0.1], [1, true, -0.8], [2, false, -0.3]] as const) {
    const base = tinyConfig({ withVision: false, numExpertsPerTok: k, normTopkProb: norm }).text_config;
    const E = base.n_routed_experts;
    for (let t = 0; t < 50; t++) {
      const logits = Float32Array.from({ length: E }, () => rng.normal() * 2);
      const b = Float32Array.from({ length: E }, () => bias + rng.normal() * 0.5);
      const mine = route(logits, b, base);
      const ref = selectExperts(logits, b, base);
      assert.deepEqual([...mine.experts[0]!], [...ref.experts], `k ${k}, token ${t}`);
      ref.weights.forEach((w, i) => assert.ok(Math.abs(w - mine.weights[0]![i]!) < 1e-6));
    }
  }
});

test("experts of dropped groups are never chosen, even when every kept expert's biased score is negative (DeepSeek-V3's −inf mask)", () => {
  const c = tinyConfig({ withVision: false, numExpertsPerTok: 3 }).text_config; // 8 experts, 4 groups of 2, the best 2 kept
  const logits = Float32Array.from([4, 3, -1, -2, -3, -1, 0, 0]);
  const bias = new Float32Array(8).fill(-2); // every choice score below 0
  const { experts } = route(logits, bias, c);
  // Groups by their two best: {0,1} and {6,7} lead; a 0-filled mask would let experts 2…5 (at 0) in.
  assert.deepEqual([...experts[0]!].sort(), [0, 1, 6]);
});

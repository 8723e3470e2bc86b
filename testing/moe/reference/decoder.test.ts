import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMoeLayer, type TextConfig } from '../../../engine/moe/config.ts';
import { applyRope, decoderForward, embed, mlp, moeForward, ropeTable, selectExperts, softmaxScale, yarnFrequencies } from './decoder.ts';
import { MemoryWeights, randomWeights, tinyConfig } from './random-weights.ts';
import { SeededRandom as Rng } from '../../../engine/moe/random.ts';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);
const ids = (n: number, seed: number, vocab = 90) => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.int(vocab));
};

test('DeepSeek RoPE de-interleaves the pairs before rotate_half (hand case)', () => {
  // dr = 4: inv_freq = [1, 10000^(−1/2) = 0.01]; v = (e0, o0, e1, o1) = (1, 0, 0, 1) at position 1.
  const rope = ropeTable(4, 2, 10000);
  const out = applyRope([1, 0, 0, 1], rope, 1);
  const want = [Math.cos(1), -Math.sin(0.01), Math.sin(1), Math.cos(0.01)];
  want.forEach((w, i) => close(out[i]!, w, 1e-7, `element ${i}`));
  // position 0 only reorders: (e0, e1, o0, o1)
  assert.deepEqual([...applyRope([1, 2, 3, 4], rope, 0)], [1, 3, 2, 4]);
});

test('RoPE scores depend on the distance between positions only', () => {
  const rope = ropeTable(6, 40, 10000);
  const rng = new Rng(3);
  const q = Array.from({ length: 6 }, () => rng.normal());
  const k = Array.from({ length: 6 }, () => rng.normal());
  const dot = (t: number, s: number) => {
    const a = applyRope(q, rope, t);
    const b = applyRope(k, rope, s);
    return a.reduce((acc, v, i) => acc + v * b[i]!, 0);
  };
  close(dot(5, 2), dot(30, 27), 1e-5);
  close(dot(9, 9), dot(0, 0), 1e-5);
});

test('causal: the logits at a position do not change when later tokens do', () => {
  const config = tinyConfig({ withVision: false });
  const w = randomWeights(config, 1);
  const a = ids(12, 1);
  const b = [...a.slice(0, 7), ...ids(5, 2)];
  const la = decoderForward(w, config.text_config, embed(w, config.text_config, a)).logits;
  const lb = decoderForward(w, config.text_config, embed(w, config.text_config, b)).logits;
  const V = la.shape[1]!;
  assert.deepEqual([...la.data.subarray(0, 7 * V)], [...lb.data.subarray(0, 7 * V)]);
  assert.ok([...la.data.subarray(7 * V)].some((v, i) => v !== lb.data[7 * V + i]), 'later positions do change');
  // and a prefix run alone gives the same logits as inside the longer sequence
  const prefix = decoderForward(w, config.text_config, embed(w, config.text_config, a.slice(0, 7))).logits;
  assert.deepEqual([...prefix.data], [...la.data.subarray(0, 7 * V)]);
});

test('both query layouts run: q_proj, and q_a_proj → q_a_layernorm → q_b_proj', () => {
  for (const qLoraRank of [null, 10]) {
    const config = tinyConfig({ qLoraRank, withVision: false });
    const w = randomWeights(config, 2);
    assert.equal(w.has('language_model.model.layers.0.self_attn.q_proj.weight'), qLoraRank === null);
    assert.equal(w.has('language_model.model.layers.0.self_attn.q_b_proj.weight'), qLoraRank !== null);
    const out = decoderForward(w, config.text_config, embed(w, config.text_config, ids(9, 4)));
    assert.deepEqual(out.logits.shape, [9, config.text_config.vocab_size]);
    assert.ok(out.logits.data.every(Number.isFinite));
    assert.equal(out.routing.length, 2); // layers 1 and 2 are MoE, layer 0 dense
    assert.ok(out.logits.data.some((v) => Math.abs(v) > 0.1));
  }
});

/** The routing invariants, recomputed from the layer's router scores and correction bias. */
function checkRouting(text: TextConfig, w: MemoryWeights, routing: ReturnType<typeof decoderForward>['routing'], T: number) {
  const { n_routed_experts: E, num_experts_per_tok: K, n_group: G, topk_group: TG } = text;
  for (const r of routing) {
    assert.ok(isMoeLayer(text, r.layer));
    const bias = w.get(`language_model.model.layers.${r.layer}.mlp.gate.e_score_correction_bias`).data;
    for (let t = 0; t < T; t++) {
      const experts = [...r.experts.subarray(t * K, (t + 1) * K)];
      const weights = [...r.weights.subarray(t * K, (t + 1) * K)];
      assert.equal(new Set(experts).size, K, 'exactly K distinct experts');
      const choice = Array.from({ length: E }, (_, e) => r.scores[t * E + e]! + bias[e]!);
      const groupScores = Array.from({ length: G }, (_, g) => {
        const s = choice.slice((g * E) / G, ((g + 1) * E) / G).sort((a, b) => b - a);
        return s[0]! + s[1]!;
      });
      const kept = [...groupScores.keys()].sort((a, b) => groupScores[b]! - groupScores[a]!).slice(0, TG);
      for (const e of experts) assert.ok(kept.includes(Math.floor(e / (E / G))), `expert ${e} of a dropped group`);
      // no unchosen expert of a kept group beats a chosen one
      const worstChosen = Math.min(...experts.map((e) => choice[e]!));
      for (let e = 0; e < E; e++) if (!experts.includes(e) && kept.includes(Math.floor(e / (E / G)))) assert.ok(choice[e]! <= worstChosen);
      const sum = weights.reduce((a, b) => a + b, 0);
      if (text.norm_topk_prob) close(sum, text.routed_scaling_factor, 1e-5, 'weights sum');
      else experts.forEach((e, k) => close(weights[k]!, r.scores[t * E + e]! * text.routed_scaling_factor, 1e-6, 'un-normalised weight'));
    }
  }
}

test('routing: exactly top-k experts per token, only from the kept groups, weights normalised to routed_scaling_factor', () => {
  for (const normTopkProb of [true, false]) {
    const config = tinyConfig({ withVision: false, normTopkProb });
    const w = randomWeights(config, 7);
    const T = 20;
    const out = decoderForward(w, config.text_config, embed(w, config.text_config, ids(T, 8)));
    checkRouting(config.text_config, w, out.routing, T);
  }
});

test('selectExperts on a hand case: group scores are the sum of the top two, weights the un-biased scores', () => {
  const text = tinyConfig({ withVision: false, numExpertsPerTok: 2 }).text_config; // 8 experts, 4 groups of 2, keep 2
  const logit = (p: number) => Math.log(p / (1 - p));
  const scores = [0.9, 0.1, 0.5, 0.4, 0.2, 0.2, 0.6, 0.3];
  const bias = [0, 0, 0, 0, 0, 0, 0, 0.4];
  // group sums: 1.0, 0.9, 0.4, 0.6 + 0.7 = 1.3 → keep groups 3 and 0
  const c = selectExperts(scores.map(logit), bias, text);
  assert.deepEqual(c.groups, [3, 0]);
  assert.deepEqual(c.experts, [0, 7]); // choice 0.9 and 0.7 (0.3 + 0.4 bias)
  close(c.weights[0]!, (0.9 / 1.2) * 2.5, 1e-6);
  close(c.weights[1]!, (0.3 / 1.2) * 2.5, 1e-6);
});

test("selectExperts follows DeepSeek-V3's Gate: dropped groups are out (−∞, not modeling_deepseek.py's 0.0), and K = 1 is normalised too", () => {
  const text = tinyConfig({ withVision: false, numExpertsPerTok: 2 }).text_config;
  const logit = (p: number) => Math.log(p / (1 - p));
  const scores = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
  const bias = [0.3, 0.3, -0.6, -0.7, -0.8, -0.9, -0.6, -0.9];
  // choice scores 0.8, 0.8 | −0.1, −0.2 | −0.3, −0.4 | −0.1, −0.4; group sums 1.6, −0.3, −0.7, −0.5
  // → groups 0 and 1 kept; groups 2 and 3 are out, though a 0.0 fill would beat kept expert 2's −0.1.
  const c = selectExperts(scores.map(logit), bias, text);
  assert.deepEqual(c.groups, [0, 1]);
  assert.deepEqual(c.experts, [0, 1]);
  const three = selectExperts(scores.map(logit), bias, { ...text, num_experts_per_tok: 3 });
  assert.deepEqual(three.experts, [0, 1, 2]);
  const four = selectExperts(scores.map(logit), bias, { ...text, num_experts_per_tok: 4 });
  assert.deepEqual(four.experts, [0, 1, 2, 3]); // the kept groups' four, none from the dropped ones
  // inference/model.py divides sigmoid weights by their sum whatever K is (norm_topk_prob true).
  const one = selectExperts(scores.map(logit), bias, { ...text, num_experts_per_tok: 1 });
  assert.deepEqual(one.weights, [Math.fround(2.5)]);
});

test('an MoE layer whose experts are all identical equals that expert (× the weights’ sum) plus the shared experts', () => {
  const config = tinyConfig({ withVision: false });
  const text = config.text_config;
  const w = randomWeights(config, 9);
  const p = 'language_model.model.layers.1.mlp';
  for (const part of ['gate_proj', 'up_proj', 'down_proj']) {
    const first = w.get(`${p}.experts.0.${part}.weight`);
    for (let e = 1; e < text.n_routed_experts; e++) w.set(`${p}.experts.${e}.${part}.weight`, first);
  }
  const T = 6;
  const rng = new Rng(10);
  const x = Float32Array.from({ length: T * text.hidden_size }, () => rng.normal());
  const { out, routing } = moeForward(w, text, 1, x, T);
  const expert = mlp(w, 'model.layers.1.mlp.experts.0', x, T);
  const shared = mlp(w, 'model.layers.1.mlp.shared_experts', x, T);
  const K = text.num_experts_per_tok;
  for (let t = 0; t < T; t++) {
    const sum = [...routing.weights.subarray(t * K, (t + 1) * K)].reduce((a, b) => a + b, 0);
    close(sum, text.routed_scaling_factor, 1e-5);
    for (let i = 0; i < text.hidden_size; i++) {
      const j = t * text.hidden_size + i;
      close(out[j]!, sum * expert[j]! + shared[j]!, 1e-5, `token ${t} value ${i}`);
    }
  }
});

test('embed refuses ids outside the vocabulary', () => {
  const config = tinyConfig({ withVision: false });
  const w = randomWeights(config, 1);
  assert.throws(() => embed(w, config.text_config, [1, 96]), /outside the vocabulary/);
});

test("YaRN in the reference: DeepSeek-V3's correction range and ramp on a rope of 8, and softmax_scale times mscale²", () => {
  const text = { ...tinyConfig({ withVision: false }).text_config, qk_rope_head_dim: 8, qk_nope_head_dim: 16, max_position_embeddings: 163840 };
  text.rope_scaling = { type: 'yarn', factor: 40, original_max_position_embeddings: 4096, beta_fast: 32, beta_slow: 1, mscale: 1, mscale_all_dim: 1 };
  // correction_dim(32) = 8·ln(4096/(64π))/(2·ln 10⁴) = 1.31 → low 1; correction_dim(1) = 2.81 → high 3;
  // ramp over pairs 0…3: 0, 0, ½, 1.
  const freqs = yarnFrequencies(text)!;
  const plain = [0, 1, 2, 3].map((i) => 10000 ** (-i / 4));
  const want = [plain[0]!, plain[1]!, plain[2]! / 40 / 2 + plain[2]! / 2, plain[3]! / 40];
  want.forEach((w, i) => close(freqs[i]!, w, 1e-12 * w, `pair ${i}`));
  close(softmaxScale(text), 24 ** -0.5 * (0.1 * Math.log(40) + 1) ** 2, 1e-12);
  // Not applied when the context does not exceed the original one, nor without rope_scaling.
  assert.equal(yarnFrequencies({ ...text, max_position_embeddings: 4096 }), null);
  assert.equal(softmaxScale({ ...text, rope_scaling: null }), 24 ** -0.5);
});

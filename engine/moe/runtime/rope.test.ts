// YaRN's frequencies and attention scale at DeepSeek-V3's published settings, against values
// worked out by hand from inference/model.py's formulas.
import test from 'node:test';
import assert from 'node:assert/strict';
import { attentionScale, ropeInverseFrequencies } from './rope.ts';

const v3 = {
  qk_nope_head_dim: 128,
  qk_rope_head_dim: 64,
  rope_theta: 10000,
  max_position_embeddings: 163840,
  rope_scaling: { type: 'yarn' as const, factor: 40, original_max_position_embeddings: 4096, beta_fast: 32, beta_slow: 1, mscale: 1, mscale_all_dim: 1 },
};

test("YaRN at DeepSeek-V3's settings: pairs below 10 keep θ^(−2i/64), from 23 on they are divided by 40, a linear ramp between", () => {
  // correction_dim(32) = 64·ln(4096 / (2π·32)) / (2·ln 10000) = 10.47 → low 10;
  // correction_dim(1) = 64·ln(4096 / 2π) / (2·ln 10000) = 22.51 → high 23.
  const inv = ropeInverseFrequencies(v3);
  const plain = (i: number) => 10000 ** (-(2 * i) / 64);
  const close = (i: number, want: number) => assert.ok(Math.abs(inv[i]! - want) <= 1e-6 * want, `pair ${i}: ${inv[i]} vs ${want}`);
  for (const i of [0, 5, 10]) close(i, plain(i));
  for (const i of [23, 31]) close(i, plain(i) / 40);
  const ramp = (16 - 10) / (23 - 10);
  close(16, (plain(16) / 40) * ramp + plain(16) * (1 - ramp));
});

test('the attention scale is (dn + dr)^−½ · (0.1·ln 40 + 1)² with YaRN, (dn + dr)^−½ without', () => {
  const m = 0.1 * Math.log(40) + 1;
  assert.ok(Math.abs(attentionScale(v3) - (192 ** -0.5) * m * m) < 1e-12);
  assert.equal(attentionScale({ ...v3, rope_scaling: null }), 192 ** -0.5);
  // inference/model.py applies YaRN only when the context exceeds the original one.
  const short = { ...v3, max_position_embeddings: 4096 };
  assert.equal(attentionScale(short), 192 ** -0.5);
  assert.deepEqual(ropeInverseFrequencies(short), ropeInverseFrequencies({ ...v3, rope_scaling: null }));
});

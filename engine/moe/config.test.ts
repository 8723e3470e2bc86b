// Reading config.json in both published layouts: flat (DeepSeek-V3, Kimi K2) and nested
// (Kimi-VL, Kimi K2.5), into the one nested shape the engine uses.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configLayout, parseModelConfig } from './config.ts';
import { tinyConfigJson } from '../../testing/moe/test-checkpoint.ts';
import { isLoupeError } from '../errors.ts';

const published = (family: string) => JSON.parse(readFileSync(new URL(`../../models/families/${family}/config.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const unsupported = (...fragments: string[]) => (e: unknown) => isLoupeError(e) && e.code === 'MODEL_UNSUPPORTED' && fragments.every((f) => e.message.includes(f));

test("DeepSeek-V3's published flat config.json is read as a decoder alone, every routing, YaRN and MTP key kept", () => {
  const json = published('deepseek-v3');
  assert.equal(configLayout(json), 'flat');
  const c = parseModelConfig(json, 'config.json');
  assert.equal(c.vision_config, undefined);
  assert.equal(c.media_placeholder_token_id, undefined);
  const t = c.text_config;
  assert.deepEqual(
    [t.topk_method, t.n_group, t.topk_group, t.routed_scaling_factor, t.first_k_dense_replace, t.moe_layer_freq, t.num_nextn_predict_layers, t.num_hidden_layers],
    ['noaux_tc', 8, 4, 2.5, 3, 1, 1, 61],
  );
  assert.deepEqual(t.rope_scaling, { type: 'yarn', factor: 40, original_max_position_embeddings: 4096, beta_fast: 32, beta_slow: 1, mscale: 1, mscale_all_dim: 1 });
  assert.equal(t.max_position_embeddings, 163840);
});

test('a nested config reads as before, and a flat one equals its decoder nested under text_config', () => {
  const nested = tinyConfigJson();
  assert.equal(configLayout(nested), 'nested');
  const c = parseModelConfig(nested, 'config.json');
  assert.ok(c.vision_config);
  const flat = { ...(nested.text_config as object), model_type: 'kimi_k2' };
  assert.deepEqual(parseModelConfig(flat, 'config.json').text_config, c.text_config);
  assert.equal(c.text_config.num_nextn_predict_layers, 0);
});

test('refused with what is wrong: a flat config of another model type, other rope scaling, mscale unlike mscale_all_dim, a missing YaRN key', () => {
  const json = published('deepseek-v3');
  assert.throws(() => parseModelConfig({ ...json, model_type: 'llama' }, 'config.json'), unsupported('"llama"', 'deepseek_v3 or kimi_k2'));
  assert.throws(() => parseModelConfig({ ...json, rope_scaling: { type: 'linear', factor: 2 } }, 'config.json'), unsupported('rope_scaling'));
  const yarn = json.rope_scaling as Record<string, unknown>;
  assert.throws(() => parseModelConfig({ ...json, rope_scaling: { ...yarn, mscale: 0.707 } }, 'config.json'), unsupported('mscale (0.707)', 'mscale_all_dim (1)'));
  assert.throws(() => parseModelConfig({ ...json, rope_scaling: { ...yarn, factor: 0.5 } }, 'config.json'), unsupported('factor (0.5) is below 1'));
  const { beta_fast: _, ...noBeta } = yarn;
  assert.throws(() => parseModelConfig({ ...json, rope_scaling: noBeta }, 'config.json'), unsupported('rope_scaling.beta_fast'));
  // rope_type, as newer configs write it, is the same scaling.
  const { type: _type, ...rest } = yarn;
  assert.equal(parseModelConfig({ ...json, rope_scaling: { ...rest, rope_type: 'yarn' } }, 'config.json').text_config.rope_scaling?.factor, 40);
});

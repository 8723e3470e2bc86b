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

test("Kimi K2.5's config.json: MoonViT3d's vt_* keys are read into the vision config, with the chunk's frame count", () => {
  const json = published('kimi-k2.5');
  const c = parseModelConfig(json, 'config.json');
  assert.deepEqual(c.vision_config, {
    patch_size: 14,
    init_pos_emb_height: 64,
    init_pos_emb_width: 64,
    num_attention_heads: 16,
    num_hidden_layers: 27,
    hidden_size: 1152,
    intermediate_size: 4304,
    merge_kernel_size: [2, 2],
    init_pos_emb_time: 4,
    text_hidden_size: 7168,
  });
  assert.equal(c.media_placeholder_token_id, 163605);
  assert.equal(c.text_config.n_routed_experts, 384);
  // Kimi-VL's MoonViT has no frames: the field that marks MoonViT3d stays absent.
  assert.equal(parseModelConfig(tinyConfigJson(), 'config.json').vision_config!.init_pos_emb_time, undefined);
});

test('a MoonViT3d config Loupe would run differently is refused, naming the key', () => {
  const json = published('kimi-k2.5');
  const withVision = (extra: Record<string, unknown>) => ({ ...json, vision_config: { ...(json.vision_config as object), ...extra } });
  assert.throws(() => parseModelConfig(withVision({ merge_type: 'sd2' }), 'config.json'), unsupported('vision_config.merge_type'));
  assert.throws(() => parseModelConfig(withVision({ mm_projector_type: 'patchmergerv2' }), 'config.json'), unsupported('vision_config.mm_projector_type'));
  assert.throws(() => parseModelConfig(withVision({ norm_type: 'rmsnorm' }), 'config.json'), unsupported('vision_config.norm_type'));
  assert.throws(() => parseModelConfig(withVision({ qkv_hidden_size: 2048 }), 'config.json'), unsupported('qkv_hidden_size differs'));
  assert.throws(() => parseModelConfig(withVision({ text_hidden_size: 4096 }), 'config.json'), unsupported('text_hidden_size (4096) differs'));
  const { vt_hidden_size: _, ...noWidth } = json.vision_config as Record<string, unknown>;
  assert.throws(() => parseModelConfig({ ...json, vision_config: noWidth }, 'config.json'), unsupported('vision_config.vt_hidden_size'));
});

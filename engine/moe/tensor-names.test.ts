import test from 'node:test';
import assert from 'node:assert/strict';
import { checkpointNaming, isMtpTensor, tensorNaming } from './tensor-names.ts';

test("a flat checkpoint's names map both ways onto Loupe's; a nested one's are Loupe's", () => {
  const flat = tensorNaming('flat');
  const pairs = [
    ['language_model.model.embed_tokens.weight', 'model.embed_tokens.weight'],
    ['language_model.model.layers.3.mlp.experts.7.up_proj.weight', 'model.layers.3.mlp.experts.7.up_proj.weight'],
    ['language_model.model.norm.weight', 'model.norm.weight'],
    ['language_model.lm_head.weight', 'lm_head.weight'],
  ];
  for (const [internal, stored] of pairs) {
    assert.equal(flat.toCheckpoint(internal!), stored);
    assert.equal(flat.fromCheckpoint(stored!), internal);
  }
  // Names outside the decoder are not the decoder's.
  assert.equal(flat.fromCheckpoint('vision_tower.patch_embed.proj.weight'), 'vision_tower.patch_embed.proj.weight');
  const nested = tensorNaming('nested');
  assert.equal(nested.toCheckpoint('language_model.lm_head.weight'), 'language_model.lm_head.weight');
  assert.equal(nested.fromCheckpoint('language_model.lm_head.weight'), 'language_model.lm_head.weight');
});

test('the MTP layers are those numbered from num_hidden_layers, num_nextn_predict_layers of them', () => {
  const t = { num_hidden_layers: 61, num_nextn_predict_layers: 1 };
  assert.ok(isMtpTensor('language_model.model.layers.61.eh_proj.weight', t));
  assert.ok(isMtpTensor('language_model.model.layers.61.mlp.experts.0.up_proj.weight', t));
  assert.ok(!isMtpTensor('language_model.model.layers.60.mlp.experts.0.up_proj.weight', t));
  assert.ok(!isMtpTensor('language_model.model.layers.62.enorm.weight', t));
  assert.ok(!isMtpTensor('language_model.model.layers.61.enorm.weight', { ...t, num_nextn_predict_layers: 0 }));
});

test("Kimi K2.5's checkpoint names its projector mm_projector.{pre_norm, proj.0, proj.2}; every other vision name is Kimi-VL's", async () => {
  const { readFileSync } = await import('node:fs');
  const { parseModelConfig } = await import('./config.ts');
  const { checkpointTensors } = await import('./checkpoint.ts');
  const raw = JSON.parse(readFileSync(new URL('../../models/families/kimi-k2.5/config.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const naming = checkpointNaming(raw);
  const vision = checkpointTensors(parseModelConfig(raw, 'config.json')).filter((t) => !t.name.startsWith('language_model.'));
  const stored = new Map(vision.map((t) => [naming.toCheckpoint(t.name), t.shape]));
  // As the release's tensor list gives them (models/families/kimi-k2.5/SOURCE.md).
  assert.deepEqual(stored.get('mm_projector.pre_norm.weight'), [1152]);
  assert.deepEqual(stored.get('mm_projector.proj.0.weight'), [4608, 4608]);
  assert.deepEqual(stored.get('mm_projector.proj.0.bias'), [4608]);
  assert.deepEqual(stored.get('mm_projector.proj.2.weight'), [7168, 4608]);
  assert.deepEqual(stored.get('mm_projector.proj.2.bias'), [7168]);
  assert.deepEqual(stored.get('vision_tower.patch_embed.pos_emb.weight'), [64, 64, 1152]);
  assert.deepEqual(stored.get('vision_tower.encoder.blocks.26.wqkv.weight'), [3456, 1152]);
  assert.deepEqual(stored.get('vision_tower.encoder.blocks.26.mlp.fc0.weight'), [4304, 1152]);
  assert.equal([...stored.keys()].filter((n) => n.startsWith('multi_modal_projector.')).length, 0);
  assert.equal(stored.size, 3 + 27 * 12 + 2 + 6);
  for (const t of vision) assert.equal(naming.fromCheckpoint(naming.toCheckpoint(t.name)), t.name);
  // Kimi-VL's names are its own, and a flat config has no vision to rename.
  assert.equal(checkpointNaming({ text_config: {}, vision_config: { hidden_size: 32 } }).toCheckpoint('multi_modal_projector.linear_1.weight'), 'multi_modal_projector.linear_1.weight');
  assert.equal(checkpointNaming({ model_type: 'kimi_k2' }).layout, 'flat');
});

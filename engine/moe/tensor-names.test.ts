import test from 'node:test';
import assert from 'node:assert/strict';
import { isMtpTensor, tensorNaming } from './tensor-names.ts';

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

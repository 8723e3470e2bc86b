import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatTemplateOf, readCheckpointPromptFormat, specialTokensFromTokenizerConfig, unknownFamilyMessage } from './checkpoint-tokenizer.ts';
import { LoupeError } from '../errors.ts';
import { familyDir } from '../../testing/moe/published-checkpoint.ts';

const kimiVl = familyDir('kimi-vl-a3b');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const code = (c: string, message: RegExp) => (e: unknown) => e instanceof LoupeError && e.code === c && message.test(e.message);

test("Kimi-VL-A3B's special tokens keep the ids its tokenizer_config.json gives them, the other slots reserved", () => {
  const tokens = specialTokensFromTokenizerConfig(readJson(join(kimiVl, 'tokenizer_config.json')), 'tokenizer_config.json');
  assert.equal(Object.keys(tokens).length, 256);
  assert.equal(tokens['[BOS]'], 163584);
  assert.equal(tokens['<|im_end|>'], 163586);
  assert.equal(tokens['<|im_system|>'], 163594);
  assert.equal(tokens['<|im_middle|>'], 163601);
  assert.equal(tokens['<|media_start|>'], 163602);
  assert.equal(tokens['<|media_pad|>'], readJson(join(kimiVl, 'config.json')).media_placeholder_token_id);
  assert.equal(tokens['[PAD]'], 163839);
  assert.equal(tokens['<|reserved_token_163589|>'], 163589);
  assert.equal(tokens['<|media_begin|>'], undefined, "K2.5's name for the media opener is not Kimi-VL's");
});

test('a tokenizer_config.json without added tokens, or with a broken one, says to copy the file again', () => {
  for (const json of [{}, { added_tokens_decoder: {} }, null]) {
    assert.throws(() => specialTokensFromTokenizerConfig(json, 'x/tokenizer_config.json'), code('MODEL_CORRUPT', /x\/tokenizer_config\.json has no added_tokens_decoder.*Copy tokenizer_config\.json/));
  }
  assert.throws(() => specialTokensFromTokenizerConfig({ added_tokens_decoder: { abc: { content: '[BOS]' } } }, 'f'), code('MODEL_CORRUPT', /"abc" is not an id/));
  assert.throws(() => specialTokensFromTokenizerConfig({ added_tokens_decoder: { '5': {} } }, 'f'), code('MODEL_CORRUPT', /"5"/));
});

test("the chat template follows the checkpoint's family, as inspect decides it; the release's media marker must agree", () => {
  const nested = { text_config: {} };
  assert.equal(chatTemplateOf(readJson(join(kimiVl, 'config.json')), undefined, 'c'), 'kimi-vl');
  assert.equal(chatTemplateOf({ ...nested, model_type: 'kimi_k25' }, undefined, 'c'), 'kimi-k2.5');
  assert.equal(chatTemplateOf({ ...nested, architectures: ['KimiVLForConditionalGeneration'] }, undefined, 'c'), 'kimi-vl');
  assert.equal(chatTemplateOf({ ...nested, architectures: ['KimiK25ForConditionalGeneration'] }, undefined, 'c'), 'kimi-k2.5');
  // Kimi K2's template writes Kimi-VL's prompts; DeepSeek-V3's own template is rendered, when the checkpoint has one.
  assert.equal(chatTemplateOf({ model_type: 'kimi_k2' }, '{{ "<|media_start|>" }}', 'c'), 'kimi-vl');
  assert.equal(chatTemplateOf({ model_type: 'deepseek_v3' }, '{{ bos_token }}', 'c'), 'jinja');
  assert.equal(chatTemplateOf({ model_type: 'deepseek_v3' }, undefined, 'c'), undefined);
  // The template alone does not make a family.
  assert.equal(chatTemplateOf({}, '{{ "<|media_start|>" }}', 'c'), undefined);
  assert.equal(chatTemplateOf({ model_type: 'qwen2_vl', architectures: ['Qwen2VLForConditionalGeneration'] }, '<|vision_start|>', 'c'), undefined);
  assert.throws(() => chatTemplateOf({ ...nested, model_type: 'kimi_vl' }, '{{ "<|media_begin|>" }}', 'x/config.json'), code('MODEL_CORRUPT', /x\/config\.json says the model is kimi-vl, but its chat template opens images with <\|media_begin\|>.*same release/));
  assert.match(unknownFamilyMessage({ model_type: 'qwen2_vl' }, 'x'), /x: Loupe does not know this model's chat template \(model_type "qwen2_vl".*Kimi-VL \(model_type kimi_vl.*--tokens/);
});

test('a checkpoint without tokenizer_config.json has no prompt format to read; a bad file is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-prompt-format-'));
  try {
    assert.equal(readCheckpointPromptFormat(dir, { model_type: 'kimi_vl', text_config: {} }), undefined);
    // Without Kimi's tiktoken.model, added tokens are another tokenizer's: not read.
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ added_tokens_decoder: { '0': { content: '<s>' } } }));
    assert.deepEqual(readCheckpointPromptFormat(dir, { model_type: 'deepseek_v3' }), {});
    writeFileSync(join(dir, 'tiktoken.model'), 'IQ== 0\n');
    writeFileSync(join(dir, 'tokenizer_config.json'), '{ not json');
    assert.throws(() => readCheckpointPromptFormat(dir, { model_type: 'kimi_vl', text_config: {} }), code('MODEL_CORRUPT', /tokenizer_config\.json is not JSON/));
    // A caller that brings its own tokens needs only the family (and the template's own file, when it has one).
    writeFileSync(join(dir, 'chat_template.jinja'), readFileSync(join(kimiVl, 'chat_template.jinja')));
    assert.deepEqual(readCheckpointPromptFormat(dir, { model_type: 'kimi_vl', text_config: {} }, { specialTokens: false, chatTemplate: true }), { chatTemplate: 'kimi-vl' });
    writeFileSync(join(dir, 'tokenizer_config.json'), readFileSync(join(kimiVl, 'tokenizer_config.json')));
    // A family Loupe does not know: its tokens are still recorded, the template left out.
    assert.deepEqual(Object.keys(readCheckpointPromptFormat(dir, { model_type: 'qwen2' })!), ['specialTokens']);
    const format = readCheckpointPromptFormat(dir, { model_type: 'kimi_vl', text_config: {} })!;
    assert.equal(format.chatTemplate, 'kimi-vl');
    assert.equal(format.specialTokens!['<|media_pad|>'], 163605);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The HF tokenizer.json reader on a synthetic byte-level BPE file in DeepSeek-V3's shape
// (testing/moe/hf-tokenizer-json.ts): the same vocabulary through tiktoken must give the same ids.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeError } from '../errors.ts';
import { createHfTokenizer, loadHfTokenizer } from './hf-tokenizer.ts';
import { createTokenizer } from './tokenizer.ts';
import { buildHfTokenizer, deepseekChatTemplate } from '../../testing/moe/hf-tokenizer-json.ts';
import { TEST_CORPUS } from '../../testing/moe/test-vocabulary.ts';

const code = (c: string, message: RegExp) => (e: unknown) => e instanceof LoupeError && e.code === c && message.test(e.message);
const files = buildHfTokenizer({ size: 700, chatTemplate: await deepseekChatTemplate() });
const hf = createHfTokenizer(files.tokenizerJson, files.tokenizerConfig, 'tokenizer.json');
const tiktoken = createTokenizer({ ranks: files.ranks, pattern: files.pattern, specialTokens: {} });
test.after(() => tiktoken.free());

const texts = [
  TEST_CORPUS,
  "Hello, world!  \n\n  It's 1200px wide; they'RE here.",
  '设计图显示一个登录页面 🎨 café naïve — “quoted”',
  '<div className="card">\r\n\t<Button variant="primary">Sign up</Button>\r\n</div>',
  ' '.repeat(40) + 'x' + '\n'.repeat(5),
];

test('tokenizer.json encodes as the same vocabulary does through tiktoken, and decodes back to the text', () => {
  for (const text of texts) {
    const ids = hf.encode(text);
    assert.deepEqual(ids, tiktoken.encode(text), JSON.stringify(text.slice(0, 40)));
    assert.equal(hf.decode(ids), text);
    assert.deepEqual(Buffer.from(hf.decodeBytes(ids)), Buffer.from(text, 'utf8'));
  }
  assert.equal(hf.vocabSize, files.vocabSize);
});

test('streamed one token at a time, whole characters come out, and together they are the text', () => {
  const text = texts[2]!;
  const ids = hf.encode(text);
  const stream = hf.streamDecoder();
  const pieces = ids.map((id) => stream.push(id));
  assert.equal(pieces.join('') + stream.flush(), text);
  assert.ok(pieces.every((p) => !p.includes('\ufffd')), 'no half characters shown');
  assert.ok(ids.some((id) => hf.tokenBytes(id).length > 0 && new TextDecoder('utf-8', { fatal: false }).decode(hf.tokenBytes(id)).includes('\ufffd')), 'the text has tokens that end mid-character');
});

test("DeepSeek-V3's special tokens are known by name, read as specials only where allowed", () => {
  const user = files.specials['<｜User｜>']!;
  const assistant = files.specials['<｜Assistant｜>']!;
  assert.equal(hf.special('<｜User｜>'), user);
  assert.ok(hf.isSpecial(user) && !hf.isSpecial(hf.encode('a')[0]!));
  assert.equal(hf.tokenId('<｜Assistant｜>'), assistant);
  assert.equal(hf.tokenId(' the'), tiktoken.tokenId(' the'));
  assert.equal(hf.decode([user]), '<｜User｜>');
  assert.deepEqual(hf.encode('<｜User｜>Hi<｜Assistant｜>', { allowSpecial: true }), [user, ...tiktoken.encode('Hi'), assistant]);
  assert.deepEqual(hf.encode('<｜User｜>Hi', { allowSpecial: ['<｜User｜>'] }), [user, ...tiktoken.encode('Hi')]);
  // As plain text a special token cannot stay text in this library: refused, rather than a turn marker.
  assert.throws(() => hf.encode('say <｜Assistant｜> now'), code('INVALID_ARGUMENT', /"<｜Assistant｜>", a special token of tokenizer\.json; remove it/));
  assert.throws(() => hf.encode('<｜User｜><｜Assistant｜>', { allowSpecial: ['<｜User｜>'] }), code('INVALID_ARGUMENT', /<｜Assistant｜>/));
  assert.throws(() => hf.special('<|im_end|>'), code('MODEL_UNSUPPORTED', /no special token <\|im_end\|>/));
  assert.throws(() => hf.decode([hf.vocabSize + 5]), code('INVALID_ARGUMENT', /Token id \d+ is not in the vocabulary of tokenizer\.json/));
});

test('a tokenizer.json that is not byte-level BPE, or a file that is missing or not JSON, is refused saying what to do', () => {
  const wordPiece = { ...files.tokenizerJson, model: { type: 'WordPiece', vocab: { a: 0 } } };
  assert.throws(() => createHfTokenizer(wordPiece, {}, 'x/tokenizer.json'), code('MODEL_UNSUPPORTED', /x\/tokenizer\.json is not a byte-level BPE tokenizer \(model "WordPiece".*--backend openai/));
  const metaspace = { ...files.tokenizerJson, pre_tokenizer: { type: 'Metaspace' }, decoder: { type: 'Metaspace' } };
  assert.throws(() => createHfTokenizer(metaspace, {}, 'x/tokenizer.json'), code('MODEL_UNSUPPORTED', /pre-tokenizer "Metaspace"/));
  const dir = mkdtempSync(join(tmpdir(), 'loupe-hf-tokenizer-'));
  try {
    assert.throws(() => loadHfTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json')), code('MODEL_NOT_FOUND', /tokenizer\.json cannot be read \(ENOENT\)/));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(files.tokenizerJson));
    writeFileSync(join(dir, 'tokenizer_config.json'), '{ not json');
    assert.throws(() => loadHfTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json')), code('MODEL_CORRUPT', /tokenizer_config\.json is not JSON.*Copy it from the model's release again/));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(files.tokenizerConfig));
    assert.deepEqual(loadHfTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json')).encode(texts[1]!), hf.encode(texts[1]!));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a vocabulary of DeepSeek-V3's size (129 280 ids) opens, and encodes as before", () => {
  const json = files.tokenizerJson as { model: { vocab: Record<string, number> }; added_tokens: Array<{ id: number }> };
  const vocab = { ...json.model.vocab };
  const base = Object.keys(vocab).length;
  const size = 129_280 - json.added_tokens.length;
  // Filler tokens no merge makes: ids a real vocabulary has, unreachable here.
  for (let id = base; id < size; id++) vocab[`Ā${id}`] = id;
  const added = json.added_tokens.map((t, i) => ({ ...t, id: size + i }));
  const big = createHfTokenizer({ ...files.tokenizerJson, model: { ...json.model, vocab }, added_tokens: added }, files.tokenizerConfig, 'tokenizer.json');
  assert.equal(big.vocabSize, 129_280);
  assert.equal(big.special('<｜User｜>'), size + 3);
  assert.deepEqual(big.encode(texts[1]!), hf.encode(texts[1]!));
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeError } from '../errors.ts';
import {
  KIMI_PATTERN,
  createTokenizer,
  kimiSpecialTokens,
  loadTokenizer,
  specialTokensFromAddedTokens,
} from './tokenizer.ts';
import { buildTestVocabulary, writeTestTokenizer } from '../../testing/moe/test-vocabulary.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const code = (c: string) => (e: unknown) => e instanceof LoupeError && e.code === c;
const dir = await mkdtemp(join(tmpdir(), 'loupe-tokenizer-'));
const written = await writeTestTokenizer(dir, { size: 1000 });
const tok = await loadTokenizer({ ranksFile: join(dir, written.files.ranksFile), pattern: written.pattern, specialTokens: written.specialTokens });

const bytesLine = (b: number[] | Uint8Array, rank: number) => `${Buffer.from(b).toString('base64')} ${rank}\n`;
const singleBytes = Array.from({ length: 256 }, (_, b) => bytesLine([b], b)).join('');

const SAMPLES: Record<string, string> = {
  ascii: 'The quick brown fox jumps over the lazy dog. 0123456789 !@#$%^&*()_+-=[]{};\':",./<>?`~\\|',
  cjk: '设计图显示一个登录页面，包含导航栏。日本語のテキスト。한국어 텍스트',
  emoji: 'Ship it 🚀🔥 👍🏽 family 👨‍👩‍👧‍👦 flag 🇯🇵 keycap 1️⃣',
  combining: 'e\u0301 a\u0308 n\u0303 Z\u0351\u0322\u0334a\u0352\u0315lgo \u0915\u094d\u0937 (Devanagari) \u05e9\u05c1\u05b8',
  html: '<!DOCTYPE html>\n<html lang="en">\n  <body>\n    <button class="button button-primary" type="button">Sign up</button>\n  </body>\n</html>\n',
  css: ':root { --color-primary: #2563eb; }\n.card {\n\tdisplay: grid;\n\tgrid-template-columns: repeat(3, minmax(0, 1fr));\n}\n@media (max-width: 640px) { .card { gap: 8px } }\n',
  tsx: "export function Card({ title }: { title: string }) {\n  return <h2 className=\"mt-4 text-lg\">{title}</h2>;\n}\nconst xs = [1, 2, 3].map((x) => x ** 2);\n",
  whitespace: '   leading\t\ttabs\r\nwindows\n\n\n\nblank lines   \n trailing   \u00a0nbsp\u3000ideographic   ',
  mixed: "中文English混合 I'M don't WE'LL 12345 3.14159 naïve café",
};

test('text round-trips exactly through encode and decode', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    const ids = tok.encode(text);
    assert.equal(tok.decode(ids), text, name);
    assert.ok(ids.every((id) => id < written.rankCount), `${name}: plain text gives no special ids`);
  }
  assert.deepEqual(tok.encode(''), []);
  assert.equal(tok.decode([]), '');
});

test('learned merges make code shorter than its bytes', () => {
  const text = SAMPLES.html + SAMPLES.css + SAMPLES.tsx;
  const ids = tok.encode(text);
  assert.ok(ids.length < Buffer.byteLength(text) * 0.6, `${ids.length} tokens for ${Buffer.byteLength(text)} bytes`);
});

test("pre-tokenisation is Kimi's: Han apart from Latin, digits in threes, case-aware words", () => {
  // Each vocabulary has the merges that build a token across a boundary of Kimi's pattern, so
  // only the pattern keeps that token out of the result.
  const han = String.fromCodePoint(0x6587); // 文, UTF-8 e6 96 87
  const hanBytes = new TextEncoder().encode(han);
  const extra = ['12', '123', '1234', 'oW', 'loW', 'lloW', 'elloW', 'helloW'];
  const ranks =
    singleBytes +
    extra.map((t, i) => bytesLine(new TextEncoder().encode(t), 256 + i)).join('') +
    bytesLine(hanBytes.slice(0, 2), 264) +
    bytesLine(hanBytes, 265) +
    bytesLine([...hanBytes, 0x45], 266);
  const encodeWith = (pattern: string) => {
    const t = createTokenizer({ ranks, pattern, specialTokens: {} });
    try {
      return { digits: t.encode('1234'), han: t.encode(han + 'E'), camel: t.encode('helloWorld') };
    } finally {
      t.free();
    }
  };
  const codes = (s: string) => [...s].map((c) => c.charCodeAt(0));
  const kimi = encodeWith(KIMI_PATTERN);
  assert.deepEqual(kimi.digits, [257, 52]);
  assert.deepEqual(kimi.han, [265, 0x45]);
  assert.deepEqual(kimi.camel, [...codes('hello'), ...codes('World')]);
  // Patterns lacking one of those rules each build the token across the boundary.
  assert.deepEqual(encodeWith(String.raw`\p{N}+|\p{L}+|\s+|.`).digits, [258]);
  assert.deepEqual(encodeWith(String.raw`\p{N}{1,3}|\p{L}+|\s+|.`).han, [266]);
  assert.ok(encodeWith(String.raw`\p{Han}+|\p{N}{1,3}|\p{L}+|\s+|.`).camel.includes(263));
});

test('special tokens are recognised only where allowed', () => {
  const text = '[BOS]<|im_user|>user<|im_middle|>Hi<|im_end|>';
  const plain = tok.encode(text);
  assert.ok(plain.every((id) => !tok.isSpecial(id)), 'by default a special token text is only text');
  assert.equal(tok.decode(plain), text);

  const all = tok.encode(text, { allowSpecial: true });
  assert.deepEqual(all.filter((id) => tok.isSpecial(id)), ['[BOS]', '<|im_user|>', '<|im_middle|>', '<|im_end|>'].map((n) => tok.special(n)));
  assert.equal(tok.decode(all), text);
  assert.ok(all.length < plain.length);

  const some = tok.encode(text, { allowSpecial: ['<|im_end|>'] });
  assert.deepEqual(some.filter((id) => tok.isSpecial(id)), [tok.special('<|im_end|>')]);
  assert.equal(tok.decode(some), text);
  assert.deepEqual(tok.encode(text, { allowSpecial: [] }), plain);
  assert.throws(() => tok.encode(text, { allowSpecial: ['<|no_such|>'] }), code('MODEL_UNSUPPORTED'));
});

test("special ids follow Kimi's table, renumbered after the ranks", () => {
  const n = written.rankCount;
  assert.equal(n, 1000);
  assert.equal(tok.rankCount, n);
  assert.equal(tok.vocabSize, n + 256);
  assert.equal(tok.special('[BOS]'), n);
  assert.equal(tok.special('[EOS]'), n + 1);
  assert.equal(tok.special('<|im_end|>'), n + 2);
  assert.equal(tok.special('<|media_pad|>'), n + 21);
  assert.equal(tok.special('[PAD]'), n + 255);
  assert.throws(() => tok.special('<|media_start|>'), code('MODEL_UNSUPPORTED'));

  // With Kimi's real 163,584 ranks the table gives the ids of the published tokenizer_config.json.
  const real = kimiSpecialTokens(163584);
  const expected: Record<string, number> = {
    '[BOS]': 163584, '[EOS]': 163585, '<|im_end|>': 163586, '<|im_user|>': 163587, '<|im_assistant|>': 163588,
    '<|reserved_token_163589|>': 163589, '<|start_header_id|>': 163590, '<|end_header_id|>': 163591, '[EOT]': 163593,
    '<|im_system|>': 163594, '<|tool_calls_section_begin|>': 163595, '<|tool_call_end|>': 163599, '<|im_middle|>': 163601,
    '<|media_begin|>': 163602, '<|media_content|>': 163603, '<|media_end|>': 163604, '<|media_pad|>': 163605,
    '<think>': 163606, '</think>': 163607, '[UNK]': 163838, '[PAD]': 163839,
  };
  for (const [name, id] of Object.entries(expected)) assert.equal(real[name], id, name);
  assert.equal(Object.keys(real).length, 256);
  const vl = kimiSpecialTokens(163584, 'kimi-vl');
  assert.equal(vl['<|media_start|>'], 163602);
  assert.equal(vl['<think>'], undefined);
});

test("the specials read back from the package's tokenizer_config.json are the same table", async () => {
  const config = JSON.parse(await readFile(join(dir, written.files.tokenizerConfig), 'utf8'));
  assert.deepEqual(specialTokensFromAddedTokens(config.added_tokens_decoder, written.rankCount), written.specialTokens);
  assert.equal(config.bos_token, '[BOS]');
  // A config naming only some tokens gets the rest as reserved slots, as tokenization_kimi.py does.
  const sparse = specialTokensFromAddedTokens({ '10': { content: '[BOS]' } }, 10, 4);
  assert.deepEqual(sparse, { '[BOS]': 10, '<|reserved_token_11|>': 11, '<|reserved_token_12|>': 12, '<|reserved_token_13|>': 13 });
});

test('the stream decoder never emits a broken character, and adds up to decode(all)', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    const ids = tok.encode(text, { allowSpecial: true });
    const stream = tok.streamDecoder();
    const pieces = ids.map((id) => stream.push(id));
    pieces.push(stream.flush());
    for (const piece of pieces) {
      assert.ok(!piece.includes('\uFFFD'), `${name}: ${JSON.stringify(piece)}`);
      assert.ok(!LONE_SURROGATE.test(piece), `${name}: a piece ends inside a surrogate pair`);
    }
    assert.equal(pieces.join(''), tok.decode(ids), name);
    assert.equal(pieces.join(''), text, name);
  }
  // The small vocabulary splits CJK and emoji inside their UTF-8 bytes, so holding back really happens.
  const stream = tok.streamDecoder();
  const cjk = tok.encode('\u8bbe\u8ba1');
  assert.ok(cjk.length > 2);
  assert.equal(stream.push(cjk[0]), '');
  assert.equal(cjk.slice(1).map((id) => stream.push(id)).join('') + stream.flush(), '\u8bbe\u8ba1');
});

test('a stream cut inside a character ends with a replacement character, as decode does', () => {
  const ids = tok.encode('🚀');
  assert.ok(ids.length > 1);
  const cut = ids.slice(0, -1);
  const stream = tok.streamDecoder();
  const text = cut.map((id) => stream.push(id)).join('') + stream.flush();
  assert.equal(text, tok.decode(cut));
  assert.equal(text, '\uFFFD');
});

test('ids and tokens map both ways', () => {
  for (let id = 0; id < tok.rankCount; id++) assert.equal(tok.tokenId(tok.tokenBytes(id)), id);
  assert.deepEqual([...tok.tokenBytes(65)], [65]);
  assert.equal(tok.tokenId('A'), 65);
  assert.equal(tok.tokenId('<|im_end|>'), tok.special('<|im_end|>'));
  assert.equal(new TextDecoder().decode(tok.tokenBytes(tok.special('<|im_end|>'))), '<|im_end|>');
  assert.equal(tok.tokenId('no such token anywhere'), undefined);
  assert.ok(tok.isSpecial(tok.special('[EOS]')));
  assert.ok(!tok.isSpecial(65));
  assert.throws(() => tok.decode([tok.vocabSize]), code('INVALID_ARGUMENT'));
  assert.throws(() => tok.tokenBytes(-1), code('INVALID_ARGUMENT'));
});

test("long runs are cut where tokenization_kimi.py cuts them (25,000 characters)", () => {
  const run = 'a'.repeat(30_000);
  const ids = tok.encode(run);
  assert.deepEqual(ids, [...tok.encode('a'.repeat(25_000)), ...tok.encode('a'.repeat(5_000))]);
  assert.equal(tok.decode(ids), run);
  const spaced = ' '.repeat(26_000) + 'x' + '\u6587'.repeat(26_000);
  assert.equal(tok.decode(tok.encode(spaced)), spaced);
});

test('a missing rank file is MODEL_NOT_FOUND', async () => {
  await assert.rejects(loadTokenizer({ ranksFile: join(dir, 'absent.model'), pattern: KIMI_PATTERN, specialTokens: {} }), code('MODEL_NOT_FOUND'));
});

test('a corrupt rank file is MODEL_CORRUPT and names the line', async () => {
  const cases: Array<[string, RegExp]> = [
    [singleBytes.replace(/\n/, '\nnot-base64! 256\n'), /line 2: .*not base64/],
    [singleBytes + 'YWI= x\n', /line 257: rank "x"/],
    [singleBytes + 'YWI= 3\n', /line 257: rank 3 is already given at line 4/],
    [singleBytes + 'YWI=\n', /line 257: expected "<base64 bytes> <rank>"/],
    [singleBytes + 'QQ== 256\n', /line 257: the same bytes already have rank 65/],
    [singleBytes + 'YWI= 300\n', /skips rank 256/],
    [singleBytes.split('\n').filter((l) => !l.endsWith(' 7')).join('\n'), /skips rank 7/],
    ['', /has no ranks/],
  ];
  for (const [ranks, message] of cases) {
    const file = join(dir, 'corrupt.model');
    await writeFile(file, ranks);
    await assert.rejects(loadTokenizer({ ranksFile: file, pattern: KIMI_PATTERN, specialTokens: {} }), (e) => code('MODEL_CORRUPT')(e) && message.test((e as Error).message) && (e as Error).message.includes(file));
  }
  // Ranks 0..255 all present but not the single bytes: byte-level BPE cannot fall back.
  const noByte = Array.from({ length: 256 }, (_, b) => bytesLine(b === 0 ? [0, 0] : [b], b)).join('');
  assert.throws(() => createTokenizer({ ranks: noByte, pattern: KIMI_PATTERN, specialTokens: {} }), (e) => code('MODEL_CORRUPT')(e) && /single byte 0x00/.test((e as Error).message));
});

test('special tokens that collide with ranks or each other are MODEL_CORRUPT', () => {
  assert.throws(() => createTokenizer({ ranks: singleBytes, pattern: KIMI_PATTERN, specialTokens: { '[BOS]': 255 } }), (e) => code('MODEL_CORRUPT')(e) && /\[BOS\].*255.*BPE rank/.test((e as Error).message));
  assert.throws(() => createTokenizer({ ranks: singleBytes, pattern: KIMI_PATTERN, specialTokens: { '[BOS]': 256, '[EOS]': 256 } }), code('MODEL_CORRUPT'));
  assert.throws(() => createTokenizer({ ranks: singleBytes, pattern: KIMI_PATTERN, specialTokens: { '[BOS]': 2.5 } }), code('MODEL_CORRUPT'));
});

test('a pattern that does not compile is MODEL_UNSUPPORTED, and tokenizers made after it still work', () => {
  for (const pattern of ['(unclosed', '[z-a]', '']) {
    assert.throws(() => createTokenizer({ ranks: singleBytes, pattern, specialTokens: {}, source: 'tiny' }), (e) => e instanceof LoupeError && /pattern/.test(e.message));
  }
  const t = createTokenizer({ ranks: singleBytes, pattern: KIMI_PATTERN, specialTokens: { '[BOS]': 256 } });
  assert.deepEqual(t.encode('hi[BOS]', { allowSpecial: true }), [104, 105, 256]);
  t.free();
  assert.throws(() => t.encode('hi'), /freed/);
});

test('a tokenizer built from the vocabulary text equals the one loaded from its files', () => {
  const v = buildTestVocabulary({ size: 1000 });
  const fromText = createTokenizer({ ranks: v.ranks, pattern: v.pattern, specialTokens: v.specialTokens });
  for (const text of Object.values(SAMPLES)) assert.deepEqual(fromText.encode(text), tok.encode(text));
  fromText.free();
});

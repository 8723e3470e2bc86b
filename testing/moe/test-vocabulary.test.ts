import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KIMI_PATTERN, loadTokenizer } from '../../engine/moe/tokenizer.ts';
import { TEST_CORPUS, buildTestVocabulary, writeTestTokenizer } from './test-vocabulary.ts';

test('the vocabulary is the 256 bytes, then merges up to the size asked', () => {
  for (const size of [256, 512, 1000]) {
    const v = buildTestVocabulary({ size });
    const lines = v.ranks.trimEnd().split('\n');
    assert.equal(lines.length, size);
    assert.equal(v.rankCount, size);
    assert.equal(v.vocabSize, size + 256);
    lines.slice(0, 256).forEach((line, b) => assert.equal(line, `${Buffer.from([b]).toString('base64')} ${b}`));
    const merged = lines.slice(256).map((l) => Buffer.from(l.split(' ')[0], 'base64'));
    assert.ok(merged.every((t) => t.length >= 2));
    assert.equal(new Set(lines.map((l) => l.split(' ')[0])).size, size, 'each token once');
    assert.equal(v.pattern, KIMI_PATTERN);
    assert.equal(v.specialTokens['[BOS]'], size);
  }
});

test('the same size gives the same file, and what it learns comes from its corpus', () => {
  assert.equal(buildTestVocabulary({ size: 700 }).ranks, buildTestVocabulary({ size: 700 }).ranks);
  const learned = (corpus?: string) =>
    buildTestVocabulary({ size: 400, corpus }).ranks.trimEnd().split('\n').slice(256).map((l) => Buffer.from(l.split(' ')[0], 'base64').toString('utf8'));
  const html = learned();
  assert.ok(html.includes(' class') || html.includes('class'), 'common markup becomes tokens');
  const other = learned('zebra zebra zebra quokka quokka quokka '.repeat(20));
  assert.ok(other.includes(' zebra') && other.includes(' quokka'));
  // A corpus with nothing left to merge stops early rather than inventing tokens.
  assert.equal(buildTestVocabulary({ size: 1000, corpus: 'ab ab' }).rankCount, 256 + 2); // "ab", " ab"
  assert.throws(() => buildTestVocabulary({ size: 100 }), RangeError);
  assert.ok(Buffer.byteLength(TEST_CORPUS) > 3000);
});

test('writeTestTokenizer writes a package tokenizer that loads', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-test-vocab-'));
  const out = await writeTestTokenizer(join(dir, 'nested', 'model'), { size: 600 });
  assert.deepEqual(out.files, { ranksFile: 'tiktoken.model', tokenizerConfig: 'tokenizer_config.json' });
  assert.equal(out.vocabSize, 856);
  const ranks = await readFile(join(dir, 'nested', 'model', out.files.ranksFile), 'utf8');
  assert.equal(ranks, buildTestVocabulary({ size: 600 }).ranks);
  const config = JSON.parse(await readFile(join(dir, 'nested', 'model', out.files.tokenizerConfig), 'utf8'));
  assert.deepEqual(config.added_tokens_decoder['602'], { content: '<|im_end|>', lstrip: false, normalized: false, rstrip: false, single_word: false, special: true });
  assert.equal(Object.keys(config.added_tokens_decoder).length, 256);
  const tok = await loadTokenizer({ ranksFile: join(dir, 'nested', 'model', out.files.ranksFile), pattern: out.pattern, specialTokens: out.specialTokens });
  assert.equal(tok.vocabSize, out.vocabSize);
  assert.equal(tok.decode(tok.encode('<button class="primary">Go</button>')), '<button class="primary">Go</button>');
  tok.free();
  const vl = await writeTestTokenizer(join(dir, 'vl'), { size: 300, table: 'kimi-vl' });
  assert.equal(vl.specialTokens['<|media_start|>'], 318);
});

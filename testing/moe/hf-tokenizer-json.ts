// A synthetic Hugging Face tokenizer.json in the shape DeepSeek-V3 ships (byte-level BPE: a Split
// pre-tokenizer then ByteLevel without its own regex, a ByteLevel decoder, added special tokens,
// a tokenizer_config.json with bos/eos and the chat template). DeepSeek-V3's own 7.8 MB file was
// not found to copy; this one is made from the test vocabulary (test-vocabulary.ts), its ranks as
// the BPE vocabulary and merges, Kimi's pattern as the Split regex, so that the same text encodes
// to the same ids here and through tiktoken: two implementations checking each other.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildTestVocabulary } from './test-vocabulary.ts';

/** DeepSeek-V3's special tokens (tokenizer_config.json's names), numbered after the vocabulary here. */
export const DEEPSEEK_SPECIALS = [
  '<｜begin▁of▁sentence｜>',
  '<｜end▁of▁sentence｜>',
  '<｜▁pad▁｜>',
  '<｜User｜>',
  '<｜Assistant｜>',
  '<｜tool▁calls▁begin｜>',
  '<｜tool▁calls▁end｜>',
  '<｜tool▁call▁begin｜>',
  '<｜tool▁call▁end｜>',
  '<｜tool▁sep｜>',
  '<｜tool▁outputs▁begin｜>',
  '<｜tool▁outputs▁end｜>',
  '<｜tool▁output▁begin｜>',
  '<｜tool▁output▁end｜>',
] as const;

/** GPT-2's byte → printable character table, which byte-level BPE files spell their tokens in. */
function bytesToUnicode(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : next++));
}

export interface HfTokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** The same vocabulary in tiktoken's format (test-vocabulary.ts), and its pattern. */
  ranks: string;
  pattern: string;
  vocabSize: number;
  specials: Record<string, number>;
}

export function buildHfTokenizer(options: { size: number; chatTemplate: string }): HfTokenizerFiles {
  const vocabulary = buildTestVocabulary({ size: options.size });
  const charOf = bytesToUnicode();
  const spell = (bytes: Uint8Array) => Array.from(bytes, (b) => charOf[b]).join('');
  const tokens = vocabulary.ranks
    .trim()
    .split('\n')
    .map((line) => spell(Buffer.from(line.split(' ')[0]!, 'base64')));
  const rank = new Map(tokens.map((t, i) => [t, i]));
  // Every split of a token into two earlier tokens is a merge, ordered by the token's rank: BPE
  // by merge priority then joins pieces exactly as tiktoken's lowest-rank-first does.
  const merges: Array<[number, number, number]> = [];
  tokens.forEach((token, r) => {
    const chars = Array.from(token);
    for (let i = 1; i < chars.length; i++) {
      const left = rank.get(chars.slice(0, i).join(''));
      const right = rank.get(chars.slice(i).join(''));
      if (left !== undefined && right !== undefined && left < r && right < r) merges.push([r, left, right]);
    }
  });
  merges.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
  const specials = Object.fromEntries(DEEPSEEK_SPECIALS.map((content, i) => [content, tokens.length + i]));
  const added = (content: string) => ({ __type: 'AddedToken', content, lstrip: false, normalized: true, rstrip: false, single_word: false });
  return {
    tokenizerJson: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: DEEPSEEK_SPECIALS.map((content) => ({ id: specials[content], content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true })),
      normalizer: null,
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: vocabulary.pattern }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
        ],
      },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: DEEPSEEK_SPECIALS[0], type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ SpecialToken: { id: DEEPSEEK_SPECIALS[0], type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { [DEEPSEEK_SPECIALS[0]]: { id: DEEPSEEK_SPECIALS[0], ids: [specials[DEEPSEEK_SPECIALS[0]]], tokens: [DEEPSEEK_SPECIALS[0]] } },
      },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
        merges: merges.map(([, l, r]) => `${tokens[l]} ${tokens[r]}`),
      },
    },
    tokenizerConfig: {
      add_bos_token: true,
      add_eos_token: false,
      bos_token: added(DEEPSEEK_SPECIALS[0]),
      eos_token: added(DEEPSEEK_SPECIALS[1]),
      pad_token: added(DEEPSEEK_SPECIALS[2]),
      clean_up_tokenization_spaces: false,
      legacy: true,
      model_max_length: 131072,
      sp_model_kwargs: {},
      unk_token: null,
      tokenizer_class: 'LlamaTokenizerFast',
      chat_template: options.chatTemplate,
    },
    ranks: vocabulary.ranks,
    pattern: vocabulary.pattern,
    vocabSize: tokens.length + DEEPSEEK_SPECIALS.length,
    specials,
  };
}

/** DeepSeek-V3's published chat template (models/families/deepseek-v3/chat_template.jinja). */
export async function deepseekChatTemplate(): Promise<string> {
  return readFile(new URL('../../models/families/deepseek-v3/chat_template.jinja', import.meta.url), 'utf8');
}

/** Writes tokenizer.json and tokenizer_config.json into `dir`, as a DeepSeek-V3 checkpoint ships them. */
export async function writeHfTokenizer(dir: string, options: { size: number }): Promise<HfTokenizerFiles> {
  const files = buildHfTokenizer({ size: options.size, chatTemplate: await deepseekChatTemplate() });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(files.tokenizerJson, null, 2) + '\n');
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(files.tokenizerConfig, null, 2) + '\n');
  return files;
}

// A Hugging Face tokenizer.json (byte-level BPE, as DeepSeek-V3 ships it) behind Loupe's Tokenizer
// interface. The encoding itself runs in @huggingface/tokenizers (the tokenizer of transformers.js:
// its pre-tokenizer regexes, merges and added tokens as the Rust `tokenizers` crate reads them);
// here are only what the engine needs beside it: the special tokens by name, each token's bytes
// (for streaming text that may end mid-character) and the refusals that say what is wrong.
import { readFileSync } from 'node:fs';
import { Tokenizer as HfTokenizerCore } from '@huggingface/tokenizers';
import { LoupeError } from '../errors.ts';
import { TokenStreamDecoder, type EncodeOptions, type Tokenizer } from './tokenizer.ts';

type Json = Record<string, unknown>;

function isByteLevel(part: unknown): boolean {
  const p = part as { type?: unknown; pretokenizers?: unknown[]; decoders?: unknown[] } | null;
  if (!p) return false;
  if (p.type === 'ByteLevel') return true;
  return p.type === 'Sequence' && [...(p.pretokenizers ?? []), ...(p.decoders ?? [])].some(isByteLevel);
}

/** The byte-level decoder's character → byte table, from the tokenizer's own decoder (alone or in a Sequence). */
function byteTable(decoder: unknown): Map<string, number> | undefined {
  const d = decoder as { byte_decoder?: Record<string, number | string>; decoders?: unknown[] } | null;
  // The library keeps the bytes as the strings of their numbers.
  if (d?.byte_decoder) return new Map(Object.entries(d.byte_decoder).map(([char, byte]) => [char, Number(byte)]));
  return d?.decoders?.map(byteTable).find((table) => table !== undefined);
}

/** The text of a tokenizer_config.json token entry, written either as a string or as { content }. */
export function tokenText(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  const content = (entry as { content?: unknown } | null)?.content;
  return typeof content === 'string' ? content : undefined;
}

/** A tokenizer file's JSON; a missing or broken file is named, with what to do. */
export function readTokenizerJson(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LoupeError(code === 'ENOENT' ? 'MODEL_NOT_FOUND' : 'MODEL_CORRUPT', `${file} cannot be read (${code ?? String(e)}). Copy it from the model's release again.`, { cause: e });
  }
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new LoupeError('MODEL_CORRUPT', `${file} is not JSON (${(e as Error).message}). Copy it from the model's release again.`, { cause: e });
  }
}

/** Loads tokenizer.json and its tokenizer_config.json (both as the release ships them). */
export function loadHfTokenizer(tokenizerJson: string, tokenizerConfig: string): Tokenizer {
  return createHfTokenizer(readTokenizerJson(tokenizerJson), readTokenizerJson(tokenizerConfig), tokenizerJson);
}

/**
 * The same from parsed files; `source` names tokenizer.json in errors. Only byte-level BPE is
 * taken: its tokens are byte strings, so a token's bytes are exact and streamed text is whole
 * characters; other models (WordPiece, Unigram, SentencePiece byte fallback) are refused.
 */
export function createHfTokenizer(json: Json, config: Json, source: string): Tokenizer {
  const model = json.model as { type?: unknown; vocab?: unknown } | undefined;
  if (model?.type !== 'BPE' || !isByteLevel(json.pre_tokenizer) || !isByteLevel(json.decoder)) {
    throw new LoupeError(
      'MODEL_UNSUPPORTED',
      `${source} is not a byte-level BPE tokenizer (model ${JSON.stringify(model?.type)}, pre-tokenizer ${JSON.stringify((json.pre_tokenizer as Json | null)?.type)}); Loupe reads byte-level BPE (DeepSeek-V3's) and Kimi's tiktoken.model. Use the tokenizer.json of the model's release, or serve this model with a model server (--backend openai).`,
    );
  }
  let core: HfTokenizerCore;
  try {
    core = new HfTokenizerCore(json, config);
  } catch (e) {
    throw new LoupeError('MODEL_CORRUPT', `${source} cannot be read as a tokenizer (${(e as Error).message}). Copy tokenizer.json from the model's release again.`, { cause: e });
  }
  const byteOf = byteTable(core.decoder)!; // there, since the decoder is byte-level (checked above)
  const charOf = new Map(Array.from(byteOf, ([char, byte]) => [byte, char]));
  const vocab = core.get_vocab(true);
  const added = core.get_added_tokens_decoder();
  const specials = new Map<string, number>();
  for (const [id, token] of added) if (token.special) specials.set(token.content, id);
  // A loop, not Math.max(...ids): a real vocabulary (129 280 ids) is past what a call takes as arguments.
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  const utf8 = new TextEncoder();

  const checkId = (id: number) => {
    if (!Number.isInteger(id) || id < 0 || core.id_to_token(id) === undefined) {
      throw new LoupeError('INVALID_ARGUMENT', `Token id ${id} is not in the vocabulary of ${source} (ids 0..${vocabSize - 1}).`);
    }
  };
  const tokenBytes = (id: number): Uint8Array => {
    checkId(id);
    const text = core.id_to_token(id)!;
    if (added.has(id)) return utf8.encode(text);
    return Uint8Array.from(Array.from(text, (c: string) => byteOf.get(c)!));
  };
  const decodeBytes = (ids: Iterable<number>): Uint8Array => Buffer.concat(Array.from(ids, (id) => tokenBytes(id)));
  const special = (name: string): number => {
    const id = specials.get(name);
    if (id === undefined) throw new LoupeError('MODEL_UNSUPPORTED', `The tokenizer of ${source} has no special token ${name}.`);
    return id;
  };

  return {
    vocabSize,
    specials,
    special,
    encode(text: string, options: EncodeOptions = {}) {
      const allow = options.allowSpecial ?? false;
      // The library always reads added tokens' text as those tokens, so text that must stay text
      // is refused where it holds one: it would otherwise be a turn marker the user never typed.
      if (allow !== true) {
        const allowed = new Set(allow === false ? [] : allow);
        for (const [, token] of added) {
          if (!allowed.has(token.content) && text.includes(token.content)) {
            throw new LoupeError('INVALID_ARGUMENT', `The text holds ${JSON.stringify(token.content)}, a special token of ${source}; remove it from the message (this tokenizer cannot keep it as plain text).`);
          }
        }
      }
      return core.encode(text, { add_special_tokens: false }).ids;
    },
    decode(ids) {
      return new TextDecoder('utf-8').decode(decodeBytes(ids));
    },
    decodeBytes,
    tokenBytes,
    tokenId(token) {
      if (typeof token === 'string' && specials.has(token)) return specials.get(token);
      const bytes = typeof token === 'string' ? utf8.encode(token) : token;
      return vocab.get(Array.from(bytes, (b) => charOf.get(b)!).join(''));
    },
    isSpecial(id) {
      return added.get(id)?.special === true;
    },
    streamDecoder() {
      return new TokenStreamDecoder(tokenBytes);
    },
    free() {},
  };
}

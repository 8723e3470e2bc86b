// The model's tokenizer: byte-level BPE in tiktoken's format (a rank file of "<base64 bytes> <rank>"
// lines, a pre-tokenisation regex, special tokens numbered after the ranks), as Kimi K2 / K2.5 /
// Kimi-VL ship it (`tiktoken.model` + `tokenization_kimi.py`). The BPE itself runs in `tiktoken`,
// the WASM build of OpenAI's Rust core: its regex engine (fancy-regex) takes Kimi's pattern verbatim,
// class intersections (`&&`) and `(?i:…)` included, which JavaScript's RegExp in Node 20 does not.
//
// The WASM core aborts (a Rust panic surfaces as `RuntimeError: unreachable`) on a malformed rank
// line, a text byte with no single-byte token, or an unknown id, and it accepts bad base64 silently.
// So everything it is given is checked here first, and the errors say which file and line is wrong.
import { readFile } from 'node:fs/promises';
import { Tiktoken } from 'tiktoken/lite';
import { LoupeError } from '../errors.ts';

/** Kimi's `TikTokenTokenizer.pat_str` (tokenization_kimi.py), joined exactly as upstream joins it. */
export const KIMI_PATTERN = [
  String.raw`[\p{Han}]+`,
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]*[\p{Ll}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]+[\p{Ll}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
  String.raw`\p{N}{1,3}`,
  String.raw` ?[^\s\p{L}\p{N}]+[\r\n]*`,
  String.raw`\s*[\r\n]+`,
  String.raw`\s+(?!\S)`,
  String.raw`\s+`,
].join('|');

/** Kimi reserves this many ids after the last rank for special tokens (163584 ranks + 256 = 163840). */
export const KIMI_SPECIAL_SLOTS = 256;

/** Named special tokens of Kimi K2 / K2.5, as offsets from the first special id (the rank count). */
const KIMI_K25_NAMED: ReadonlyArray<readonly [string, number]> = [
  ['[BOS]', 0],
  ['[EOS]', 1],
  ['<|im_end|>', 2],
  ['<|im_user|>', 3],
  ['<|im_assistant|>', 4],
  ['<|start_header_id|>', 6],
  ['<|end_header_id|>', 7],
  ['[EOT]', 9],
  ['<|im_system|>', 10],
  ['<|tool_calls_section_begin|>', 11],
  ['<|tool_calls_section_end|>', 12],
  ['<|tool_call_begin|>', 13],
  ['<|tool_call_argument_begin|>', 14],
  ['<|tool_call_end|>', 15],
  ['<|im_middle|>', 17],
  ['<|media_begin|>', 18],
  ['<|media_content|>', 19],
  ['<|media_end|>', 20],
  ['<|media_pad|>', 21],
  ['<think>', 22],
  ['</think>', 23],
  ['[UNK]', 254],
  ['[PAD]', 255],
];

export type KimiTokenTable = 'kimi-k2.5' | 'kimi-vl';

/**
 * Kimi's special-token table for a vocabulary of `rankCount` ranks: the named tokens at their
 * offsets, every other slot `<|reserved_token_{id}|>` as tokenization_kimi.py fills them.
 * Kimi-VL names the media opener `<|media_start|>` where K2 / K2.5 name the same slot
 * `<|media_begin|>`, and has no `<think>` tokens (its Thinking model writes its own markers).
 */
export function kimiSpecialTokens(rankCount: number, table: KimiTokenTable = 'kimi-k2.5'): Record<string, number> {
  const named = new Map<number, string>();
  for (const [name, offset] of KIMI_K25_NAMED) {
    if (table === 'kimi-vl' && (name === '<think>' || name === '</think>')) continue;
    named.set(rankCount + offset, table === 'kimi-vl' && name === '<|media_begin|>' ? '<|media_start|>' : name);
  }
  const out: Record<string, number> = {};
  for (let id = rankCount; id < rankCount + KIMI_SPECIAL_SLOTS; id++) {
    out[named.get(id) ?? `<|reserved_token_${id}|>`] = id;
  }
  return out;
}

/**
 * The special tokens as a Hugging Face `tokenizer_config.json` declares them (`added_tokens_decoder`:
 * id → { content }), filled up to Kimi's 256 slots the way tokenization_kimi.py does. This is how a
 * converter reads a real checkpoint's specials.
 */
export function specialTokensFromAddedTokens(
  addedTokensDecoder: Record<string, { content?: unknown }>,
  rankCount: number,
  slots = KIMI_SPECIAL_SLOTS,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (let id = rankCount; id < rankCount + slots; id++) {
    const content = addedTokensDecoder[String(id)]?.content;
    out[typeof content === 'string' && content !== '' ? content : `<|reserved_token_${id}|>`] = id;
  }
  return out;
}

export interface TokenizerSource {
  /** Path of the rank file (`tiktoken.model`). */
  ranksFile: string;
  /** The pre-tokenisation regex, in tiktoken's (Rust fancy-regex) syntax. */
  pattern: string;
  /** Special token text → id; ids must come after the ranks. */
  specialTokens: Record<string, number>;
}

export interface EncodeOptions {
  /**
   * Which special-token texts in `text` become their special ids: `true` for all, a list for some.
   * Anything not allowed is encoded as the plain text it is, so text from a user or a web page
   * can never forge a turn boundary.
   */
  allowSpecial?: boolean | readonly string[];
}

/** What the engine needs of a tokenizer: Kimi's tiktoken here, or an HF tokenizer.json (hf-tokenizer.ts). */
export interface Tokenizer {
  /** Ids 0..vocabSize-1 (ranks and specials; Kimi: 163840). */
  readonly vocabSize: number;
  /** Special token text → id. */
  readonly specials: ReadonlyMap<string, number>;
  /** The id of a special token, by its text (e.g. `<|im_end|>`); a clear error when the model lacks it. */
  special(name: string): number;
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: Iterable<number>): string;
  decodeBytes(ids: Iterable<number>): Uint8Array;
  /** The bytes a token stands for (a special token: the UTF-8 of its text). */
  tokenBytes(id: number): Uint8Array;
  /** The token whose bytes are exactly these (a string is taken as its UTF-8); specials are matched by text. */
  tokenId(token: string | Uint8Array): number | undefined;
  isSpecial(id: number): boolean;
  /** A decoder for ids arriving one at a time (see TokenStreamDecoder). */
  streamDecoder(): TokenStreamDecoder;
  /** Releases the WASM memory; the tokenizer is unusable after. */
  free(): void;
}

export interface KimiTokenizer extends Tokenizer {
  /** Number of BPE ranks; specials start here in Kimi's layout. */
  readonly rankCount: number;
  readonly pattern: string;
}

/**
 * Turns ids arriving one at a time into text that is safe to print: a token may end in the middle
 * of a multi-byte UTF-8 character (Kimi splits CJK and emoji across tokens), so the incomplete tail
 * is held back until the bytes that finish it arrive. The concatenation of everything `push`
 * returns, followed by `flush()`, equals `decode(allIds)`.
 */
export class TokenStreamDecoder {
  #utf8 = new TextDecoder('utf-8');
  constructor(private readonly bytesOf: (id: number) => Uint8Array) {}

  /** Text completed by this token ('' while a character is still incomplete). */
  push(id: number): string {
    // TextDecoder's streaming mode keeps an unfinished sequence for the next call and turns
    // invalid bytes into U+FFFD exactly as a one-shot decode of all bytes would.
    return this.#utf8.decode(this.bytesOf(id), { stream: true });
  }

  /** Whatever is still held back, at the end of the stream (U+FFFD for a truncated character). */
  flush(): string {
    return this.#utf8.decode();
  }
}

// tokenization_kimi.py encodes in slices: at most 400,000 characters, and no run of more than 25,000
// whitespace or non-whitespace characters (tiktoken issue 195: the regex backtracks without bound).
// The slice points change the tokens at those points, so they are reproduced exactly, in code points
// as Python counts them, with Python's `str.isspace`.
const MAX_ENCODE_CHARS = 400_000;
const MAX_RUN_CHARS = 25_000;
const PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

function kimiSlices(text: string): string[] {
  if (text.length <= MAX_RUN_CHARS) return [text]; // UTF-16 length ≥ code points: nothing to split
  const chars = Array.from(text);
  const out: string[] = [];
  for (let start = 0; start < chars.length; start += MAX_ENCODE_CHARS) {
    const chunk = chars.slice(start, start + MAX_ENCODE_CHARS);
    let sliceStart = 0;
    let runLength = 0;
    let runIsSpace = chunk.length > 0 && PY_SPACE.test(chunk[0]);
    for (let i = 0; i < chunk.length; i++) {
      const isSpace = PY_SPACE.test(chunk[i]);
      if (isSpace !== runIsSpace) {
        runLength = 1;
        runIsSpace = isSpace;
      } else if (++runLength > MAX_RUN_CHARS) {
        out.push(chunk.slice(sliceStart, i).join(''));
        sliceStart = i;
        runLength = 1;
      }
    }
    out.push(chunk.slice(sliceStart).join(''));
  }
  return out;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

interface ParsedRanks {
  /** base64 of each rank's bytes, indexed by rank. */
  tokens: string[];
}

function parseRanks(text: string, source: string): ParsedRanks {
  const corrupt = (line: number, why: string) =>
    new LoupeError('MODEL_CORRUPT', `The tokenizer rank file ${source} is corrupt at line ${line}: ${why}.`);
  const tokens: string[] = [];
  const lineOfRank = new Map<number, number>();
  const rankOfToken = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '') continue;
    const fields = line.split(' ');
    if (fields.length !== 2) throw corrupt(i + 1, `expected "<base64 bytes> <rank>", found ${JSON.stringify(line.slice(0, 80))}`);
    const [b64, rankText] = fields;
    if (b64 === '' || !BASE64.test(b64)) throw corrupt(i + 1, `${JSON.stringify(b64.slice(0, 40))} is not base64`);
    if (!/^\d+$/.test(rankText)) throw corrupt(i + 1, `rank ${JSON.stringify(rankText)} is not a whole number`);
    const rank = Number(rankText);
    if (!Number.isSafeInteger(rank)) throw corrupt(i + 1, `rank ${rankText} is too large`);
    const earlierLine = lineOfRank.get(rank);
    if (earlierLine !== undefined) throw corrupt(i + 1, `rank ${rank} is already given at line ${earlierLine}`);
    const earlierRank = rankOfToken.get(b64);
    if (earlierRank !== undefined) throw corrupt(i + 1, `the same bytes already have rank ${earlierRank}`);
    lineOfRank.set(rank, i + 1);
    rankOfToken.set(b64, rank);
    tokens[rank] = b64;
  }
  if (lineOfRank.size === 0) throw new LoupeError('MODEL_CORRUPT', `The tokenizer rank file ${source} has no ranks.`);
  // Ids are ranks, and specials start after them: a gap would be an id with no bytes.
  if (tokens.length !== lineOfRank.size) {
    const missing = tokens.findIndex((t) => t === undefined);
    throw new LoupeError('MODEL_CORRUPT', `The tokenizer rank file ${source} skips rank ${missing}; ranks must run 0..${lineOfRank.size - 1}.`);
  }
  // Byte-level BPE must be able to fall back to single bytes, or the core aborts on unseen text.
  for (let byte = 0; byte < 256; byte++) {
    if (!rankOfToken.has(Buffer.from([byte]).toString('base64'))) {
      throw new LoupeError('MODEL_CORRUPT', `The tokenizer rank file ${source} has no token for the single byte 0x${byte.toString(16).padStart(2, '0')}; every byte needs one.`);
    }
  }
  return { tokens };
}

function checkSpecials(specialTokens: Record<string, number>, rankCount: number, source: string): Map<string, number> {
  const byId = new Map<number, string>();
  const specials = new Map<string, number>();
  for (const [name, id] of Object.entries(specialTokens)) {
    if (name === '') throw new LoupeError('MODEL_CORRUPT', `The special tokens of ${source} include an empty name.`);
    if (!Number.isSafeInteger(id) || id < 0) throw new LoupeError('MODEL_CORRUPT', `The special token ${name} of ${source} has the id ${String(id)}, not a whole number.`);
    if (id < rankCount) throw new LoupeError('MODEL_CORRUPT', `The special token ${name} of ${source} has the id ${id}, which is a BPE rank (ranks run 0..${rankCount - 1}).`);
    const other = byId.get(id);
    if (other !== undefined) throw new LoupeError('MODEL_CORRUPT', `The special tokens ${other} and ${name} of ${source} share the id ${id}.`);
    byId.set(id, name);
    specials.set(name, id);
  }
  return specials;
}

/** Loads a tokenizer from a model package's rank file, pattern and special tokens. */
export async function loadTokenizer(source: TokenizerSource): Promise<KimiTokenizer> {
  let ranks: string;
  try {
    ranks = await readFile(source.ranksFile, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LoupeError('MODEL_NOT_FOUND', `The tokenizer rank file ${source.ranksFile} does not exist.`, { cause: e });
    throw new LoupeError('MODEL_CORRUPT', `The tokenizer rank file ${source.ranksFile} cannot be read (${code ?? String(e)}).`, { cause: e });
  }
  return createTokenizer({ ranks, pattern: source.pattern, specialTokens: source.specialTokens, source: source.ranksFile });
}

/** The same from the rank file's text; `source` names it in errors. */
export function createTokenizer(input: { ranks: string; pattern: string; specialTokens: Record<string, number>; source?: string }): KimiTokenizer {
  const source = input.source ?? 'the tokenizer';
  const { tokens } = parseRanks(input.ranks, source);
  const rankCount = tokens.length;
  const specials = checkSpecials(input.specialTokens, rankCount, source);
  if (input.pattern === '') throw new LoupeError('MODEL_CORRUPT', `The tokenizer pattern of ${source} is empty.`);

  let core: Tiktoken;
  try {
    core = new Tiktoken(input.ranks, Object.fromEntries(specials), input.pattern);
  } catch (e) {
    // The ranks and specials were checked above, so what the core can still reject is the regex.
    // (Its abort leaves the WASM module usable: tiktoken keeps no state across constructors.)
    throw new LoupeError('MODEL_UNSUPPORTED', `The tokenizer pattern of ${source} does not compile as a tiktoken (fancy-regex) pattern: ${JSON.stringify(input.pattern.slice(0, 120))}.`, { cause: e });
  }

  const specialById = new Map<number, string>();
  for (const [name, id] of specials) specialById.set(id, name);
  const vocabSize = Math.max(rankCount - 1, ...specials.values()) + 1;
  const utf8 = new TextEncoder();
  let rankOfToken: Map<string, number> | undefined; // built on first reverse lookup
  let freed = false;

  const special = (name: string): number => {
    const id = specials.get(name);
    if (id === undefined) throw new LoupeError('MODEL_UNSUPPORTED', `The tokenizer of ${source} has no special token ${name}.`);
    return id;
  };
  const live = () => {
    if (freed) throw new Error('The tokenizer was freed.');
    return core;
  };
  const checkId = (id: number) => {
    if (!Number.isInteger(id) || id < 0 || (id >= rankCount && !specialById.has(id))) {
      throw new LoupeError('INVALID_ARGUMENT', `Token id ${id} is not in the vocabulary (ranks 0..${rankCount - 1} and ${specials.size} special tokens).`);
    }
  };
  const tokenBytes = (id: number): Uint8Array => {
    checkId(id);
    return id < rankCount ? Buffer.from(tokens[id], 'base64') : utf8.encode(specialById.get(id)!);
  };
  const decodeBytes = (ids: Iterable<number>): Uint8Array => {
    const array = Uint32Array.from(ids);
    for (const id of array) checkId(id);
    return live().decode(array);
  };

  return {
    vocabSize,
    rankCount,
    pattern: input.pattern,
    specials,
    special,
    encode(text, options = {}) {
      const allow = options.allowSpecial ?? false;
      if (Array.isArray(allow)) for (const name of allow) special(name);
      const out: number[] = [];
      for (const slice of kimiSlices(text)) {
        const ids =
          allow === true ? live().encode(slice, 'all')
          : allow === false || (allow as readonly string[]).length === 0 ? live().encode_ordinary(slice)
          : live().encode(slice, [...(allow as readonly string[])], []);
        for (const id of ids) out.push(id);
      }
      return out;
    },
    decode(ids) {
      return new TextDecoder('utf-8').decode(decodeBytes(ids));
    },
    decodeBytes,
    tokenBytes,
    tokenId(token) {
      if (typeof token === 'string') {
        const id = specials.get(token);
        if (id !== undefined) return id;
      }
      if (!rankOfToken) {
        rankOfToken = new Map();
        for (let rank = 0; rank < rankCount; rank++) rankOfToken.set(tokens[rank], rank);
      }
      const bytes = typeof token === 'string' ? utf8.encode(token) : token;
      return rankOfToken.get(Buffer.from(bytes).toString('base64'));
    },
    isSpecial(id) {
      return specialById.has(id);
    },
    streamDecoder() {
      return new TokenStreamDecoder(tokenBytes);
    },
    free() {
      if (!freed) core.free();
      freed = true;
    },
  };
}

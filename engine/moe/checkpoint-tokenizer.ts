// What a Hugging Face checkpoint says about its prompts: the special tokens its
// tokenizer_config.json declares, and which of Loupe's chat templates its family uses. Read at
// convert time and recorded in the package, so that running a package never guesses.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoupeError } from '../errors.ts';
import { MEDIA_START, type ChatTemplateName } from './chat-template.ts';
import { KIMI_SPECIAL_SLOTS, specialTokensFromAddedTokens } from './tokenizer.ts';

export interface CheckpointPromptFormat {
  specialTokens: Record<string, number>;
  chatTemplate: ChatTemplateName;
}

/**
 * Special tokens from tokenizer_config.json's `added_tokens_decoder` (id → { content }). Kimi
 * numbers them after the BPE ranks, so the lowest id is the rank count; slots the file leaves
 * out are named `<|reserved_token_{id}|>` as tokenization_kimi.py names them.
 */
export function specialTokensFromTokenizerConfig(json: unknown, source: string): Record<string, number> {
  const decoder = (json as { added_tokens_decoder?: unknown } | null)?.added_tokens_decoder;
  const entries = decoder && typeof decoder === 'object' ? Object.entries(decoder as Record<string, { content?: unknown }>) : [];
  if (entries.length === 0) {
    throw new LoupeError('MODEL_CORRUPT', `${source} has no added_tokens_decoder, so the model's special tokens (<|im_end|>, <|media_pad|>, …) are unknown. Copy tokenizer_config.json from the model's release again.`);
  }
  const ids = entries.map(([id, token]) => {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n < 0 || typeof token?.content !== 'string' || token.content === '') {
      throw new LoupeError('MODEL_CORRUPT', `${source}: added_tokens_decoder entry ${JSON.stringify(id)} is not an id with a token's text. Copy tokenizer_config.json from the model's release again.`);
    }
    return n;
  });
  const first = Math.min(...ids);
  const slots = Math.max(KIMI_SPECIAL_SLOTS, Math.max(...ids) - first + 1);
  return specialTokensFromAddedTokens(decoder as Record<string, { content?: unknown }>, first, slots);
}

const FAMILY_BY_MODEL_TYPE: Record<string, ChatTemplateName> = { kimi_vl: 'kimi-vl', kimi_k25: 'kimi-k2.5' };

/** What config.json says the model is: its model_type (null when absent) and architectures. */
function modelIdentity(config: Record<string, unknown>): { modelType: string | null; architectures: string[] } {
  return { modelType: typeof config.model_type === 'string' ? config.model_type : null, architectures: Array.isArray(config.architectures) ? config.architectures.map(String) : [] };
}

/**
 * The chat template of a checkpoint's family: by config.json's `model_type` (or its
 * architectures), else by the media marker its chat_template.jinja writes (`<|media_start|>`
 * is Kimi-VL's, `<|media_begin|>` K2.5's); undefined for a family Loupe renders no prompts for
 * (DeepSeek-V3, Kimi K2). A template whose marker contradicts the config is refused.
 */
export function knownChatTemplateFamily(config: Record<string, unknown>, jinja: string | undefined, source: string): ChatTemplateName | undefined {
  const byJinja = jinja?.includes(MEDIA_START['kimi-vl']) ? 'kimi-vl' : jinja?.includes(MEDIA_START['kimi-k2.5']) ? 'kimi-k2.5' : undefined;
  const { modelType, architectures } = modelIdentity(config);
  const byConfig =
    (modelType && FAMILY_BY_MODEL_TYPE[modelType]) ||
    (architectures.includes('KimiVLForConditionalGeneration') ? 'kimi-vl' : architectures.includes('KimiK25ForConditionalGeneration') ? 'kimi-k2.5' : undefined);
  // A template that writes the other family's image marker would put ids in the prompt the
  // model never saw for images: a mixed-up download, better refused than run.
  if (byConfig && byJinja && byConfig !== byJinja) {
    throw new LoupeError('MODEL_CORRUPT', `${source} says the model is ${byConfig}, but its chat_template.jinja opens images with ${MEDIA_START[byJinja]} (${byJinja}'s marker, not ${MEDIA_START[byConfig]}). Download config.json and chat_template.jinja from the same release again.`);
  }
  return byConfig ?? byJinja;
}

/** The same, for a prompt that needs a template: a family Loupe does not know is refused, saying what to do. */
export function chatTemplateFamily(config: Record<string, unknown>, jinja: string | undefined, source: string): ChatTemplateName {
  const family = knownChatTemplateFamily(config, jinja, source);
  if (family) return family;
  throw new LoupeError('MODEL_UNSUPPORTED', unknownFamilyMessage(config, source));
}

/** Why a model of an unknown family takes no chat prompts, and what to do instead. */
export function unknownFamilyMessage(config: Record<string, unknown>, source: string): string {
  const { modelType, architectures } = modelIdentity(config);
  return `${source}: Loupe does not know this model's chat template (model_type ${JSON.stringify(modelType)}, architectures ${JSON.stringify(architectures)}). It renders Kimi-VL (model_type kimi_vl) and Kimi K2.5 (kimi_k25) prompts: convert one of those releases, or send raw token ids (loupe engine run --tokens).`;
}

/**
 * What `want` asks for of the prompt format of the checkpoint in `dir`, when it ships a
 * tokenizer_config.json; undefined when it has none (a bare checkpoint, whose tokens the caller
 * must give). What is not asked for is not read, so a caller's own tokens skip a broken file.
 * The special tokens are read for Kimi's tokenizer (a tiktoken.model beside the file); the
 * template is left out for a family Loupe does not know.
 */
export function readCheckpointPromptFormat(
  dir: string,
  config: Record<string, unknown>,
  want: { specialTokens: boolean; chatTemplate: boolean } = { specialTokens: true, chatTemplate: true },
): Partial<CheckpointPromptFormat> | undefined {
  const tokenizerConfig = join(dir, 'tokenizer_config.json');
  if (!existsSync(tokenizerConfig)) return undefined;
  const out: Partial<CheckpointPromptFormat> = {};
  // Loupe's tokenizer is Kimi's tiktoken; another tokenizer's added tokens (DeepSeek-V3's
  // tokenizer.json numbers them from 0) are not Kimi's special slots, so they are not read.
  if (want.specialTokens && existsSync(join(dir, 'tiktoken.model'))) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(tokenizerConfig, 'utf8'));
    } catch (e) {
      throw new LoupeError('MODEL_CORRUPT', `${tokenizerConfig} is not JSON (${(e as Error).message}). Copy it from the model's release again.`, { cause: e });
    }
    out.specialTokens = specialTokensFromTokenizerConfig(json, tokenizerConfig);
  }
  if (want.chatTemplate) {
    const jinjaFile = join(dir, 'chat_template.jinja');
    const jinja = existsSync(jinjaFile) ? readFileSync(jinjaFile, 'utf8') : undefined;
    // Left out for a family Loupe has no template for: the package still runs raw ids, and a
    // chat prompt is refused when it comes (the engine says why).
    const family = knownChatTemplateFamily(config, jinja, join(dir, 'config.json'));
    if (family) out.chatTemplate = family;
  }
  return out;
}

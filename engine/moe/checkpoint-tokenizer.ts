// What a Hugging Face checkpoint says about its prompts: the special tokens its
// tokenizer_config.json declares, and how its family's prompts are written (Loupe's renderer, or
// the release's own template). Read at convert time and recorded in the package, so that running a
// package never guesses.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoupeError } from '../errors.ts';
import { MEDIA_START, type ChatTemplateName } from './chat-template.ts';
import { KIMI_SPECIAL_SLOTS, specialTokensFromAddedTokens } from './tokenizer.ts';
import { FAMILIES_READ, knownCheckpointFamily, type FamilyId } from './inspect/family.ts';
import { loadHfTokenizer } from './hf-tokenizer.ts';

/** Loupe's own renderer of a family's template, or 'jinja': the package's copy of the release's template. */
export type PromptTemplate = ChatTemplateName | 'jinja';

export interface CheckpointPromptFormat {
  specialTokens: Record<string, number>;
  chatTemplate: PromptTemplate;
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

/**
 * How each family's prompts are written: Loupe's own renderer, checked against the release's
 * chat_template.jinja (chat-template-release.test.ts; Kimi K2's template writes Kimi-VL's prompt),
 * or 'jinja', the release's own template rendered as it is (jinja-prompt.ts), for DeepSeek-V3.
 */
const TEMPLATE_OF_FAMILY: Record<FamilyId, PromptTemplate> = { 'kimi-vl': 'kimi-vl', 'kimi-k2': 'kimi-vl', 'kimi-k2.5': 'kimi-k2.5', 'deepseek-v3': 'jinja' };

/**
 * The template of a checkpoint's family (inspect/family.ts decides the family), undefined for a
 * family Loupe does not know, or for 'jinja' when the checkpoint has no template of its own. A
 * release template that opens images with the other Kimi family's marker is refused.
 */
export function chatTemplateOf(config: Record<string, unknown>, jinja: string | undefined, source: string): PromptTemplate | undefined {
  const family = knownCheckpointFamily(config);
  if (!family) return undefined;
  const template = TEMPLATE_OF_FAMILY[family];
  if (template === 'jinja') return jinja === undefined ? undefined : template;
  // A template that writes the other family's image marker would put ids in the prompt the
  // model never saw for images: a mixed-up download, better refused than run.
  const other = template === 'kimi-vl' ? 'kimi-k2.5' : 'kimi-vl';
  if (jinja?.includes(MEDIA_START[other])) {
    throw new LoupeError('MODEL_CORRUPT', `${source} says the model is ${family}, but its chat template opens images with ${MEDIA_START[other]} (${other}'s marker, not ${MEDIA_START[template]}). Download config.json and the tokenizer files from the same release again.`);
  }
  return template;
}

/** Why a model takes no chat prompts here, and what to do instead. */
export function unknownFamilyMessage(config: Record<string, unknown>, source: string): string {
  const modelType = typeof config.model_type === 'string' ? config.model_type : null;
  const architectures = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  return `${source}: Loupe does not know this model's chat template (model_type ${JSON.stringify(modelType)}, architectures ${JSON.stringify(architectures)}). It renders the prompts of ${FAMILIES_READ}, DeepSeek-V3's with the template in its release's tokenizer_config.json: convert one of those releases with its tokenizer files, or send raw token ids (loupe engine run --tokens).`;
}

/**
 * A release's own chat template: chat_template.jinja, else tokenizer_config.json's
 * `chat_template` (where Kimi K2 and DeepSeek-V3 keep it); undefined when it has neither.
 */
export function releaseChatTemplate(dir: string): string | undefined {
  const jinjaFile = join(dir, 'chat_template.jinja');
  if (existsSync(jinjaFile)) return readFileSync(jinjaFile, 'utf8');
  const configFile = join(dir, 'tokenizer_config.json');
  if (!existsSync(configFile)) return undefined;
  const template = readTokenizerConfig(configFile).chat_template;
  return typeof template === 'string' ? template : undefined;
}

function readTokenizerConfig(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new LoupeError('MODEL_CORRUPT', `${file} is not JSON (${(e as Error).message}). Copy it from the model's release again.`, { cause: e });
  }
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
  // Kimi's tiktoken takes its special tokens from here; an HF tokenizer.json (DeepSeek-V3's,
  // which numbers them from 0) carries its own added tokens, read when the package runs.
  if (want.specialTokens && existsSync(join(dir, 'tiktoken.model'))) {
    out.specialTokens = specialTokensFromTokenizerConfig(readTokenizerConfig(tokenizerConfig), tokenizerConfig);
  }
  if (want.chatTemplate) {
    // Left out for a family Loupe has no template for: the package still runs raw ids, and a
    // chat prompt is refused when it comes (the engine says why).
    const template = chatTemplateOf(config, releaseChatTemplate(dir), join(dir, 'config.json'));
    if (template) out.chatTemplate = template;
    // The release's template goes with its tokenizer.json: one the engine could not open is
    // refused here, before any work, rather than in a package that cannot run.
    if (template === 'jinja' && !existsSync(join(dir, 'tiktoken.model'))) loadHfTokenizer(join(dir, 'tokenizer.json'), tokenizerConfig);
  }
  return out;
}

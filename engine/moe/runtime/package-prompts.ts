// How a package's prompts are made: its tokenizer (Kimi's tiktoken.model with the special tokens
// recorded at convert time, or an HF tokenizer.json with its tokenizer_config.json) and its chat
// template (Loupe's renderer for a Kimi family, or the release's own template), with the ids that
// end an assistant turn.
import { dirname } from 'node:path';
import { LoupeError } from '../../errors.ts';
import { chatStopIds, DEFAULT_SYSTEM_PROMPT, promptIds, type ChatMessage, type ChatOptions, type ChatPrompt, type ChatTemplateName } from '../chat-template.ts';
import { releaseChatTemplate } from '../checkpoint-tokenizer.ts';
import { createHfTokenizer, readTokenizerJson, tokenText } from '../hf-tokenizer.ts';
import { parseReleaseTemplate, releasePromptIds } from '../jinja-prompt.ts';
import type { ModelPackage } from '../package.ts';
import { KIMI_PATTERN, loadTokenizer, type Tokenizer } from '../tokenizer.ts';

export interface PackagePrompts {
  tokenizer: Tokenizer;
  /** undefined: the model's family has no template here; it takes raw token ids only. */
  prompt?: (messages: readonly ChatMessage[], options: Pick<ChatOptions, 'thinking' | 'videoChunks'> & { imageTokens: (imageIndex: number) => number }) => ChatPrompt;
  /** Ids that end an assistant turn. */
  stopIds: number[];
}

export async function openPackagePrompts(pkg: ModelPackage): Promise<PackagePrompts> {
  const t = pkg.manifest.tokenizer;
  const file = (name: string) => t?.files.find((f) => f === name || f.endsWith(`/${name}`));
  const ranks = file('tiktoken.model');
  if (t && ranks && t.specialTokens) {
    const tokenizer = await loadTokenizer({ ranksFile: pkg.tokenizerPath(ranks), pattern: KIMI_PATTERN, specialTokens: t.specialTokens });
    if (t.chatTemplate !== undefined && !(t.chatTemplate in DEFAULT_SYSTEM_PROMPT)) {
      throw new LoupeError('MODEL_UNSUPPORTED', `${pkg.dir}: the package's chat template ${JSON.stringify(t.chatTemplate)} is not one Loupe renders with tiktoken.model (kimi-vl, kimi-k2.5). Convert the model again with this Loupe.`);
    }
    const template = t.chatTemplate as ChatTemplateName | undefined;
    return {
      tokenizer,
      prompt: template && ((messages, options) => promptIds(tokenizer, messages, { ...options, template, addGenerationPrompt: true })),
      stopIds: chatStopIds(tokenizer),
    };
  }
  const json = file('tokenizer.json');
  const config = file('tokenizer_config.json');
  if (t && json && config) {
    const configPath = pkg.tokenizerPath(config);
    const tokenizerConfig = readTokenizerJson(configPath);
    const tokenizer = createHfTokenizer(readTokenizerJson(pkg.tokenizerPath(json)), tokenizerConfig, pkg.tokenizerPath(json));
    const [bosToken, eosToken] = [tokenText(tokenizerConfig.bos_token), tokenText(tokenizerConfig.eos_token)];
    const eos = eosToken === undefined ? undefined : tokenizer.tokenId(eosToken);
    if (t.chatTemplate !== undefined && t.chatTemplate !== 'jinja') {
      throw new LoupeError('MODEL_UNSUPPORTED', `${pkg.dir}: the package's chat template ${JSON.stringify(t.chatTemplate)} is not one Loupe renders with tokenizer.json (the release's own template). Convert the model again with this Loupe.`);
    }
    const jinja = t.chatTemplate === 'jinja' ? releaseChatTemplate(dirname(configPath)) : undefined;
    const release = jinja === undefined ? undefined : parseReleaseTemplate(jinja, { bosToken, eosToken }, configPath);
    return {
      tokenizer,
      prompt: release && ((messages) => releasePromptIds(tokenizer, release, messages, { addGenerationPrompt: true })),
      stopIds: eos === undefined ? [] : [eos],
    };
  }
  throw new LoupeError('MODEL_CORRUPT', `${pkg.dir}: the package has no tokenizer (tiktoken.model and its special tokens, or tokenizer.json and tokenizer_config.json). Convert the model again from a checkpoint that has them.`);
}

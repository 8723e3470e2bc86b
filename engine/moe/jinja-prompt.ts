// The prompt a release's own chat template writes, for a family Loupe has no renderer of its own
// for (DeepSeek-V3): the template rendered with @huggingface/jinja (the Jinja of transformers.js)
// as transformers' apply_chat_template renders it, then encoded whole, specials read as specials,
// as the release's tokenizer encodes a rendered prompt. Text only.
import { Template } from '@huggingface/jinja';
import { LoupeError } from '../errors.ts';
import type { ChatMessage, ChatPrompt } from './chat-template.ts';
import type { Tokenizer } from './tokenizer.ts';

export interface ReleaseTemplate {
  template: Template;
  /** tokenizer_config.json's bos_token / eos_token texts, which templates write (`{{ bos_token }}`). */
  bosToken?: string;
  eosToken?: string;
}

/** Parses a release's template; `source` names where it came from in errors. */
export function parseReleaseTemplate(jinja: string, tokens: { bosToken?: string; eosToken?: string }, source: string): ReleaseTemplate {
  try {
    return { template: new Template(jinja), ...tokens };
  } catch (e) {
    throw new LoupeError('MODEL_UNSUPPORTED', `The chat template in ${source} does not parse (${(e as Error).message}). Copy the tokenizer files from the model's release again, or send raw token ids (--tokens).`, { cause: e });
  }
}

function textOf(message: ChatMessage, index: number): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .map((part) => {
      if (part.type === 'text') return part.text;
      throw new LoupeError('MODEL_UNSUPPORTED', `Message ${index} has an ${part.type}; this model's chat template takes text only.`);
    })
    .join('');
}

/** The prompt text as the release's template renders it. */
export function renderReleaseChat(release: ReleaseTemplate, messages: readonly ChatMessage[], options: { addGenerationPrompt: boolean }): string {
  const plain = messages.map((m, i) => ({ role: m.role, content: textOf(m, i) }));
  try {
    return release.template.render({ messages: plain, add_generation_prompt: options.addGenerationPrompt, bos_token: release.bosToken ?? '', eos_token: release.eosToken ?? '' });
  } catch (e) {
    throw new LoupeError('MODEL_UNSUPPORTED', `The model's chat template failed on these messages (${(e as Error).message}). Send raw token ids (--tokens) instead.`, { cause: e });
  }
}

/**
 * Token ids of the rendered prompt. The whole text is encoded with specials read, so a message
 * that itself holds a special token's text is refused first: it would become a turn marker.
 */
export function releasePromptIds(tokenizer: Tokenizer, release: ReleaseTemplate, messages: readonly ChatMessage[], options: { addGenerationPrompt: boolean }): ChatPrompt {
  messages.forEach((m, i) => {
    const text = textOf(m, i);
    for (const name of tokenizer.specials.keys()) {
      if (text.includes(name)) throw new LoupeError('INVALID_ARGUMENT', `Message ${i} holds ${JSON.stringify(name)}, a special token of the model; remove it from the message.`);
    }
  });
  return { ids: tokenizer.encode(renderReleaseChat(release, messages, options), { allowSpecial: true }), images: [], videoChunks: [] };
}

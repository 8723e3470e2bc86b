// Kimi's chat templates, as plain TypeScript: the prompt text exactly as Hugging Face's
// `apply_chat_template` renders it (Jinja with trim_blocks and lstrip_blocks), for the messages
// Loupe sends: system / user / assistant turns of text and images, no tools.
//
// Two templates:
// - 'kimi-k2.5': moonshotai/Kimi-K2.5 chat_template.jinja (the K2-Thinking template's structure,
//   `<|media_begin|>` for images, and the `thinking` switch on the generation prompt). Every earlier
//   assistant turn is rendered with an empty `<think></think>`: with no tool calls, each one lies at
//   or before the last plain assistant turn, the part whose reasoning the template drops.
// - 'kimi-vl': moonshotai/Kimi-VL-A3B-Instruct chat_template.jinja (also used by
//   Kimi-VL-A3B-Thinking, whose model writes its own thinking markers, so `thinking` is ignored).
//
// Token ids are made from the same structure, not by re-reading the rendered text: role markers and
// media markers become their special ids, message text is encoded as plain text. The ids equal the
// reference tokenizer's (which encodes the whole prompt with every special allowed) except where a
// message itself contains special-token text, which here stays text, so content cannot forge turns.
import { LoupeError } from '../errors.ts';
import type { Tokenizer } from './tokenizer.ts';

export type ChatTemplateName = 'kimi-k2.5' | 'kimi-vl';

export type ChatPart = { type: 'text'; text: string } | { type: 'image' };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | readonly ChatPart[];
}

export interface ChatOptions {
  /** Default 'kimi-k2.5'. */
  template?: ChatTemplateName;
  /** K2.5: open the assistant turn with `<think>` (reasoning) or `<think></think>` (answer at once). */
  thinking: boolean;
  /** End with the opening of an assistant turn, for generation. */
  addGenerationPrompt: boolean;
  /**
   * Merged patches of image `imageIndex` (0-based over the whole conversation): the number of
   * `<|media_pad|>` tokens it takes. Without it each image renders one pad, as the template does
   * before the processor expands it.
   */
  imageTokens?: (imageIndex: number) => number;
}

/** The default system prompt each template inserts when the conversation does not start with one. */
export const DEFAULT_SYSTEM_PROMPT: Record<ChatTemplateName, string> = {
  'kimi-k2.5': 'You are Kimi, an AI assistant created by Moonshot AI.',
  'kimi-vl': 'You are a helpful assistant',
};

/** The special token that opens an image block, which the two families name differently. */
export const MEDIA_START: Record<ChatTemplateName, string> = {
  'kimi-k2.5': '<|media_begin|>',
  'kimi-vl': '<|media_start|>',
};

const ROLE_MARKER = { system: '<|im_system|>', user: '<|im_user|>', assistant: '<|im_assistant|>' } as const;

type Segment = { text: string } | { special: string } | { image: number };

function checkMessages(messages: readonly ChatMessage[]): void {
  messages.forEach((m, i) => {
    if (!(m.role in ROLE_MARKER)) throw new LoupeError('INVALID_ARGUMENT', `Message ${i} has the role ${JSON.stringify(m.role)}; the chat template knows system, user and assistant.`);
    if (typeof m.content === 'string') return;
    if (!Array.isArray(m.content)) throw new LoupeError('INVALID_ARGUMENT', `Message ${i} has content that is neither text nor a list of parts.`);
    for (const part of m.content) {
      if (part.type === 'text' && typeof part.text === 'string') continue;
      if (part.type === 'image') continue;
      throw new LoupeError('INVALID_ARGUMENT', `Message ${i} has a content part of type ${JSON.stringify((part as { type?: unknown }).type)}; parts are text or image.`);
    }
  });
}

/** The prompt as a sequence of text, special tokens and image blocks, in template order. */
function segments(messages: readonly ChatMessage[], options: ChatOptions): Segment[] {
  checkMessages(messages);
  const template = options.template ?? 'kimi-k2.5';
  const out: Segment[] = [];
  let imageIndex = 0;

  const header = (role: ChatMessage['role']) => out.push({ special: ROLE_MARKER[role] }, { text: role }, { special: '<|im_middle|>' });
  const content = (c: ChatMessage['content']) => {
    if (typeof c === 'string') {
      out.push({ text: c });
      return;
    }
    for (const part of c) {
      if (part.type === 'text') out.push({ text: part.text });
      else {
        out.push({ image: imageIndex++ });
        // K2.5's render_content leaves the newline after the media block's line in the output.
        if (template === 'kimi-k2.5') out.push({ text: '\n' });
      }
    }
  };

  if (template === 'kimi-k2.5') {
    if (messages.length === 0 || messages[0].role !== 'system') {
      header('system');
      out.push({ text: DEFAULT_SYSTEM_PROMPT[template] }, { special: '<|im_end|>' });
    }
    for (const m of messages) {
      header(m.role);
      if (m.role === 'assistant') out.push({ special: '<think>' }, { special: '</think>' });
      content(m.content);
      out.push({ special: '<|im_end|>' });
    }
    if (options.addGenerationPrompt) {
      header('assistant');
      out.push({ special: '<think>' });
      if (!options.thinking) out.push({ special: '</think>' });
    }
  } else {
    messages.forEach((m, i) => {
      if (i === 0 && m.role !== 'system') {
        header('system');
        out.push({ text: DEFAULT_SYSTEM_PROMPT[template] }, { special: '<|im_end|>' });
      }
      header(m.role);
      content(m.content);
      out.push({ special: '<|im_end|>' });
    });
    if (options.addGenerationPrompt) header('assistant');
  }
  return out;
}

function padsFor(options: ChatOptions, imageIndex: number): number {
  if (!options.imageTokens) return 1;
  const n = options.imageTokens(imageIndex);
  if (!Number.isInteger(n) || n < 1) throw new LoupeError('INVALID_ARGUMENT', `Image ${imageIndex} would take ${n} tokens; an image takes a whole number of merged patches, at least 1.`);
  return n;
}

/** The prompt text exactly as Kimi's template renders it (images expanded if `imageTokens` is given). */
export function renderChat(messages: readonly ChatMessage[], options: ChatOptions): string {
  const template = options.template ?? 'kimi-k2.5';
  let text = '';
  for (const s of segments(messages, options)) {
    if ('text' in s) text += s.text;
    else if ('special' in s) text += s.special;
    else text += `${MEDIA_START[template]}image<|media_content|>${'<|media_pad|>'.repeat(padsFor(options, s.image))}<|media_end|>`;
  }
  return text;
}

export interface ImageSpan {
  imageIndex: number;
  /** Position of the first `<|media_pad|>` in `ids`: where the image's embeddings go. */
  start: number;
  /** Number of pads (= merged patches). */
  length: number;
}

export interface ChatPrompt {
  ids: number[];
  images: ImageSpan[];
}

/** Token ids of the rendered prompt, each image expanded to its merged-patch count of pads. */
export function promptIds(tokenizer: Tokenizer, messages: readonly ChatMessage[], options: ChatOptions & { imageTokens: (imageIndex: number) => number }): ChatPrompt {
  const template = options.template ?? 'kimi-k2.5';
  const ids: number[] = [];
  const images: ImageSpan[] = [];
  let pendingText = '';
  // Adjacent text is encoded in one piece, as the reference tokenizer sees it between specials:
  // the pattern splits "\n" + "\nfoo" differently from "\n\nfoo".
  const flush = () => {
    if (pendingText !== '') ids.push(...tokenizer.encode(pendingText));
    pendingText = '';
  };
  const special = (name: string) => {
    flush();
    ids.push(tokenizer.special(name));
  };
  for (const s of segments(messages, options)) {
    if ('text' in s) pendingText += s.text;
    else if ('special' in s) special(s.special);
    else {
      const length = padsFor(options, s.image);
      special(MEDIA_START[template]);
      pendingText += 'image';
      special('<|media_content|>');
      const pad = tokenizer.special('<|media_pad|>');
      images.push({ imageIndex: s.image, start: ids.length, length });
      for (let i = 0; i < length; i++) ids.push(pad);
      special('<|media_end|>');
    }
  }
  flush();
  return { ids, images };
}

/** Ids that end an assistant turn: `<|im_end|>`, and `[EOS]` where the vocabulary has it. */
export function chatStopIds(tokenizer: Tokenizer): number[] {
  return ['<|im_end|>', '[EOS]'].filter((name) => tokenizer.specials.has(name)).map((name) => tokenizer.special(name));
}

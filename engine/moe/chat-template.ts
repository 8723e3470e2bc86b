// Kimi's chat templates, as plain TypeScript: the prompt text exactly as Hugging Face's
// `apply_chat_template` renders it (Jinja with trim_blocks and lstrip_blocks), for the messages
// Loupe sends: system / user / assistant turns of text, images and (Kimi K2.5) videos, no tools.
//
// Two templates:
// - 'kimi-k2.5': moonshotai/Kimi-K2.5 chat_template.jinja (the K2-Thinking template's structure,
//   `<|media_begin|>` for images, `<|kimi_k25_video_placeholder|>` for a video, which the release's
//   processor (kimi_k25_processor.py) replaces with its chunks' prompts, and the `thinking` switch
//   on the generation prompt). Every earlier
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

export type ChatPart = { type: 'text'; text: string } | { type: 'image' } | { type: 'video' };

/** One chunk of a video as the prompt marks it: its start time, and how many merged patches it takes. */
export interface VideoChunkTokens {
  timestamp: string;
  tokens: number;
}

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
  /**
   * The chunks of video `videoIndex` (0-based over the conversation). Without it each video
   * renders as the template writes it, one `<|kimi_k25_video_placeholder|>`.
   */
  videoChunks?: (videoIndex: number) => readonly VideoChunkTokens[];
}

/** What K2.5's template writes for a video part, before the processor replaces it. */
export const VIDEO_PLACEHOLDER = '<|kimi_k25_video_placeholder|>';

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

type Segment = { text: string } | { special: string } | { image: number } | { video: number };

function checkMessages(messages: readonly ChatMessage[], template: ChatTemplateName): void {
  messages.forEach((m, i) => {
    if (!(m.role in ROLE_MARKER)) throw new LoupeError('INVALID_ARGUMENT', `Message ${i} has the role ${JSON.stringify(m.role)}; the chat template knows system, user and assistant.`);
    if (typeof m.content === 'string') return;
    if (!Array.isArray(m.content)) throw new LoupeError('INVALID_ARGUMENT', `Message ${i} has content that is neither text nor a list of parts.`);
    for (const part of m.content) {
      if (part.type === 'text' && typeof part.text === 'string') continue;
      if (part.type === 'image') continue;
      if (part.type === 'video' && template === 'kimi-k2.5') continue;
      if (part.type === 'video') throw new LoupeError('MODEL_UNSUPPORTED', `Message ${i} has a video; Kimi-VL's template has no video part. Send frames of it as images, or use a Kimi K2.5 model.`);
      throw new LoupeError('INVALID_ARGUMENT', `Message ${i} has a content part of type ${JSON.stringify((part as { type?: unknown }).type)}; parts are text, image or video.`);
    }
  });
}

/** The prompt as a sequence of text, special tokens and image blocks, in template order. */
function segments(messages: readonly ChatMessage[], options: ChatOptions): Segment[] {
  const template = options.template ?? 'kimi-k2.5';
  checkMessages(messages, template);
  const out: Segment[] = [];
  let imageIndex = 0;
  let videoIndex = 0;

  const header = (role: ChatMessage['role']) => out.push({ special: ROLE_MARKER[role] }, { text: role }, { special: '<|im_middle|>' });
  const content = (c: ChatMessage['content']) => {
    if (typeof c === 'string') {
      out.push({ text: c });
      return;
    }
    for (const part of c) {
      if (part.type === 'text') out.push({ text: part.text });
      else {
        out.push(part.type === 'image' ? { image: imageIndex++ } : { video: videoIndex++ });
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

function chunksFor(options: ChatOptions, videoIndex: number): readonly VideoChunkTokens[] | undefined {
  const chunks = options.videoChunks?.(videoIndex);
  if (chunks?.length === 0 || chunks?.some((c) => !Number.isInteger(c.tokens) || c.tokens < 1)) {
    throw new LoupeError('INVALID_ARGUMENT', `Video ${videoIndex} would take no chunks, or a chunk of no whole number of merged patches; a video takes at least one chunk of at least 1.`);
  }
  return chunks;
}

/** KimiK25VisionProcessor.make_chunk_prompt: the chunk's start time, then its media block. */
const chunkPrompt = (c: VideoChunkTokens) => `${c.timestamp}${MEDIA_START['kimi-k2.5']}video<|media_content|>${'<|media_pad|>'.repeat(c.tokens)}<|media_end|>`;

/** The prompt text exactly as Kimi's template renders it (images expanded if `imageTokens` is given). */
export function renderChat(messages: readonly ChatMessage[], options: ChatOptions): string {
  const template = options.template ?? 'kimi-k2.5';
  let text = '';
  for (const s of segments(messages, options)) {
    if ('text' in s) text += s.text;
    else if ('special' in s) text += s.special;
    else if ('image' in s) text += `${MEDIA_START[template]}image<|media_content|>${'<|media_pad|>'.repeat(padsFor(options, s.image))}<|media_end|>`;
    else text += chunksFor(options, s.video)?.map(chunkPrompt).join('') ?? VIDEO_PLACEHOLDER;
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

/** Where a video chunk's pads are in `ids`. */
export interface VideoChunkSpan {
  videoIndex: number;
  chunkIndex: number;
  start: number;
  length: number;
}

export interface ChatPrompt {
  ids: number[];
  images: ImageSpan[];
  videoChunks: VideoChunkSpan[];
}

/** Token ids of the rendered prompt, each image and video chunk expanded to its merged-patch count of pads. */
export function promptIds(tokenizer: Tokenizer, messages: readonly ChatMessage[], options: ChatOptions & { imageTokens: (imageIndex: number) => number }): ChatPrompt {
  const template = options.template ?? 'kimi-k2.5';
  const ids: number[] = [];
  const images: ImageSpan[] = [];
  const videoChunks: VideoChunkSpan[] = [];
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
  // A media block: its opening, its kind as text, then `length` pads from the position returned.
  const media = (prefix: string, kind: string, length: number) => {
    pendingText += prefix;
    special(MEDIA_START[template]);
    pendingText += kind;
    special('<|media_content|>');
    const start = ids.length;
    const pad = tokenizer.special('<|media_pad|>');
    for (let i = 0; i < length; i++) ids.push(pad);
    special('<|media_end|>');
    return start;
  };
  for (const s of segments(messages, options)) {
    if ('text' in s) pendingText += s.text;
    else if ('special' in s) special(s.special);
    else if ('image' in s) {
      const length = padsFor(options, s.image);
      images.push({ imageIndex: s.image, start: media('', 'image', length), length });
    } else {
      const chunks = chunksFor(options, s.video);
      if (!chunks) throw new LoupeError('INVALID_ARGUMENT', `Video ${s.video} came without its chunks; a prompt's ids need each video's chunks.`);
      chunks.forEach((c, chunkIndex) => videoChunks.push({ videoIndex: s.video, chunkIndex, start: media(c.timestamp, 'video', c.tokens), length: c.tokens }));
    }
  }
  flush();
  return { ids, images, videoChunks };
}

/** Ids that end an assistant turn: `<|im_end|>`, and `[EOS]` where the vocabulary has it. */
export function chatStopIds(tokenizer: Tokenizer): number[] {
  return ['<|im_end|>', '[EOS]'].filter((name) => tokenizer.specials.has(name)).map((name) => tokenizer.special(name));
}

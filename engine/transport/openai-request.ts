// An OpenAI chat completions request as the engine's GenerateRequest: roles and content parts to
// the chat template's messages, images from data: URLs decoded to RGBA by the same ingest as a
// dropped design, and the sampling options mapped to the engine's. Everything that can be refused
// without decoding is refused in `planGeneration`, before the request takes a place in the queue.
import { randomInt } from 'node:crypto';
import { LoupeError } from '../errors.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import type { ChatMessage, ChatPart } from '../moe/chat-template.ts';
import type { GenerateRequest, PromptImage } from '../moe/runtime/engine.ts';
import { GREEDY, type SamplingOptions } from '../moe/sampling.ts';
import type { ChatCompletionRequest } from './openai-schema.ts';

/** Tokens written when a request sets no limit: the app's own limit for a local model's answer. */
export const DEFAULT_MAX_TOKENS = 4096;
/** Images per request: each is decoded whole to RGBA before its turn, so their number bounds the memory a request holds. */
export const MAX_IMAGES = 16;

export interface ImageSource {
  /** Where it is in the request, for messages (`messages[0].content[1]`). */
  where: string;
  bytes: Buffer;
}

export interface PlannedGeneration {
  request: Omit<GenerateRequest, 'images'>;
  /** In the order of the image parts, as the engine pairs them. */
  images: ImageSource[];
}

export function planGeneration(body: ChatCompletionRequest): PlannedGeneration {
  const images: ImageSource[] = [];
  const messages: ChatMessage[] = body.messages.map((m, i) => {
    const role = m.role === 'developer' ? 'system' : m.role;
    if (typeof m.content === 'string' || m.content == null) return { role, content: m.content ?? '' };
    const parts = m.content.map((part, j): ChatPart => {
      if (part.type === 'text') return part;
      const where = `messages[${i}].content[${j}]`;
      images.push({ where, bytes: dataUrlBytes(part.image_url.url, where) });
      return { type: 'image' };
    });
    return { role, content: parts };
  });
  if (images.length > MAX_IMAGES) throw new LoupeError('INVALID_ARGUMENT', `The request has ${images.length} images; this server takes at most ${MAX_IMAGES}.`);
  const kwargs = body.chat_template_kwargs;
  const stop = typeof body.stop === 'string' ? [body.stop] : (body.stop ?? []);
  return {
    request: {
      messages,
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS,
      sampling: samplingOf(body),
      thinking: kwargs?.thinking ?? kwargs?.enable_thinking ?? false,
      ...(stop.length ? { stop } : {}),
    },
    images,
  };
}

/**
 * Temperature 0, or none, is greedy: the engine's own default, so the same request gives the same
 * answer (OpenAI's default is 1; a client that wants sampling says so). Without a seed, sampling
 * draws one, as a hosted API would.
 */
function samplingOf(body: ChatCompletionRequest): SamplingOptions {
  const temperature = body.temperature ?? 0;
  if (temperature === 0) return GREEDY;
  return { temperature, topP: body.top_p ?? 1, seed: body.seed ?? randomInt(2 ** 31) };
}

/** The bytes of a base64 data: URL; any other URL is refused, since the server never goes on the network. */
function dataUrlBytes(url: string, where: string): Buffer {
  if (/^https?:/i.test(url)) {
    throw new LoupeError('INVALID_ARGUMENT', `${where}: this server does not fetch images from the network; send the image inline as a data: URL (data:image/png;base64,…).`);
  }
  const match = /^data:([^,;]*)((?:;[^,;]*)*?);base64,/i.exec(url);
  if (!match) throw new LoupeError('INVALID_ARGUMENT', `${where}: an image is a base64 data: URL (data:image/png;base64,…), PNG, JPEG or WebP.`);
  const mime = match[1]!.toLowerCase();
  if (mime && !mime.startsWith('image/')) throw new LoupeError('INPUT_UNSUPPORTED', `${where} is ${mime}, not an image; send a PNG, JPEG or WebP.`);
  return Buffer.from(url.slice(match[0].length), 'base64');
}

/** The images decoded to RGBA, one after another so that only one is being decoded at a time. */
export async function decodeImages(sources: readonly ImageSource[]): Promise<PromptImage[]> {
  const images: PromptImage[] = [];
  for (const { where, bytes } of sources) {
    const image = await decodeDesignImage(bytes, where);
    // A copy: posting a view to the engine's worker would copy the whole allocation under it.
    images.push({ rgba: new Uint8Array(image.rgba), width: image.width, height: image.height });
  }
  return images;
}

// The part of OpenAI's chat completions request that the local engine can honour, as a schema:
// what a client sends is checked here, and anything the engine cannot do (several choices, tools,
// log-probabilities, JSON modes) is refused by name rather than silently ignored. Clients send
// null for options they leave unset, so every option takes null as absent. Fields the engine has
// no use for (user, metadata, penalties, …) are dropped.
import { z } from 'zod';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const ImagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1, 'give the image as a data: URL'), detail: z.enum(['auto', 'low', 'high']).nullish() }),
});
const ContentPart = z.discriminatedUnion('type', [TextPart, ImagePart], { error: 'a content part is {type: "text", text} or {type: "image_url", image_url: {url}}' });

const Message = z.object({
  // `developer` is what newer OpenAI clients call the system message.
  role: z.enum(['system', 'developer', 'user', 'assistant'], { error: 'the roles are system, developer, user and assistant (this server has no tools)' }),
  // An assistant turn that only called tools has null content; without tools it is read as empty.
  content: z.union([z.string(), z.array(ContentPart)]).nullish(),
});

const Stop = z.union([z.string().min(1, 'a stop sequence is not empty'), z.array(z.string().min(1, 'a stop sequence is not empty')).max(16)]);

export const ChatCompletionRequest = z.object({
  model: z.string().min(1, 'name the model (GET /v1/models lists it)'),
  messages: z.array(Message).min(1, 'send at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stop: Stop.nullish(),
  n: z.literal(1, { error: 'this server writes one choice (n = 1)' }).nullish(),
  logprobs: z.literal(false, { error: 'this server gives no log-probabilities' }).nullish(),
  tools: z.array(z.unknown()).max(0, 'this server has no tool calling').nullish(),
  response_format: z.object({ type: z.literal('text', { error: 'the local engine writes free text: no JSON mode or schema' }) }).nullish(),
  /** vLLM's and SGLang's way to reach the chat template's switches: Kimi K2.5's is `thinking`, Qwen's `enable_thinking`. */
  chat_template_kwargs: z.object({ thinking: z.boolean().nullish(), enable_thinking: z.boolean().nullish() }).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
export type ChatCompletionMessage = ChatCompletionRequest['messages'][number];

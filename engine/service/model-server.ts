// A model server as the app asks about it when the person checks it, before any conversion:
// whether it answers, with the key the engine holds for it, and which models it serves (GET
// /v1/models), or the refusal a conversion would get (unreachable, a key refused, not an
// OpenAI-compatible API).
import type { ModelServerState } from '../api/contract.ts';
import { isLoupeError } from '../errors.ts';
import { ChatClient } from '../openai/chat.ts';
import type { ModelServerKeys } from './model-server-keys.ts';

/** Long enough for a server across a network, short enough that a wrong address is said soon. */
const CHECK_TIMEOUT_MS = 10_000;

/** Lists a server's models, or throws a LoupeError that says why it cannot. */
export type ListModels = (baseUrl: string, apiKey: string | undefined, signal?: AbortSignal) => Promise<string[]>;

export const listModels: ListModels = (baseUrl, apiKey, signal) => new ChatClient({ baseUrl, model: '', apiKey, timeoutMs: CHECK_TIMEOUT_MS }).listModels(signal);

export async function modelServerState(baseUrl: string, keys: ModelServerKeys, list: ListModels = listModels): Promise<ModelServerState> {
  try {
    return { kind: 'reachable', models: await list(baseUrl, keys.get(baseUrl)) };
  } catch (error) {
    // Only the server's faults are an answer; the engine's own stay errors.
    if (isLoupeError(error)) return { kind: 'refused', code: error.code, message: keys.hide(error.message) };
    throw error;
  }
}

// The desktop app's transport: the preload's bridge into the main process, which forwards to
// the engine's process and answers with { result } or { error: { code, message } }.
import type { Transport } from './api-client.ts';
import { ApiRequestError } from './api-client.ts';

export interface LoupeBridge {
  call(method: string, body: unknown): Promise<unknown>;
  pickFolder(): Promise<string | undefined>;
  onEvent(listener: (event: unknown) => void): () => void;
  onCommand(listener: (command: string) => void): () => void;
}

export const bridge = (): LoupeBridge | undefined => (window as unknown as { loupeBridge?: LoupeBridge }).loupeBridge;

export const ipcTransport = (b: LoupeBridge): Transport => ({
  async call(method, body) {
    const answer = (await b.call(method, body)) as { result?: unknown; error?: { code: string; message: string } };
    if (answer.error) throw new ApiRequestError(answer.error.code, answer.error.message);
    return answer.result;
  },
  events: (listener) => b.onEvent(listener),
});

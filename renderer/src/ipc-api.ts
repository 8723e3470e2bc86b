// The desktop app's transport: the preload's bridge into the main process, which forwards to
// the engine's process and answers with { result } or { error: { code, message } }.
import type { Transport } from './api-client.ts';
import { ApiRequestError } from './api-client.ts';

/** Model servers' keys as the desktop app keeps them: encrypted by the system (Electron's safeStorage), in a file of the app's own. */
export interface KeyStore {
  /** false: this system cannot encrypt it, so it was not saved. */
  save(baseUrl: string, key: string): Promise<boolean>;
  load(baseUrl: string): Promise<string | undefined>;
  forget(baseUrl: string): Promise<void>;
}

export interface LoupeBridge {
  call(method: string, body: unknown): Promise<unknown>;
  pickFolder(): Promise<string | undefined>;
  modelServerKeys: KeyStore;
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

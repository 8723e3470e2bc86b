// The LoupeApi over any transport that can call a method by name and deliver job events:
// answers are checked against the contract's response for their method, so a mismatched engine
// fails loudly here.
import { API, JobEvent, type ApiMethod, type LoupeApi } from '../../engine/api/contract.ts';

export class ApiRequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface Transport {
  call(method: ApiMethod, body: unknown): Promise<unknown>;
  /** Raw event messages from the engine; returns the unsubscribe function. */
  events(listener: (event: unknown) => void): () => void;
}

export function apiClient(transport: Transport): LoupeApi {
  // A method that takes nothing is sent an empty object.
  const method = (name: ApiMethod) => async (request: unknown = {}) => API[name].response.parse(await transport.call(name, request));
  const methods = Object.fromEntries(Object.keys(API).map((name) => [name, method(name as ApiMethod)])) as Omit<LoupeApi, 'subscribe'>;
  return {
    ...methods,
    subscribe: (listener) =>
      transport.events((raw) => {
        const event = JobEvent.safeParse(raw);
        if (event.success) listener(event.data);
      }),
  };
}

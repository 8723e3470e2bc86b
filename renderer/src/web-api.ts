// Web mode's transport: the engine's API over HTTP, job events over Server-Sent Events.
import { ApiError } from '../../engine/api/contract.ts';
import { ApiRequestError, type Transport } from './api-client.ts';

export const httpTransport = (): Transport => {
  const listeners = new Set<(event: unknown) => void>();
  let source: EventSource | undefined;
  return {
    async call(method, body) {
      let response: Response;
      try {
        response = await fetch(`api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      } catch {
        throw new ApiRequestError('ENGINE_UNREACHABLE', 'The engine is not answering. Is `loupe serve` still running?');
      }
      const json: unknown = await response.json().catch(() => undefined);
      if (response.ok) return json;
      const error = ApiError.safeParse(json);
      throw error.success ? new ApiRequestError(error.data.code, error.data.message) : new ApiRequestError('INTERNAL', `The engine answered ${response.status}.`);
    },
    events(listener) {
      source ??= Object.assign(new EventSource('api/events'), {
        onmessage: (message: MessageEvent<string>) => {
          for (const l of listeners) l(JSON.parse(message.data));
        },
      });
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};

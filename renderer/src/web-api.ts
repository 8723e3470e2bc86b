// The engine's API over HTTP and Server-Sent Events (web mode). Responses are checked against
// the contract, so a mismatched engine fails loudly here, not deep in the UI.
import { z } from 'zod';
import { ApiError, EditResult, ExportResult, History, JobEvent, JobRef, VersionView, type LoupeApi } from '../../engine/api/contract.ts';

const Empty = z.object({});

export class ApiRequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

async function post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new ApiRequestError('ENGINE_UNREACHABLE', 'The engine is not answering. Is `loupe serve` still running?');
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = ApiError.safeParse(json);
    throw error.success ? new ApiRequestError(error.data.code, error.data.message) : new ApiRequestError('INTERNAL', `The engine answered ${response.status}.`);
  }
  return schema.parse(json);
}

export function webApi(): LoupeApi {
  const listeners = new Set<(event: JobEvent) => void>();
  let source: EventSource | undefined;
  const connect = () => {
    source = new EventSource('api/events');
    source.onmessage = (message) => {
      const event = JobEvent.safeParse(JSON.parse(message.data as string));
      if (event.success) for (const l of listeners) l(event.data);
    };
  };
  return {
    convert: (request) => post('api/convert', request, JobRef),
    cancel: async (jobId) => {
      await post('api/cancel', { jobId }, Empty);
    },
    edit: (request) => post('api/edit', request, EditResult),
    history: () => post('api/history', {}, History),
    open: (versionId) => post('api/open', { versionId }, VersionView),
    save: (request) => post('api/save', request, VersionView),
    remove: async (request) => {
      await post('api/delete', request, Empty);
    },
    exportVersion: (request) => post('api/export', request, ExportResult),
    subscribe(listener) {
      if (!source) connect();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

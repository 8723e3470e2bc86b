// The LoupeApi over any transport that can call a method by name and deliver job events:
// answers are checked against the contract, so a mismatched engine fails loudly here.
import { z } from 'zod';
import { EditResult, ExportResult, FigmaBridgeState, History, JobEvent, JobRef, VersionView, type ApiMethod, type LoupeApi } from '../../engine/api/contract.ts';

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

const Empty = z.object({});

export function apiClient(transport: Transport): LoupeApi {
  const call = async <S extends z.ZodType>(method: ApiMethod, body: unknown, schema: S): Promise<z.infer<S>> => schema.parse(await transport.call(method, body));
  return {
    convert: (request) => call('convert', request, JobRef),
    detectVideo: (request) => call('detectVideo', request, JobRef),
    generateVideo: (request) => call('generateVideo', request, JobRef),
    regenerate: (request) => call('regenerate', request, JobRef),
    cancel: async (jobId) => void (await call('cancel', { jobId }, Empty)),
    edit: (request) => call('edit', request, EditResult),
    history: () => call('history', {}, History),
    open: (versionId) => call('open', { versionId }, VersionView),
    save: (request) => call('save', request, VersionView),
    remove: async (request) => void (await call('delete', request, Empty)),
    exportCode: (request) => call('export', request, ExportResult),
    figmaBridge: () => call('figmaBridge', {}, FigmaBridgeState),
    figmaNewCode: () => call('figmaNewCode', {}, FigmaBridgeState),
    subscribe: (listener) =>
      transport.events((raw) => {
        const event = JobEvent.safeParse(raw);
        if (event.success) listener(event.data);
      }),
  };
}

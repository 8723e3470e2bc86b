// The engine's API over a message port: the desktop app runs the engine in its own process and
// talks to it with messages (Electron's utility process port; a worker_threads MessagePort in
// tests). Requests carry an id; answers and job events come back on the same port.
import type { ApiMethod } from '../api/contract.ts';
import { isLoupeError } from '../errors.ts';
import type { EngineService } from './service.ts';

export type PortRequest = { id: number; method: string; body: unknown } | { id: number; artifact: string };
export type PortMessage =
  | { id: number; result: unknown }
  | { id: number; error: { code: string; message: string } }
  | { id: number; bytes: Uint8Array | null; mime: string }
  | { event: unknown };

export interface MessagePortLike {
  post(message: PortMessage): void;
  onMessage(listener: (message: PortRequest) => void): void;
}

export function hostService(service: EngineService, port: MessagePortLike): void {
  service.subscribe((event) => port.post({ event }));
  port.onMessage(async (request) => {
    if ('artifact' in request) {
      const item = service.artifact(request.artifact);
      return port.post({ id: request.id, bytes: item?.bytes ?? null, mime: item?.mime ?? '' });
    }
    const method = Object.hasOwn(service.methods, request.method) ? service.methods[request.method as ApiMethod] : undefined;
    try {
      if (!method) throw Object.assign(new Error(`${request.method} is not part of the API.`), { code: 'NOT_FOUND' });
      port.post({ id: request.id, result: await method(request.body) });
    } catch (error) {
      const code = isLoupeError(error) ? error.code : ((error as { code?: string }).code ?? 'INTERNAL');
      port.post({ id: request.id, error: { code, message: error instanceof Error ? error.message : String(error) } });
    }
  });
}

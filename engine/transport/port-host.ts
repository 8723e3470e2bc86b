// The engine's API over a message port: the desktop app runs the engine in its own process and
// talks to it with messages (Electron's utility process port; a worker_threads MessagePort in
// tests). Requests carry an id; answers and job events come back on the same port.
import { toApiError, type EngineService } from '../service/service.ts';

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
    const method = service.method(request.method);
    if (!method) return port.post({ id: request.id, error: { code: 'NOT_FOUND', message: `${request.method} is not part of the API.` } });
    try {
      port.post({ id: request.id, result: await method(request.body) });
    } catch (error) {
      port.post({ id: request.id, error: toApiError(error) });
    }
  });
}

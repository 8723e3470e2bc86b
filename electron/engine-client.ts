// The main process's side of the engine's message port: calls with ids, answers matched back,
// job events passed on. When the engine process dies, every pending call fails with a message
// and the caller starts a new engine; the history is in SQLite, so nothing committed is lost.
import type { PortMessage, PortRequest } from '../engine/transport/port-host.ts';

export interface ClientPort {
  post(message: PortRequest): void;
  onMessage(listener: (message: PortMessage) => void): void;
}

export class EngineCallError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

type Pending = { resolve: (value: never) => void; reject: (error: Error) => void };

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly port: ClientPort, private readonly onEvent: (event: unknown) => void) {
    port.onMessage((message) => {
      if ('event' in message) return this.onEvent(message.event);
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if ('error' in message) waiting.reject(new EngineCallError(message.error.code, message.error.message));
      else waiting.resolve(('result' in message ? message.result : message) as never);
    });
  }

  call(method: string, body: unknown): Promise<unknown> {
    return this.request((id) => ({ id, method, body }));
  }

  artifact(id: string): Promise<{ bytes: Uint8Array | null; mime: string }> {
    return this.request((requestId) => ({ id: requestId, artifact: id }));
  }

  /** The engine process is gone: nothing pending will be answered. */
  fail(reason: string): void {
    for (const p of this.pending.values()) p.reject(new EngineCallError('ENGINE_RESTARTED', reason));
    this.pending.clear();
  }

  private request<T>(make: (id: number) => PortRequest): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.port.post(make(id));
    });
  }
}

// The engine as the rest of Loupe uses it: in a worker thread, so a CLI or the app stays
// responsive while tokens are generated, with text streamed back and cancellation that takes
// effect before the next token.
import type { Worker } from 'node:worker_threads';
import { isLoupeError } from '../../errors.ts';
import { fromThreadError, type ThreadError } from '../../threads/thread-errors.ts';
import { startTsWorker } from '../../threads/ts-worker.ts';
import type { EngineOptions, GenerateRequest } from './engine.ts';
import type { WorkerReply, WorkerRequest } from './engine-worker.ts';

type Done = Extract<WorkerReply, { type: 'done' }>;

export class EngineClient {
  private nextId = 1;
  private constructor(
    private readonly worker: Worker,
    private readonly cancelFlag: Int32Array,
    readonly info: Extract<WorkerReply, { type: 'ready' }>['info'],
  ) {}

  /** Opens the model package in a new worker; rejects with the engine's error (a bad package) as it is. */
  static open(dir: string, options: EngineOptions = {}): Promise<EngineClient> {
    const cancel = new SharedArrayBuffer(4);
    const worker = startTsWorker(new URL('./engine-worker.ts', import.meta.url), { dir, options, cancel });
    return new Promise((resolve, reject) => {
      const onMessage = (m: WorkerReply) => {
        worker.off('message', onMessage);
        if (m.type === 'ready') resolve(new EngineClient(worker, new Int32Array(cancel), m.info));
        else if (m.type === 'error') {
          void worker.terminate();
          reject(asError(m));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  /** Generates; `onText` gets each piece of text as it is decoded. An aborted signal stops it before the next token. */
  generate(request: GenerateRequest, onText: (text: string, token: number) => void = () => {}, signal?: AbortSignal): Promise<Omit<Done, 'type' | 'id'>> {
    const id = this.nextId++;
    const cancel = () => Atomics.store(this.cancelFlag, 0, 1);
    // Cleared here, before the request is posted, rather than by the worker as it starts: a cancel
    // that comes in between must stop this generation, not be wiped.
    Atomics.store(this.cancelFlag, 0, 0);
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    return new Promise((resolve, reject) => {
      const onMessage = (m: WorkerReply) => {
        if (!('id' in m) || m.id !== id) return;
        if (m.type === 'text') return onText(m.text, m.token);
        this.worker.off('message', onMessage);
        signal?.removeEventListener('abort', cancel);
        if (m.type === 'done') resolve({ result: m.result, stats: m.stats });
        else if (m.type === 'error') reject(asError(m));
      };
      this.worker.on('message', onMessage);
      this.worker.postMessage({ type: 'generate', id, request } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' });
    await new Promise((resolve) => this.worker.once('exit', resolve));
  }
}

function asError(m: ThreadError): Error {
  const error = fromThreadError(m);
  return isLoupeError(error) ? error : new Error(`The model engine failed: ${error.message}`);
}

// The engine's worker thread: opens the model once, then generates on request. Generation
// blocks this thread (onnxruntime runs synchronously); text streams out as messages, and a
// shared flag set by the caller cancels between tokens.
import { parentPort, workerData } from 'node:worker_threads';
import { toThreadError, type ThreadError } from '../../threads/thread-errors.ts';
import { MoeEngine, type EngineOptions, type GenerateRequest } from './engine.ts';

export type WorkerRequest = { type: 'generate'; id: number; request: GenerateRequest };
export type WorkerReply =
  | { type: 'ready'; info: { vocabSize: number; layers: number; experts: number } }
  | { type: 'text'; id: number; text: string; token: number }
  | { type: 'done'; id: number; result: ReturnType<MoeEngine['generate']>; stats: ReturnType<MoeEngine['stats']> }
  | ({ type: 'error'; id?: number } & ThreadError);

const { dir, options, cancel } = workerData as { dir: string; options: EngineOptions; cancel: SharedArrayBuffer };
const flag = new Int32Array(cancel);
const port = parentPort!;
const post = (reply: WorkerReply) => port.postMessage(reply);
const failure = (error: unknown, id?: number): WorkerReply => ({ type: 'error', id, ...toThreadError(error) });

try {
  const engine = await MoeEngine.open(dir, options);
  const t = engine.pkg.config.text_config;
  post({ type: 'ready', info: { vocabSize: t.vocab_size, layers: t.num_hidden_layers, experts: t.n_routed_experts } });
  port.on('message', (m: WorkerRequest | { type: 'close' }) => {
    if (m.type === 'close') {
      engine.close();
      port.close();
      return;
    }
    try {
      const result = engine.generate(m.request, (text, token) => post({ type: 'text', id: m.id, text, token }), () => Atomics.load(flag, 0) === 1);
      post({ type: 'done', id: m.id, result, stats: engine.stats() });
    } catch (error) {
      post(failure(error, m.id));
    }
  });
} catch (error) {
  post(failure(error));
  port.close();
}

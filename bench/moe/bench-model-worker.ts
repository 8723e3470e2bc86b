// Writes the bench model in a worker thread (bench-model.ts), so the gigabytes its generator
// allocates go with the worker's heap rather than stay in the bench process's RSS.
import { parentPort, workerData } from 'node:worker_threads';
import { createTestModel } from '../../testing/moe/test-models.ts';

createTestModel((workerData as { dir: string }).dir, { size: 'bench' }).then(
  () => parentPort!.postMessage({ ok: true }),
  (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
);

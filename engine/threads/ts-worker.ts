// Worker threads whose entry module is TypeScript, as every engine module is.
import { SHARE_ENV, Worker } from 'node:worker_threads';

/**
 * Starts a worker from a .ts file. `execArgv: ['--import', 'tsx']` does not reach a worker's
 * entry module on Node 20, so a tiny bootstrap registers tsx's loader and then imports it.
 * The worker shares the process's environment rather than a copy of it, so that a variable a
 * module sets for a native library (onnxruntime's telemetry switch, moe/runtime/ort-offline.ts)
 * reaches that library from a worker too.
 */
export function startTsWorker(url: URL, workerData?: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData, env: SHARE_ENV });
}

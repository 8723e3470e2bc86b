// Worker threads whose entry module is TypeScript, as every engine module is.
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker from a .ts file. `execArgv: ['--import', 'tsx']` does not reach a worker's
 * entry module on Node 20, so a tiny bootstrap registers tsx's loader and then imports it.
 */
export function startTsWorker(url: URL, workerData?: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

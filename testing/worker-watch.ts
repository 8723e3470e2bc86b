// The worker threads that code under test starts, by entry module. A test asserts with it that
// heavy work left the thread it was asked on — the structure — instead of timing that thread,
// which a loaded machine turns into a flaky test.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { WorkerOptions } from 'node:worker_threads';

// The CommonJS face of the built-in: replacing its Worker and syncing updates what every ES
// module imported as `Worker` too (engine/threads/ts-worker.ts among them).
const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');

export interface WorkerWatch {
  /** Entry modules (file names or URLs, as given) of the workers started since the watch began that are still running. */
  running(): string[];
  /** Puts the built-in Worker back. */
  stop(): void;
}

/**
 * The entry module a worker runs: its file, or for an evaluated bootstrap (startTsWorker's, which
 * registers tsx and then imports the entry) the last module it imports.
 */
function entryOf(filename: string | URL, options: WorkerOptions | undefined): string {
  if (!options?.eval) return String(filename);
  const imports = [...String(filename).matchAll(/import\((["'])([^"']+)\1\)/g)];
  return imports.at(-1)?.[2] ?? String(filename);
}

export function watchWorkers(): WorkerWatch {
  const Original = workerThreads.Worker;
  const alive = new Set<{ entry: string }>();
  workerThreads.Worker = class WatchedWorker extends Original {
    constructor(filename: string | URL, options?: WorkerOptions) {
      super(filename, options);
      const record = { entry: entryOf(filename, options) };
      alive.add(record);
      this.once('exit', () => alive.delete(record));
    }
  };
  syncBuiltinESMExports();
  return {
    running: () => [...alive].map((r) => r.entry),
    stop: () => {
      workerThreads.Worker = Original;
      syncBuiltinESMExports();
    },
  };
}

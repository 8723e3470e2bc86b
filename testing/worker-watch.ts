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
  /** Messages received so far from the workers whose entry module ends with `entrySuffix`: each is work that thread did. */
  messages(entrySuffix: string): number;
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
  const started: { entry: string; alive: boolean; messages: number }[] = [];
  workerThreads.Worker = class WatchedWorker extends Original {
    constructor(filename: string | URL, options?: WorkerOptions) {
      super(filename, options);
      const record = { entry: entryOf(filename, options), alive: true, messages: 0 };
      started.push(record);
      this.on('message', () => record.messages++);
      this.once('exit', () => (record.alive = false));
    }
  };
  syncBuiltinESMExports();
  return {
    running: () => started.filter((r) => r.alive).map((r) => r.entry),
    messages: (entrySuffix) => started.filter((r) => r.entry.endsWith(entrySuffix)).reduce((sum, r) => sum + r.messages, 0),
    stop: () => {
      workerThreads.Worker = Original;
      syncBuiltinESMExports();
    },
  };
}

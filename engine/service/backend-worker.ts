// Opens a model package off the server's thread and says whether it opened (see backend.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { openPackage } from '../moe/package.ts';
import { toThreadError } from '../threads/thread-errors.ts';
import type { PackageCheck } from './backend.ts';

let check: PackageCheck;
try {
  openPackage(workerData as string).close();
  check = { ok: true };
} catch (error) {
  check = { ok: false, ...toThreadError(error) };
}
parentPort!.postMessage(check);

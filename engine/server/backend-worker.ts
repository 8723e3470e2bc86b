// Opens a model package off the server's thread and says whether it opened (see backend.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { isLoupeError } from '../errors.ts';
import { openPackage } from '../moe/package.ts';
import type { PackageCheck } from './backend.ts';

let check: PackageCheck;
try {
  openPackage(workerData as string).close();
  check = { ok: true };
} catch (error) {
  check = { ok: false, ...(isLoupeError(error) && { code: error.code }), message: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(check);

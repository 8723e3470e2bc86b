// Opens a model package off the server's thread and says whether it opened, and whether it is a
// test package (see backend.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { openPackage } from '../moe/package.ts';
import { toThreadError } from '../threads/thread-errors.ts';
import type { PackageCheck } from './backend.ts';

let check: PackageCheck;
try {
  const pkg = openPackage(workerData as string);
  check = { ok: true, testPackage: pkg.testPackage };
  pkg.close();
} catch (error) {
  check = { ok: false, ...toThreadError(error) };
}
parentPort!.postMessage(check);

// Opens a model package off the server's thread and says whether it opened, and what it is: a
// test package or not, what its weights came from, how they are quantised (see backend.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { openPackage } from '../moe/package.ts';
import { toThreadError } from '../threads/thread-errors.ts';
import type { PackageCheck } from './backend.ts';

let check: PackageCheck;
try {
  const pkg = openPackage(workerData as string);
  const { source, quantisation } = pkg.manifest;
  check = {
    ok: true,
    found: {
      testPackage: pkg.testPackage,
      ...(typeof source?.name === 'string' && { source: source.name }),
      bits: quantisation.bits,
    },
  };
  pkg.close();
} catch (error) {
  check = { ok: false, ...toThreadError(error) };
}
parentPort!.postMessage(check);

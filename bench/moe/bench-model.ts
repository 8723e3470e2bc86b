// The engine bench's model, written once into its cache folder. It is written in a worker
// thread: the generator makes each tensor whole (the embedding is 1.3 GB as float32), and were it
// made in the bench's own heap, memory freed but not handed back would count in the engine's
// peak RSS measured afterwards.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTsWorker } from '../../engine/threads/ts-worker.ts';

/**
 * The bench model's folder in the cache. A new name whenever the bench model changes, so an
 * older cached one is never timed as if it were this one (the first was `bench-model`, a tenth
 * of Kimi-VL's width).
 */
export const BENCH_MODEL_FOLDER = 'bench-model-kimi-vl-a3b-widths';

/** The bench model's folder under `cacheDir`, written first when it holds no complete package. */
export async function benchModel(cacheDir: string, say: (line: string) => void): Promise<string> {
  const dir = join(cacheDir, BENCH_MODEL_FOLDER);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  say(`writing the bench model into ${dir}…`);
  const worker = startTsWorker(new URL('./bench-model-worker.ts', import.meta.url), { dir });
  try {
    const [result] = (await once(worker, 'message')) as [{ ok: boolean; error?: string }];
    if (!result.ok) throw new Error(`writing the bench model into ${dir} failed: ${result.error}`);
  } finally {
    await worker.terminate();
  }
  return dir;
}

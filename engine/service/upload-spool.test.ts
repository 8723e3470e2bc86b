// The upload spool on real files: what an engine spools is its own, and an engine starting on a
// data folder removes what engines no longer running left there, never a running engine's.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UploadSpool, uploadsDir } from './upload-spool.ts';

test("an engine starting removes the uploads of engines that died, and keeps a running engine's", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'loupe-spool-'));
  // Past Linux's largest process id (2^22): no process has it.
  const dead = join(uploadsDir(dataDir), '4294967-left-by-a-killed-engine');
  const alive = join(uploadsDir(dataDir), `${process.ppid}-another-engine`);
  for (const dir of [dead, alive]) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'upload'), 'bytes');
  }
  const spool = new UploadSpool(dataDir);
  assert.ok(!existsSync(dead), 'the dead engine\'s uploads are gone');
  assert.ok(existsSync(join(alive, 'upload')), 'the running engine\'s upload stays');

  const upload = await spool.put(Buffer.from('a design'));
  assert.equal((await upload.read()).toString(), 'a design');
  assert.ok(upload.path.startsWith(spool.dir));
  await upload.remove();
  assert.deepEqual(await readdir(spool.dir), []);
  await spool.put(Buffer.from('still queued at the stop'));
  spool.close();
  assert.ok(!existsSync(spool.dir));
});

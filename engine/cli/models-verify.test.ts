import test from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile } from '../moe/safetensors.ts';
import { loupe } from '../../testing/run-loupe.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-models-verify-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

test('models verify passes a whole package and names the damaged tensor and file of another', async () => {
  const dir = join(root, 'pkg');
  assert.equal((await loupe('models', 'create-test', dir)).code, 0);
  const ok = await loupe('models', 'verify', dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /tensors, [\d.]+ GB, every checksum as recorded/);

  const file = 'weights/layer-001.safetensors';
  const path = join(dir, file);
  const st = SafetensorsFile.open(path);
  const [name, entry] = [...st.tensors].at(-1)!;
  st.close();
  const fd = openSync(path, 'r+');
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, st.dataStart + entry.begin);
  byte[0]! ^= 0x01;
  writeSync(fd, byte, 0, 1, st.dataStart + entry.begin);
  closeSync(fd);

  const bad = await loupe('models', 'verify', dir);
  assert.equal(bad.code, 2);
  assert.ok(bad.stderr.includes(file) && bad.stderr.includes(`(${name})`) && bad.stderr.includes('fails its checksum'), bad.stderr);
});

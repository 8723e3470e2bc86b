import test from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';
import { isLoupeError } from '../errors.ts';
import { convertCheckpoint } from './convert-checkpoint.ts';
import { openPackage, verifyPackage } from './package.ts';
import { addToMarker, fileStamp, MARKER, verifiedFiles } from './package-marker.ts';
import { SafetensorsFile } from './safetensors.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-marker-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const hf = join(root, 'hf');
let count = 0;
test.before(() => writeTestCheckpoint(hf, { seed: 8 }));

const EXPERT = 'language_model.model.layers.2.mlp.experts.3.up_proj.weight';
const LAYER_FILE = 'weights/layer-002.safetensors';

/**
 * A converted package whose every file the marker covers. File times are coarse, and a file changed
 * in the marker's own clock tick is not trusted; so the file clock is let run past the package's
 * files before it is verified (waiting on the times themselves, not on a duration).
 */
async function verifiedPackage(): Promise<string> {
  const dir = join(root, `pkg-${count++}`);
  await convertCheckpoint(hf, dir, { quant: 'int4' });
  const pkg = openPackage(dir);
  const newest = Math.max(...Object.keys(pkg.manifest.files).map((f) => statSync(join(dir, f)).ctimeMs));
  pkg.close();
  const probe = join(root, 'probe');
  do writeFileSync(probe, 'tick');
  while (statSync(probe).ctimeMs <= newest);
  await verifyPackage(dir);
  return dir;
}

function readAll(dir: string) {
  const pkg = openPackage(dir);
  for (const name of pkg.names()) pkg.get(name);
  pkg.close();
  return pkg.stats;
}

test('a verified package is read without hashing; a file changed since is hashed again and its damage caught, by name', async () => {
  const dir = await verifiedPackage();
  const clean = readAll(dir);
  assert.ok(clean.bytesRead > 0);
  assert.equal(clean.bytesVerified, 0);

  const path = join(dir, LAYER_FILE);
  const file = SafetensorsFile.open(path);
  const at = file.dataStart + file.entry(`${EXPERT}.qweight`).begin;
  file.close();
  const fd = openSync(path, 'r+');
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, at);
  byte[0]! ^= 0x33;
  writeSync(fd, byte, 0, 1, at);
  closeSync(fd);

  const pkg = openPackage(dir);
  assert.throws(() => pkg.get(EXPERT), (e) => isLoupeError(e) && e.code === 'MODEL_CORRUPT' && e.message.includes(EXPERT) && e.message.includes(LAYER_FILE) && e.message.includes('checksum'));
  // Only the changed file is hashed; the others stay trusted.
  const hashed = pkg.stats.bytesVerified;
  assert.ok(hashed > 0);
  pkg.get('language_model.model.layers.1.mlp.experts.0.up_proj.weight');
  pkg.get('language_model.model.norm.weight');
  assert.equal(pkg.stats.bytesVerified, hashed);
  pkg.close();
  await assert.rejects(verifyPackage(dir), (e) => isLoupeError(e) && e.code === 'MODEL_CORRUPT' && e.message.includes(`${EXPERT}.qweight`));
});

test("verify: 'always' hashes every read, marker or not", async () => {
  const dir = await verifiedPackage();
  const pkg = openPackage(dir, { verify: 'always' });
  pkg.get(EXPERT);
  pkg.get(EXPERT);
  assert.equal(pkg.stats.bytesVerified, 2 * pkg.storedBytes(EXPERT));
  pkg.close();
});

test('a package without a marker (copied in) is hashed once: each file whose every tensor passed is marked, and the next run reads it unhashed', async () => {
  const dir = await verifiedPackage();
  rmSync(join(dir, MARKER));
  const manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8');
  const weightsFiles = Object.keys(JSON.parse(manifestText).files).filter((f) => f.startsWith('weights/'));

  // One tensor of a layer file read: that file is not yet wholly checked, so not marked.
  const partial = openPackage(dir);
  partial.get(EXPERT);
  partial.close();
  assert.equal(existsSync(join(dir, MARKER)), false);

  const first = readAll(dir);
  assert.equal(first.bytesVerified, first.bytesRead, 'every byte hashed on the first run');
  assert.deepEqual([...verifiedFiles(dir, manifestText)].sort(), weightsFiles.sort());
  assert.equal(readAll(dir).bytesVerified, 0, 'none on the next');
});

test('a file changed after its reading began is not added to the marker', async () => {
  const dir = await verifiedPackage();
  rmSync(join(dir, MARKER));
  const manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8');
  const [size, ctimeMs] = fileStamp(join(dir, LAYER_FILE));
  addToMarker(dir, manifestText, LAYER_FILE, [size, ctimeMs - 1]);
  assert.equal(verifiedFiles(dir, manifestText).has(LAYER_FILE), false);
  addToMarker(dir, manifestText, LAYER_FILE, [size, ctimeMs]);
  assert.equal(verifiedFiles(dir, manifestText).has(LAYER_FILE), true);
});

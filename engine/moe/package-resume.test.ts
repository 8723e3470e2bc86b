import test from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { writeReleaseCheckpoint } from '../../testing/moe/quantised-checkpoint.ts';
import { isLoupeError } from '../errors.ts';
import { convertCheckpoint } from './convert-checkpoint.ts';
import { openPackage } from './package.ts';
import { MARKER } from './package-marker.ts';
import { PARTIAL } from './package-resume.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-resume-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const hf = join(root, 'hf');
const reference = join(root, 'uninterrupted');

test.before(async () => {
  await writeReleaseCheckpoint(hf, 'fp8', { seed: 5 });
  await convertCheckpoint(hf, reference, { quant: 'int4' });
});

/** Every file under `dir` (relative path → bytes). */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

/** Every file the same, byte for byte, but verified.json: machine-local, it records the files' change times. */
function assertSameBytes(dir: string, expected: string) {
  const got = tree(dir);
  const want = tree(expected);
  assert.ok(got.delete(MARKER) && want.delete(MARKER));
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [file, bytes] of want) assert.ok(bytes.equals(got.get(file)!), `${file} differs from the uninterrupted conversion's`);
}

/** Converts with resume, cancelled once the first tensor of layer `stopAt` is written. */
async function cutShort(out: string, stopAt: string) {
  const abort = new AbortController();
  await assert.rejects(
    convertCheckpoint(hf, out, {
      quant: 'int4',
      resume: true,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.tensor.startsWith(`language_model.model.layers.${stopAt}.`)) abort.abort();
      },
    }),
    (e) => isLoupeError(e) && e.code === 'CANCELLED',
  );
}

test('a conversion cut short resumes where it stopped: finished layers kept, the package byte for byte the uninterrupted one', async () => {
  const out = join(root, 'resumed');
  await cutShort(out, '2');
  // Not a package: no manifest, and the record of what was finished.
  assert.ok(!existsSync(join(out, 'manifest.json')));
  assert.throws(() => openPackage(out), (e) => isLoupeError(e) && e.code === 'MODEL_NOT_FOUND');
  const finished = JSON.parse(readFileSync(join(out, PARTIAL), 'utf8')).files as Record<string, unknown>;
  assert.deepEqual(Object.keys(finished), ['weights/embed.safetensors', 'weights/layer-000.safetensors', 'weights/layer-001.safetensors']);
  assert.ok(!existsSync(join(out, 'weights/layer-002.safetensors')), 'the file being written when cancelled is removed');
  const before = statSync(join(out, 'weights/layer-001.safetensors'));

  const loaded: string[] = [];
  await convertCheckpoint(hf, out, { quant: 'int4', resume: true, onProgress: (p) => loaded.push(p.tensor) });
  // The finished file was kept, not written again.
  assert.equal(statSync(join(out, 'weights/layer-001.safetensors')).mtimeMs, before.mtimeMs);
  assert.equal(statSync(join(out, 'weights/layer-001.safetensors')).ino, before.ino);
  assertSameBytes(out, reference);
  openPackage(out).close();
});

test('a conversion process killed part-way (SIGKILL: no clean-up runs) resumes to the uninterrupted package', async () => {
  const out = join(root, 'killed');
  // The child kills itself once layer 2 is being written: a kill at a known point, not a timed one.
  const code = `
    import { convertCheckpoint } from ${JSON.stringify(new URL('./convert-checkpoint.ts', import.meta.url).href)};
    await convertCheckpoint(${JSON.stringify(hf)}, ${JSON.stringify(out)}, { quant: 'int4', resume: true, onProgress: (p) => {
      if (p.tensor.startsWith('language_model.model.layers.2.')) process.kill(process.pid, 'SIGKILL');
    } });`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  assert.ok(!existsSync(join(out, 'manifest.json')));
  assert.ok(existsSync(join(out, 'weights/layer-002.safetensors')), 'the kill leaves the file it was writing');
  await convertCheckpoint(hf, out, { quant: 'int4', resume: true });
  assertSameBytes(out, reference);
});

test('a finished file damaged before resuming, and one a kill left half-written, are written again; a plain conversion does not resume', async () => {
  const out = join(root, 'damaged');
  await cutShort(out, '2');
  const path = join(out, 'weights/layer-001.safetensors');
  const fd = openSync(path, 'r+');
  const byte = Buffer.alloc(1);
  const at = statSync(path).size - 10;
  readSync(fd, byte, 0, 1, at);
  byte[0]! ^= 0xff;
  writeSync(fd, byte, 0, 1, at);
  closeSync(fd);

  // A kill leaves the file it was writing half-written, and unrecorded.
  writeFileSync(join(out, 'weights/layer-002.safetensors'), 'half a header');

  // Without resume the leftovers are refused, as any non-empty output folder is.
  await assert.rejects(convertCheckpoint(hf, out, { quant: 'int4' }), (e) => isLoupeError(e) && e.code === 'OUTPUT_EXISTS');
  await convertCheckpoint(hf, out, { quant: 'int4', resume: true });
  assertSameBytes(out, reference);
});

test('a record of another conversion (other quantisation) is not used', async () => {
  const out = join(root, 'other');
  await cutShort(out, '2');
  await convertCheckpoint(hf, out, { quant: 'int8', resume: true });
  const pkg = openPackage(out);
  assert.equal(pkg.manifest.quantisation.bits, 8);
  assert.equal(pkg.storage('language_model.model.layers.1.mlp.experts.0.up_proj.weight'), 'int8');
  pkg.close();
  assert.ok(!existsSync(join(out, PARTIAL)));
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, symlink, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFilesInside } from './output.ts';
import { LoupeError } from '../errors.ts';

const unsafe = (e: unknown) => e instanceof LoupeError && e.code === 'OUTPUT_UNSAFE';

test('files land under the output folder, nested folders created', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'loupe-out-')), 'out');
  const written = await writeFilesInside(out, [{ path: 'index.html', contents: '<p>x</p>' }, { path: 'assets/a.png', contents: new Uint8Array([1, 2]) }]);
  assert.deepEqual(written, ['index.html', 'assets/a.png']);
  assert.equal(await readFile(join(out, 'index.html'), 'utf8'), '<p>x</p>');
});

test('paths that escape the folder are refused and nothing is written', async () => {
  const base = await mkdtemp(join(tmpdir(), 'loupe-out-'));
  const out = join(base, 'out');
  for (const path of ['../evil.html', '/etc/evil', 'a/../../evil', '']) {
    await assert.rejects(writeFilesInside(out, [{ path: 'ok.html', contents: 'x' }, { path, contents: 'x' }]), unsafe);
  }
  assert.deepEqual((await readdir(base)).sort(), ['out']);
  assert.deepEqual(await readdir(out), []);
});

test('a symbolic link inside the folder is not written through', async () => {
  const base = await mkdtemp(join(tmpdir(), 'loupe-out-'));
  await mkdir(join(base, 'out'));
  await mkdir(join(base, 'elsewhere'));
  await symlink(join(base, 'elsewhere'), join(base, 'out', 'assets'));
  await assert.rejects(writeFilesInside(join(base, 'out'), [{ path: 'assets/a.png', contents: 'x' }]), unsafe);
  assert.deepEqual(await readdir(join(base, 'elsewhere')), []);
});

test('a file where a folder should go is a message, not a crash', async () => {
  const out = await mkdtemp(join(tmpdir(), 'loupe-out-'));
  await writeFile(join(out, 'assets'), 'a file, not a folder');
  await assert.rejects(writeFilesInside(out, [{ path: 'assets/a.png', contents: 'x' }]), (e) => unsafe(e) && /Could not write the output into .*assets/.test((e as Error).message));
});

// Real paths of each kind --out, --data or --diff could name: a file, a folder, a path under a
// file, a device, the kernel's folders, a new folder. What cannot take output is refused before
// any work.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeError } from '../errors.ts';
import { checkOutputFile, checkOutputFolder } from './output-folder.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-out-folder-'));
const unsafe = (message: RegExp) => (e: unknown) => e instanceof LoupeError && e.code === 'OUTPUT_UNSAFE' && message.test(e.message);

test('a new folder, or one that exists, is accepted', async () => {
  await checkOutputFolder(join(dir, 'new', 'deeper'), '--out');
  await checkOutputFolder(dir, '--out');
});

test('a file, a path under a file and a device are refused', async () => {
  const file = join(dir, 'file.txt');
  await writeFile(file, 'x');
  await assert.rejects(checkOutputFolder(file, '--out'), unsafe(/file\.txt is a file; --out names a folder/));
  await assert.rejects(checkOutputFolder(join(file, 'sub'), '--data'), unsafe(/file\.txt is a file, so .*sub cannot be made in it; --data names a folder/));
  if (process.platform !== 'win32') await assert.rejects(checkOutputFolder('/dev/null', '--out'), unsafe(/\/dev\/null is a device/));
});

test('an empty name, which would mean the working folder, is refused', async () => {
  await assert.rejects(checkOutputFolder('', '--out'), unsafe(/^The name given is empty; --out names a folder/));
  await assert.rejects(checkOutputFolder('  ', '--data'), unsafe(/empty; --data names a folder/));
  await assert.rejects(checkOutputFile('', '--diff'), unsafe(/empty; --diff names a file/));
});

test("the kernel's folders are refused", { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
  await assert.rejects(checkOutputFolder('/proc/self/loupe-out', '--out'), unsafe(/is in \/proc, which holds the kernel's files/));
  await assert.rejects(checkOutputFolder('/sys/loupe-out', '--out'), unsafe(/is in \/sys/));
});

test('a file to write: a new or existing file is accepted; a folder, a device or a path under a file is refused', async () => {
  const file = join(dir, 'heat.png');
  await checkOutputFile(file, '--diff');
  await writeFile(file, 'x');
  await checkOutputFile(file, '--diff');
  await assert.rejects(checkOutputFile(dir, '--out'), unsafe(/is a folder; --out names a file to write, in a folder you can write to/));
  await assert.rejects(checkOutputFile(join(file, 'x.png'), '--out'), unsafe(/heat\.png is a file; --out names a file to write/));
  if (process.platform !== 'win32') await assert.rejects(checkOutputFile('/dev/null', '--diff'), unsafe(/\/dev\/null is a device; --diff names a file/));
  if (process.platform === 'linux') await assert.rejects(checkOutputFile('/proc/self/heat.png', '--diff'), unsafe(/is in \/proc/));
});

test('a link that loops, as a folder or as a file to write, is refused with what is wrong', { skip: process.platform === 'win32' && 'POSIX links' }, async () => {
  const loop = join(dir, 'loop');
  await symlink(join(dir, 'loop-back'), loop);
  await symlink(loop, join(dir, 'loop-back'));
  await assert.rejects(checkOutputFolder(loop, '--out'), unsafe(/loop cannot be used: its symbolic links go round in a loop; --out names a folder/));
  await assert.rejects(checkOutputFile(loop, '--diff'), unsafe(/loop cannot be used: its symbolic links go round in a loop; --diff names a file/));
});

// Real files of each kind a user could name: a FIFO (made with mkfifo), a device, a folder, a
// missing path, a file over the limit. Only a regular file within the limit is read; the rest is
// refused at once, without a read that could block or fill memory.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeError } from '../errors.ts';
import { readRegularFile, readRegularFileSync } from './regular-file.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-regular-'));
const limit = { maxBytes: 1024, what: 'an image' };
const refused = (code: LoupeError['code'], message: RegExp) => (e: unknown) => e instanceof LoupeError && e.code === code && message.test(e.message);

/** A FIFO, where the system has mkfifo (not Windows). */
function fifo(): string | undefined {
  const path = join(dir, 'pipe.png');
  try {
    execFileSync('mkfifo', [path]);
    return path;
  } catch {
    return undefined;
  }
}

test('a regular file within the limit is read, async and sync', async () => {
  const path = join(dir, 'ok.png');
  await writeFile(path, 'bytes');
  assert.equal((await readRegularFile(path, limit)).toString(), 'bytes');
  assert.equal(readRegularFileSync(path, limit).toString(), 'bytes');
});

test('a FIFO, a device and a folder are refused at once, naming what they are', { skip: process.platform === 'win32' && 'no FIFOs or /dev on Windows' }, async () => {
  const pipe = fifo();
  assert.ok(pipe, 'mkfifo made a FIFO');
  // Opening a FIFO for reading would wait for a writer forever: the test's own time limit would end it.
  await assert.rejects(readRegularFile(pipe, limit), refused('INPUT_UNSUPPORTED', /pipe\.png is a named pipe \(FIFO\); an image must be a regular file/));
  assert.throws(() => readRegularFileSync(pipe, limit), refused('INPUT_UNSUPPORTED', /named pipe/));
  await assert.rejects(readRegularFile('/dev/zero', limit), refused('INPUT_UNSUPPORTED', /\/dev\/zero is a device/));
  await assert.rejects(readRegularFile(dir, limit), refused('INPUT_UNSUPPORTED', /is a folder/));
});

test('a file over the limit and a missing file are refused', async () => {
  const big = join(dir, 'big.png');
  await writeFile(big, Buffer.alloc(2 * 1024 * 1024));
  await assert.rejects(readRegularFile(big, { maxBytes: 1024 * 1024, what: 'an image' }), refused('INPUT_TOO_LARGE', /big\.png is 2 MB; an image may be at most 1 MB/));
  await assert.rejects(readRegularFile(join(dir, 'missing.png'), limit), refused('INPUT_NOT_FOUND', /missing\.png: no such file/));
});

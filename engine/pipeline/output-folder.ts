// The folder a command will write into (--out, --data), checked before any work starts: a
// conversion that runs for a minute must not end in an error about where it could not write.
import { constants, type Stats } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { LoupeError } from '../errors.ts';

/** Linux's kernel file systems: files there are the kernel's, never a place for output. */
const KERNEL_FOLDERS = ['/proc', '/sys', '/dev'];

const kindOf = (s: Stats) => (s.isFile() ? 'a file' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isFIFO() ? 'a named pipe' : s.isSocket() ? 'a socket' : 'not a folder');

/** The path itself when it exists, else its nearest existing parent, with what is there. */
async function nearestExisting(path: string): Promise<{ path: string; stats: Stats }> {
  for (let at = path; ; at = dirname(at)) {
    const stats = await stat(at).catch(() => undefined);
    if (stats) return { path: at, stats };
    if (dirname(at) === at) throw new LoupeError('OUTPUT_UNSAFE', `${path}: no folder on its way can be read.`);
  }
}

/**
 * Refuses a folder that cannot take output: one that is a file or a device, lies in the
 * kernel's file systems, or (nor its nearest existing parent) cannot be written. `flag` is the
 * option that named it, for the message. The folder itself is made later, by the writer.
 */
export async function checkOutputFolder(dir: string, flag: string): Promise<void> {
  const target = resolve(dir);
  const existing = await nearestExisting(target);
  if (!existing.stats.isDirectory()) {
    const where = existing.path === target ? `${dir} is ${kindOf(existing.stats)}` : `${existing.path} is ${kindOf(existing.stats)}, so ${dir} cannot be made in it`;
    throw new LoupeError('OUTPUT_UNSAFE', `${where}; ${flag} names a folder (new or existing) to write into.`);
  }
  const real = await realpath(existing.path);
  const kernel = process.platform === 'linux' ? KERNEL_FOLDERS.find((k) => real === k || real.startsWith(k + sep)) : undefined;
  if (kernel) throw new LoupeError('OUTPUT_UNSAFE', `${dir} is in ${kernel}, which holds the kernel's files, not yours; ${flag} names a folder on disk.`);
  await access(existing.path, constants.W_OK | constants.X_OK).catch(() => {
    throw new LoupeError('OUTPUT_UNSAFE', `${existing.path} is not writable by you, so ${flag} ${dir} cannot be written; pick another folder or change its permissions.`);
  });
}

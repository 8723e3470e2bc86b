// Where a command will write (the folder of --out and --data, the file of render's --out and
// compare's --diff), checked before any work starts: a conversion that runs for a minute must
// not end in an error about where it could not write.
import { constants, type Stats } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { LoupeError } from '../errors.ts';

/** Linux's kernel file systems: files there are the kernel's, never a place for output. */
const KERNEL_FOLDERS = ['/proc', '/sys', '/dev'];

const kindOf = (s: Stats) => (s.isFile() ? 'a file' : s.isDirectory() ? 'a folder' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isFIFO() ? 'a named pipe' : s.isSocket() ? 'a socket' : 'not a folder');

const WHY: Record<string, string> = { ELOOP: 'its symbolic links go round in a loop', EACCES: 'you may not look inside a folder on its way', ENAMETOOLONG: 'its name is too long' };

/** What is at `path`, or undefined when nothing is (or a file stands where a folder on its way should); any other failure refuses it. */
async function statIfThere(path: string, need: string): Promise<Stats | undefined> {
  return stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw new LoupeError('OUTPUT_UNSAFE', `${path} cannot be used: ${WHY[error.code ?? ''] ?? error.message}; ${need}.`);
  });
}

/** The path itself when it exists, else its nearest existing parent, with what is there. */
async function nearestExisting(path: string, need: string): Promise<{ path: string; stats: Stats }> {
  for (let at = path; ; at = dirname(at)) {
    const stats = await statIfThere(at, need);
    if (stats) return { path: at, stats };
    if (dirname(at) === at) throw new LoupeError('OUTPUT_UNSAFE', `${path}: no folder on its way can be read.`);
  }
}

/**
 * Refuses a folder that cannot take output: one that is a file or a device, lies in the
 * kernel's file systems, or (nor its nearest existing parent) cannot be written. `flag` is the
 * option that named it, for the message. The folder itself is made later, by the writer.
 */
export const checkOutputFolder = (dir: string, flag: string): Promise<void> => checkFolder(dir, `${flag} names a folder (new or existing) to write into`);

/**
 * Refuses a file a command will write (render's --out, compare's --diff): one that exists as
 * something other than a file (a folder, a device), or whose folder cannot take output.
 */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  const need = `${flag} names a file to write, in a folder you can write to`;
  refuseEmpty(path, need);
  const stats = await statIfThere(path, need);
  if (stats && !stats.isFile()) throw new LoupeError('OUTPUT_UNSAFE', `${path} is ${kindOf(stats)}; ${need}.`);
  await checkFolder(dirname(resolve(path)), need);
}

/** An empty name would resolve to the working folder, which the user did not name. */
function refuseEmpty(path: string, need: string): void {
  if (path.trim() === '') throw new LoupeError('OUTPUT_UNSAFE', `The name given is empty; ${need}.`);
}

/** `dir` as a place to write, or a refusal saying what is wrong and then `need`. */
async function checkFolder(dir: string, need: string): Promise<void> {
  refuseEmpty(dir, need);
  const target = resolve(dir);
  const existing = await nearestExisting(target, need);
  if (!existing.stats.isDirectory()) {
    const where = existing.path === target ? `${dir} is ${kindOf(existing.stats)}` : `${existing.path} is ${kindOf(existing.stats)}, so ${dir} cannot be made in it`;
    throw new LoupeError('OUTPUT_UNSAFE', `${where}; ${need}.`);
  }
  const real = await realpath(existing.path);
  const kernel = process.platform === 'linux' ? KERNEL_FOLDERS.find((k) => real === k || real.startsWith(k + sep)) : undefined;
  if (kernel) throw new LoupeError('OUTPUT_UNSAFE', `${dir} is in ${kernel}, which holds the kernel's files, not yours; ${need}.`);
  await access(existing.path, constants.W_OK | constants.X_OK).catch(() => {
    throw new LoupeError('OUTPUT_UNSAFE', `${existing.path} is not writable by you, so ${dir} cannot be written; ${need}.`);
  });
}

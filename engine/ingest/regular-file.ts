// Files a user names are read only when they are regular files within a size limit: a FIFO
// would block the read forever, a device (/dev/zero) would fill memory, a folder has no bytes.
// The file is opened without blocking and checked on the open handle, so what is checked is
// what is read.
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { LoupeError } from '../errors.ts';

export interface FileLimit {
  /** The most bytes the file may hold. */
  maxBytes: number;
  /** What the file is for, as a message names it ("an image", "a video"). */
  what: string;
  /** What to do instead when the file is over the limit. */
  tooLarge?: string;
}

// Opening a FIFO for reading waits for a writer unless asked not to; O_NONBLOCK does nothing to
// regular files. Windows has no FIFOs to open, nor the flag.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

const kindOf = (s: Stats) =>
  s.isDirectory() ? 'a folder' : s.isFIFO() ? 'a named pipe (FIFO)' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isSocket() ? 'a socket' : 'not a regular file';

/** Refuses what is not a regular file (a folder, a FIFO, a device); `what` names what it is for. */
export function refuseIrregular(path: string, stats: Stats, what: string): void {
  if (!stats.isFile()) throw new LoupeError('INPUT_UNSUPPORTED', `${path} is ${kindOf(stats)}; ${what} must be a regular file.`);
}

/** Refuses what is not a regular file of at most limit.maxBytes; returns its size. */
export function checkRegularFile(path: string, stats: Stats, limit: FileLimit): number {
  refuseIrregular(path, stats, limit.what);
  if (stats.size > limit.maxBytes) {
    throw new LoupeError('INPUT_TOO_LARGE', `${basename(path)} is ${mb(stats.size)} MB; ${limit.what} may be at most ${mb(limit.maxBytes)} MB.${limit.tooLarge ? ` ${limit.tooLarge}` : ''}`);
  }
  return stats.size;
}

const notFound = (path: string, error: unknown) =>
  new LoupeError('INPUT_NOT_FOUND', `${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be opened (${(error as Error).message})`}.`, { cause: error });

/** The bytes of a regular file within the limit; anything else is refused at once. */
export async function readRegularFile(path: string, limit: FileLimit): Promise<Buffer> {
  const handle = await open(path, OPEN_FLAGS).catch((error: unknown) => {
    throw notFound(path, error);
  });
  try {
    checkRegularFile(path, await handle.stat(), limit);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** readRegularFile for callers that cannot wait (a model package opened synchronously). */
export function readRegularFileSync(path: string, limit: FileLimit): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw notFound(path, error);
  }
  try {
    checkRegularFile(path, fstatSync(fd), limit);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A descriptor of a regular file, for callers that read parts of a large file themselves (a
 * checkpoint's shards); what is not a regular file is refused, and errors opening it are the
 * system's, for the caller to word.
 */
export function openRegularFileSync(path: string, what: string): number {
  const fd = openSync(path, OPEN_FLAGS);
  try {
    refuseIrregular(path, fstatSync(fd), what);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

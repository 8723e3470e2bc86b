// Writes a job's files under the folder the user chose and nowhere else: generated paths
// are untrusted (they come from IR names, models, Figma files).
import { mkdir, lstat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { LoupeError } from '../errors.ts';

export function resolveInside(outDir: string, path: string): string {
  const root = resolve(outDir);
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (path.includes('\0') || isAbsolute(path) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new LoupeError('OUTPUT_UNSAFE', `Refusing to write "${path}": it is outside the output folder ${outDir}.`);
  }
  return target;
}

/** Writes files (relative posix paths) under outDir; returns the paths written, relative to outDir. */
export async function writeFilesInside(outDir: string, files: Array<{ path: string; contents: string | Uint8Array }>): Promise<string[]> {
  const root = resolve(outDir);
  await mkdir(root, { recursive: true }).catch((error: unknown) => {
    throw unwritable(outDir, error);
  });
  const targets = files.map((f) => ({ target: resolveInside(root, f.path), contents: f.contents }));
  try {
    for (const { target, contents } of targets) {
      await mkdir(dirname(target), { recursive: true });
      await refuseLinksBetween(root, target);
      await writeFile(target, contents);
    }
  } catch (error) {
    throw unwritable(outDir, error);
  }
  return targets.map(({ target }) => relative(root, target).split(sep).join('/'));
}

/** What the file system refused (no permission, no space, a file in the way), as a message; anything else as it was. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ENAMETOOLONG']);
function unwritable(outDir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !UNWRITABLE.has(code)) return error;
  return new LoupeError('OUTPUT_UNSAFE', `Could not write the output into ${outDir}: ${(error as Error).message}. Free some space, or pick another folder.`, { cause: error });
}

// A symbolic link already inside the output folder could point anywhere; never write through one.
async function refuseLinksBetween(root: string, target: string): Promise<void> {
  const parts = relative(root, target).split(sep);
  let at = root;
  for (const part of parts) {
    at = resolve(at, part);
    const info = await lstat(at).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      throw new LoupeError('OUTPUT_UNSAFE', `Refusing to write through the symbolic link ${at}.`);
    }
  }
}

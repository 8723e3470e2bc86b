// Where web mode exports: only inside its exports folder (`loupe serve --exports`). The API
// writes a version's files, which an edit can set to anything; were any folder allowed, whoever
// reached the API could write a project (a package.json that npm runs) over one of the user's.
// Links are followed before the check: a link inside the folder may point out of it.
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LoupeError } from '../errors.ts';

/** The folder to export into, `dir` taken inside `root` when relative; refused (OUTPUT_UNSAFE) if it is not inside `root`. */
export async function exportFolderInside(root: string, dir: string): Promise<string> {
  const target = resolve(root, dir);
  const rel = relative(await realParts(root), await realParts(target));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new LoupeError('OUTPUT_UNSAFE', `${dir} is outside the exports folder ${root}: web mode exports only into folders inside it (a name such as "landing" is taken there; \`loupe serve --exports <dir>\` sets it).`);
  }
  return target;
}

/** `path` with its existing part's links resolved; what does not exist yet is appended as it is. */
async function realParts(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(path) === path) throw error;
    return join(await realParts(dirname(path)), basename(path));
  }
}

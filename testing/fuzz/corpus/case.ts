// What a corpus case is: one hostile `loupe` command line, by category, with the inputs it
// needs written on demand into a folder of its own. Cases are listed by hand or made from the
// repository's own data with a fixed seed, so the same list comes back on every machine.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CATEGORIES = ['images', 'videos', 'figma', 'figma-flags', 'out'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_TITLES: Record<Category, string> = {
  images: 'images (truncated, corrupt, bombs, animated, SVG, renamed text…)',
  videos: 'videos (truncated, not a video, odd codecs…)',
  figma: 'Figma JSON',
  'figma-flags': 'Figma flags (`--images`, `--png`, `--node`, `--variables`)',
  out: '`--out` targets (and `serve --data`)',
};

export interface CaseContext {
  /** The case's own folder, empty: its inputs go here. */
  dir: string;
  /** A fresh path for the output folder, outside `dir`. */
  out: string;
}

export interface CorpusCase {
  category: Category;
  /** Unique within its category, safe as a file name: `--case category/name` runs it alone. */
  name: string;
  /** Writes the inputs; returns the arguments given to `loupe` (`convert …` or `serve …`). */
  prepare(context: CaseContext): Promise<string[]>;
}

/** The common shape: one input file written from bytes, converted into the given --out. */
export function fileCase(category: Category, name: string, file: string, bytes: () => Buffer | string | Promise<Buffer | string>, extra: string[] = []): CorpusCase {
  return {
    category,
    name,
    async prepare({ dir, out }) {
      await writeFile(join(dir, file), await bytes());
      return ['convert', join(dir, file), ...extra, '--out', out];
    },
  };
}

/** An input that is made rather than written (a FIFO, a folder, a link), converted into the given --out. */
export function madeCase(category: Category, name: string, file: string, make: (path: string) => unknown): CorpusCase {
  return {
    category,
    name,
    async prepare({ dir, out }) {
      await make(join(dir, file));
      return ['convert', join(dir, file), '--out', out];
    },
  };
}

export const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

/** A file that says it holds `bytes` without taking the disk: sizes past a limit cost nothing. */
export async function sparseFile(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w');
  await handle.truncate(bytes);
  await handle.close();
}

export const folder = (path: string) => mkdir(path, { recursive: true });

const isRoot = () => process.getuid?.() === 0;

/**
 * A folder no one may write into. Root writes past permissions, so under root it is also made
 * immutable (`chattr +i`, where the file system allows it): what a read-only folder is to a user.
 */
export async function readOnlyFolder(path: string): Promise<string> {
  await mkdir(path);
  await chmod(path, 0o555);
  if (isRoot()) lockAttribute(path, '+i');
  return path;
}

/** Makes the folder writable again, so it can be removed. */
export async function writableFolder(path: string): Promise<void> {
  if (isRoot()) lockAttribute(path, '-i');
  await chmod(path, 0o755).catch(() => {});
}

function lockAttribute(path: string, flag: '+i' | '-i'): void {
  try {
    execFileSync('chattr', [flag, path], { stdio: 'ignore' });
  } catch {
    // No chattr, or a file system without the attribute: root can write there after all.
  }
}

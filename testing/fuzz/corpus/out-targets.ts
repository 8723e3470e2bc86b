// `--out` pointed where output must not go or cannot: a file, a read-only folder, devices, the
// kernel's folders, a FIFO, links to those, a path through a file, a name too long, a folder
// whose entries Loupe will write are themselves folders or links out of it; and `serve --data`
// at a file. Each is refused with a message before any work, or written inside the folder.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mkfifo, readOnlyFolder, type CorpusCase } from './case.ts';
import { FRAME_RESPONSE } from './sources.ts';

/** `convert` of the test frame into the `--out` that `target` makes in the case's folder. */
const outCase = (name: string, target: (dir: string) => Promise<string> | string): CorpusCase => ({
  category: 'out',
  name,
  async prepare({ dir }) {
    return ['convert', FRAME_RESPONSE, '--out', await target(dir)];
  },
});

const made = (path: string, make: (path: string) => Promise<unknown> | unknown) => async () => (await make(path), path);

export const outCases = (): CorpusCase[] => [
  outCase('a-file', (d) => made(join(d, 'file'), (p) => writeFile(p, 'x'))()),
  outCase('read-only-folder', (d) => readOnlyFolder(join(d, 'read-only'))),
  outCase('under-read-only-folder', async (d) => join(await readOnlyFolder(join(d, 'ro')), 'new', 'out')),
  outCase('dev-null', () => '/dev/null'),
  outCase('dev-zero', () => '/dev/zero'),
  outCase('dev-shm', (d) => join('/dev/shm', `loupe-corpus-${d.split('/').pop()}`)),
  outCase('proc-self', () => '/proc/self'),
  outCase('proc-new-folder', () => '/proc/loupe-out'),
  outCase('sys-kernel', () => '/sys/kernel/loupe-out'),
  outCase('fifo', (d) => made(join(d, 'fifo'), mkfifo)()),
  outCase('link-to-dev-null', (d) => made(join(d, 'link'), (p) => symlink('/dev/null', p))()),
  outCase('link-to-proc', (d) => made(join(d, 'proc-link'), (p) => symlink('/proc/self', p))()),
  outCase('link-loop', (d) => made(join(d, 'loop'), async (p) => (await symlink(join(d, 'loop2'), p), await symlink(p, join(d, 'loop2'))))()),
  outCase('through-a-file', (d) => made(join(d, 'file2'), (p) => writeFile(p, 'x'))().then((p) => join(p, 'out'))),
  outCase('name-too-long', (d) => join(d, 'x'.repeat(300))),
  outCase('entry-is-a-folder', (d) => made(join(d, 'out-with-folder'), async (p) => mkdir(join(p, 'index.html'), { recursive: true }))()),
  outCase('entry-links-outside', (d) => made(join(d, 'out-with-link'), async (p) => (await mkdir(p), await writeFile(join(d, 'victim.txt'), 'keep me'), await symlink(join(d, 'victim.txt'), join(p, 'index.html'))))()),
  outCase('empty-string', () => ''),
  {
    category: 'out',
    name: 'serve-data-a-file',
    async prepare({ dir }) {
      await mkdir(join(dir, 'app'));
      await writeFile(join(dir, 'app', 'index.html'), '<p>app</p>');
      await writeFile(join(dir, 'data.txt'), 'x');
      return ['serve', '--app', join(dir, 'app'), '--data', join(dir, 'data.txt'), '--port', '0'];
    },
  },
];

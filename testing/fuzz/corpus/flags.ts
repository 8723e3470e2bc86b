// The Figma conversion's other inputs pointed at what they should not be: `--images` at a
// FIFO, a device, a file, or a folder holding a FIFO, a device link, an oversized file and
// things that are not pictures; `--png` at a FIFO, a device, text and a bomb; `--node` naming
// nothing, nonsense, or a layer 1,000 frames deep; `--variables` at a device and at junk.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mkfifo, sparseFile, type CorpusCase } from './case.ts';
import { nestedText } from './figma.ts';
import { FRAME_PNG, FRAME_RESPONSE, README } from './sources.ts';

/** `convert` of the test frame with `flags`, after `setup` has made what they name in the case's folder. */
const flagCase = (name: string, flags: (dir: string) => string[], setup: (dir: string) => Promise<unknown> = async () => {}): CorpusCase => ({
  category: 'figma-flags',
  name,
  async prepare({ dir, out }) {
    await setup(dir);
    return ['convert', FRAME_RESPONSE, ...flags(dir), '--out', out];
  },
});

const imagesHolding = (make: (images: string) => Promise<unknown>) => async (dir: string) => {
  await mkdir(join(dir, 'images'));
  await make(join(dir, 'images'));
};

export const flagCases = (): CorpusCase[] => [
  flagCase('images-fifo', (d) => ['--images', join(d, 'fifo')], async (d) => mkfifo(join(d, 'fifo'))),
  flagCase('images-dev-zero', () => ['--images', '/dev/zero']),
  flagCase('images-a-file', () => ['--images', README]),
  flagCase('images-missing-folder', (d) => ['--images', join(d, 'nowhere')]),
  flagCase('images-holding-fifo-devzero-junk', (d) => ['--images', join(d, 'images')], imagesHolding(async (images) => {
    mkfifo(join(images, 'fifo-ref.png'));
    await symlink('/dev/zero', join(images, 'zero-ref.png'));
    await writeFile(join(images, 'text-ref.png'), 'not a picture');
    await mkdir(join(images, 'folder-ref.png'));
    await sparseFile(join(images, 'huge-ref.png'), 100 * 1024 * 1024 + 1);
  })),
  flagCase('png-fifo', (d) => ['--png', join(d, 'fifo.png')], async (d) => mkfifo(join(d, 'fifo.png'))),
  flagCase('png-dev-zero', () => ['--png', '/dev/zero']),
  flagCase('png-text', () => ['--png', README]),
  flagCase('png-missing', (d) => ['--png', join(d, 'no-such.png')]),
  flagCase('png-50mp-bomb-for-a-500px-frame', (d) => ['--png', join(d, 'frame.png')], async (d) => writeFile(join(d, 'frame.png'), await (await import('sharp')).default({ create: { width: 8192, height: 6100, channels: 3, background: '#fff' } }).png().toBuffer())),
  flagCase('node-missing', () => ['--node', '404:404']),
  flagCase('node-nonsense', () => ['--node', '../../etc/passwd']),
  flagCase('variables-dev-zero', () => ['--variables', '/dev/zero']),
  flagCase('variables-junk', (d) => ['--variables', join(d, 'vars.json')], async (d) => writeFile(join(d, 'vars.json'), '{"meta":{"variables":"all of them","variableCollections":[null]}}')),
  flagCase('png-with-png-of-other-frame', () => ['--png', FRAME_PNG, '--node', '1038:25']),
  {
    category: 'figma-flags',
    name: 'node-1000-frames-deep',
    async prepare({ dir, out }) {
      await writeFile(join(dir, 'deep.json'), nestedText(1_000, 'FRAME'));
      return ['convert', join(dir, 'deep.json'), '--node', '8:999', '--out', out];
    },
  },
];

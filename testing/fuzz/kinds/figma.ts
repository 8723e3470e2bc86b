// Figma JSON: the real REST API responses of the test data with type swaps, nulls, absurd
// numbers, deep nesting and huge arrays, converted as `loupe convert frame.json` converts them.
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { figmaToDesign } from '../../../engine/figma/index.ts';
import { FIGMA_DATA } from '../../data.ts';
import { refusedIfLoupeError, type FuzzTarget } from '../kind.ts';
import { caseValue, mutatedJson } from '../mutate.ts';

export async function startFigma(): Promise<FuzzTarget> {
  const files = (await readdir(FIGMA_DATA)).filter((f) => f.endsWith('.json')).sort();
  const responses = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(FIGMA_DATA, f), 'utf8')) as unknown));
  const response = fc.oneof(...responses.map((r) => mutatedJson(r)));
  return {
    make(seed, n) {
      const { value, how } = caseValue(response, seed, n);
      return { name: 'frame.json', bytes: Buffer.from(value), how };
    },
    run: (path) => refusedIfLoupeError(async () => figmaToDesign(await readFile(path, 'utf8'), { name: basename(path) })),
    close: async () => {},
  };
}

// The Figma bridge's payloads: the plugin's frame (a real node export and Figma's PNG of it)
// with its JSON or its PNG damaged, checked by the bridge's own parser (parseFigmaFrame),
// which every frame passes before it is queued.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseFigmaFrame } from '../../../engine/service/figma-frame.ts';
import { FIGMA_DATA } from '../../data.ts';
import { refusedIfLoupeError, type FuzzTarget } from '../kind.ts';
import { caseValue, mutatedBytes, mutatedJson } from '../mutate.ts';

export async function startBridge(): Promise<FuzzTarget> {
  const response = JSON.parse(await readFile(join(FIGMA_DATA, 'grida-vector-frame.response.json'), 'utf8')) as { nodes: Record<string, unknown> };
  const png = await readFile(join(FIGMA_DATA, 'grida-vector-frame.png'));
  const frame = { name: 'Vector frame', document: Object.values(response.nodes)[0]!, png: png.toString('base64') };
  const payload = fc.oneof(
    mutatedJson(frame),
    mutatedBytes(png).map(({ value, how }) => ({ value: JSON.stringify({ ...frame, png: value.toString('base64') }), how: `PNG: ${how}` })),
  );
  return {
    make(seed, n) {
      const { value, how } = caseValue(payload, seed, n);
      return { name: 'frame-payload.json', bytes: Buffer.from(value), how };
    },
    run: (path) => refusedIfLoupeError(async () => parseFigmaFrame(JSON.parse(await readFile(path, 'utf8')))),
    close: async () => {},
  };
}

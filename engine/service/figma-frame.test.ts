// The Figma plugin's frame as the bridge checks it before queuing it: the real node export of
// the test data and Figma's PNG of it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIGMA_DATA } from '../../testing/data.ts';
import { parseFigmaFrame } from './figma-frame.ts';

const response = JSON.parse(await readFile(join(FIGMA_DATA, 'grida-vector-frame.response.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
const exported = Object.values(response.nodes)[0]!;
const png = (await readFile(join(FIGMA_DATA, 'grida-vector-frame.png'))).toString('base64');

test('a frame nested thousands deep is refused as past the nesting limit, not a stack overflow', async () => {
  // Found by `npm run fuzz -- --kind bridge --seed 2026 --case 1678`: a 500 from the bridge.
  let deep: Record<string, unknown> = exported;
  for (let i = 0; i < 20_000; i++) deep = { id: `9:${i}`, name: 'nest', type: 'FRAME', children: [deep] };
  await assert.rejects(parseFigmaFrame({ name: 'Deep', document: deep, png }), { name: 'LoupeError', code: 'INPUT_TOO_LARGE', message: /Deep nests layers thousands deep; Loupe converts up to 100 levels/ });
});

test('the real frame is read, with its PNG', async () => {
  const frame = await parseFigmaFrame({ name: 'Vector frame', document: exported, png });
  assert.equal(frame.name, 'Vector frame');
  assert.ok(frame.design.viewport.width > 0 && frame.reference);
});

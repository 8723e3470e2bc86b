import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderPool } from '../engine/render/pool.ts';
import { renderReference } from './reference-pages.ts';
import { decodeDesignImage } from '../engine/ingest/image.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

// A 1×1 red PNG, stretched to a 100×100 box by the page.
const RED = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');

test('a page linked from another folder is rendered with the images beside the original', async () => {
  const root = await mkdtemp(join(tmpdir(), 'loupe-ref-'));
  await mkdir(join(root, 'set'));
  await mkdir(join(root, 'subset'));
  await writeFile(join(root, 'set', 'red.png'), RED);
  await writeFile(join(root, 'set', 'page.html'), '<html><body style="margin:0"><img src="red.png" style="width:100px;height:100px;display:block"></body></html>');
  await symlink(join(root, 'set', 'page.html'), join(root, 'subset', 'page.html'));
  const cache = join(root, 'cache');
  const direct = await renderReference(join(root, 'set', 'page.html'), 200, pool, cache);
  const linked = await renderReference(join(root, 'subset', 'page.html'), 200, pool, cache);
  assert.deepEqual(linked.png, direct.png);
  const image = await decodeDesignImage(linked.png, 'page.png');
  const at = (50 * image.width + 50) * 4;
  assert.deepEqual([...image.rgba.subarray(at, at + 3)], [255, 0, 0], 'the picture was found and drawn');
});

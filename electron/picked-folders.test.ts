import test from 'node:test';
import assert from 'node:assert/strict';
import { PickedFolders } from './picked-folders.ts';
import { EngineCallError } from './engine-client.ts';

test('exports pass only into a folder the dialog gave', () => {
  const folders = new PickedFolders();
  const refused = (e: unknown) => e instanceof EngineCallError && e.code === 'OUTPUT_UNSAFE';
  assert.throws(() => folders.check('export', { versionId: 'v', dir: '/home/me/project', overwrite: true }), refused);
  folders.add('/home/me/export');
  folders.check('export', { versionId: 'v', dir: '/home/me/export/', overwrite: true });
  for (const dir of ['/home/me/export/sub', '/home/me/export/../project', 42]) assert.throws(() => folders.check('export', { dir }), refused, String(dir));
  assert.throws(() => folders.check('export', null), refused);
  folders.check('history', {});
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFolderInside } from './export-folders.ts';

test('exports go only into folders inside the exports folder, links followed', async () => {
  const work = await mkdtemp(join(tmpdir(), 'loupe-exports-'));
  const root = join(work, 'exports');
  const elsewhere = join(work, 'project');
  await mkdir(root);
  await mkdir(elsewhere);
  assert.equal(await exportFolderInside(root, 'landing'), join(root, 'landing'), 'a name is taken inside');
  assert.equal(await exportFolderInside(root, join(root, 'a/b')), join(root, 'a/b'), 'a folder not made yet');
  assert.equal(await exportFolderInside(root, '..landing'), join(root, '..landing'));
  await symlink(elsewhere, join(root, 'link'));
  for (const dir of [elsewhere, '../project', join(root, '../project/x'), join(root, 'link'), join(root, 'link/deeper'), '/']) {
    await assert.rejects(exportFolderInside(root, dir), (e: Error & { code?: string }) => e.code === 'OUTPUT_UNSAFE' && /outside the exports folder/.test(e.message), dir);
  }
});

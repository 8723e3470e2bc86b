// `loupe serve` (web mode) as a user starts it: the address it prints opens the app with this
// launch's key; without the key the server refuses.
import test from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loupe } from '../../testing/run-loupe.ts';
import { spawnServe } from '../../testing/service/serve-process.ts';

test('loupe serve prints the address with its key; the address sets the key, and nothing is served without it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-serve-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Loupe</title>');
  const { child, address, output } = await spawnServe({ app: dir, data: join(dir, 'data'), exports: join(dir, 'exports') });
  try {
    assert.match(output(), new RegExp(`exports into ${join(dir, 'exports')}`));
    const opened = await fetch(address, { redirect: 'manual' });
    assert.equal(opened.status, 303);
    assert.match(opened.headers.get('set-cookie')!, /^loupe-key-\d+=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    const base = new URL('/', address);
    assert.equal((await fetch(base)).status, 401);
    assert.equal((await fetch(base, { headers: { cookie } })).status, 200);
  } finally {
    child.kill('SIGINT');
    await once(child, 'exit');
  }
});

test('--exports goes with web mode only', async () => {
  const { code, stderr } = await loupe('serve', '--openai', '--model', 'x', '--exports', 'y');
  assert.equal(code, 2);
  assert.match(stderr, /--exports goes with web mode/);
});

// `loupe serve` (web mode) as a user starts it: the address it prints opens the app with this
// launch's key; without the key the server refuses.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loupe } from '../../testing/run-loupe.ts';

const bin = new URL('../../bin/loupe.js', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

test('loupe serve prints the address with its key; the address sets the key, and nothing is served without it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-serve-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Loupe</title>');
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(await freePort()), '--app', dir, '--data', join(dir, 'data'), '--exports', join(dir, 'exports')]);
  try {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/open (\S+)/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    const address = /open (\S+)/.exec(out)?.[1];
    assert.ok(address, out);
    assert.match(out, new RegExp(`exports into ${join(dir, 'exports')}`));
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

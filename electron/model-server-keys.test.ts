// The desktop app's key file, with a stand-in for the system's encryption: keys are written only
// encrypted, read back per server, forgotten, and never written where the system cannot encrypt.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelServerKeyFile, keyChannels, type Cipher } from './model-server-keys.ts';

/** Reversible and unreadable enough for a test: each byte flipped. */
const flipping = (available = true): Cipher => ({
  available: async () => available,
  encrypt: async (text) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0xff)),
  decrypt: async (sealed) => Buffer.from(sealed.map((b) => b ^ 0xff)).toString('utf8'),
});

const tempFile = async () => join(await mkdtemp(join(tmpdir(), 'loupe-keys-')), 'model-server-keys.json');

test('keys are saved encrypted, per server, read back by a later run, and forgotten', async () => {
  const path = await tempFile();
  const file = new ModelServerKeyFile(path, flipping());
  assert.equal(await file.save('http://gpu-box:8000/v1', 'sk-box-secret'), true);
  assert.equal(await file.save('https://api.example.com/v1', 'sk-cloud-secret'), true);
  const written = await readFile(path, 'utf8');
  assert.doesNotMatch(written, /sk-box-secret|sk-cloud-secret/);
  if (process.platform !== 'win32') assert.equal((await stat(path)).mode & 0o777, 0o600);

  const later = new ModelServerKeyFile(path, flipping());
  assert.equal(await later.load('http://gpu-box:8000/v1'), 'sk-box-secret');
  assert.equal(await later.load('http://other:8000/v1'), undefined);
  await later.forget('http://gpu-box:8000/v1');
  assert.equal(await later.load('http://gpu-box:8000/v1'), undefined);
  assert.deepEqual(await later.all(), [{ baseUrl: 'https://api.example.com/v1', key: 'sk-cloud-secret' }]);
});

test('where the system cannot encrypt, nothing is written; a damaged file or a key that no longer opens reads as none', async () => {
  const path = await tempFile();
  assert.equal(await new ModelServerKeyFile(path, flipping(false)).save('http://box/v1', 'sk-plain'), false);
  await assert.rejects(readFile(path, 'utf8'), /ENOENT/);

  await writeFile(path, '{"version":1,"keys":');
  const file = new ModelServerKeyFile(path, flipping());
  assert.equal(await file.load('http://box/v1'), undefined);
  assert.equal(await file.save('http://box/v1', 'sk-new'), true, 'the next save writes a good file');
  assert.equal(await file.load('http://box/v1'), 'sk-new');

  const broken: Cipher = { ...flipping(), decrypt: async () => Promise.reject(new Error('keychain reset')) };
  assert.equal(await new ModelServerKeyFile(path, broken).load('http://box/v1'), undefined);
  assert.deepEqual(await new ModelServerKeyFile(path, broken).all(), []);
});

test('saves at once do not lose each other', async () => {
  const file = new ModelServerKeyFile(await tempFile(), flipping());
  await Promise.all(['a', 'b', 'c', 'd'].map((h) => file.save(`http://${h}/v1`, `sk-${h}`)));
  assert.deepEqual((await file.all()).map((k) => k.key).sort(), ['sk-a', 'sk-b', 'sk-c', 'sk-d']);
});

test('the IPC channels check what the renderer sends before the file is touched', async () => {
  const channels = keyChannels(new ModelServerKeyFile(await tempFile(), flipping()));
  assert.deepEqual(Object.keys(channels), ['loupe:key-save', 'loupe:key-load', 'loupe:key-forget']);
  assert.equal(await channels['loupe:key-save']!('http://box/v1', 'sk-ok'), true);
  assert.equal(await channels['loupe:key-load']!('http://box/v1'), 'sk-ok');
  await assert.rejects(async () => channels['loupe:key-save']!('file:///etc/passwd', 'sk'));
  await assert.rejects(async () => channels['loupe:key-save']!('http://box/v1', { not: 'a key' }));
  await assert.rejects(async () => channels['loupe:key-load']!('__proto__'));
  await channels['loupe:key-forget']!('http://box/v1');
  assert.equal(await channels['loupe:key-load']!('http://box/v1'), undefined);
});

// Hostile and broken inputs through the real `loupe` process: each is refused with exit 2 and
// a message saying what is wrong, or converted with a warning about what was left out.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIGMA_DATA } from '../../testing/data.ts';
import { loupe, loupeWith } from '../../testing/run-loupe.ts';

const frame = join(FIGMA_DATA, 'grida-vector-frame.response.json');
const dir = await mkdtemp(join(tmpdir(), 'loupe-inputs-'));
const posix = process.platform !== 'win32';

test('a Figma file nested 1,000 deep is refused with the limit', async () => {
  let json = '';
  for (let i = 0; i < 1_000; i++) json += `{"id":"1:${i}","name":"Level","type":"FRAME","children":[`;
  json += '{"id":"0:1","type":"RECTANGLE"}' + ']}'.repeat(1_000);
  const deep = join(dir, 'deep.json');
  await writeFile(deep, json);
  const { code, stderr } = await loupe('convert', deep, '--out', join(dir, 'deep-out'));
  assert.equal(code, 2, stderr);
  assert.match(stderr, /^loupe: deep\.json nests layers over 100 deep .*Pick a frame further down with --node/m);
});

test('a Figma file with a null layer and a fill without colour converts, saying what it left out; a FIFO among --images is skipped', { skip: !posix && 'no FIFOs on Windows' }, async () => {
  const response = JSON.parse(await readFile(frame, 'utf8'));
  const document = response.nodes['1038:24'].document;
  document.children.push(null);
  delete document.children[0].strokes[0].color;
  const broken = join(dir, 'broken.json');
  await writeFile(broken, JSON.stringify(response));
  const images = join(dir, 'images');
  await mkdir(images);
  execFileSync('mkfifo', [join(images, 'abc.png')]);
  const { code, stderr } = await loupe('convert', broken, '--images', images, '--out', join(dir, 'broken-out'));
  assert.equal(code, 0, stderr);
  assert.match(stderr, /warning: --images: .*abc\.png is a named pipe \(FIFO\); an image fill must be a regular file\. It is skipped\./);
  assert.match(stderr, /warning: the layer at the root\.children\[1\] is left out: it is null, not a layer\./);
  assert.match(stderr, /warning: "Vector 1": strokes\[0\] is left out \(color: /);
});

test('--png or --images naming a device exits 2 at once', { skip: !posix && 'no /dev on Windows' }, async () => {
  for (const [flag, message] of [
    ['--png', /^loupe: \/dev\/zero is a device; an image must be a regular file\.$/m],
    ['--images', /^loupe: \/dev\/zero: not a folder \(--images names the folder of the file's images\)\.$/m],
  ] as const) {
    const { code, stderr } = await loupe('convert', frame, flag, '/dev/zero', '--out', join(dir, 'device-out'));
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
  }
});

// A file and the kernel's folders as --out: output-folder.test.ts.
test('--out naming a device or a read-only folder exits 2 before any work', { skip: !posix && 'POSIX paths' }, async () => {
  // Root writes anywhere: the read-only case runs as nobody then, in a folder nobody can read.
  const readOnly = join(dir, 'read-only');
  await mkdir(readOnly);
  await chmod(readOnly, 0o555);
  await chmod(dir, 0o755);
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: dir } } : {};
  for (const [out, message, options] of [
    ['/dev/null', /\/dev\/null is a device; --out names a folder/, {}],
    [join(readOnly, 'out'), /read-only is not writable by you/, asUser],
  ] as const) {
    const { code, stderr } = await loupeWith(options, 'convert', frame, '--out', out);
    assert.equal(code, 2, `${out}: ${stderr}`);
    assert.match(stderr, message);
  }
});

test('serve --data naming a file exits 2 with a message', async () => {
  const app = join(dir, 'app');
  await mkdir(app);
  await writeFile(join(app, 'index.html'), '<p>app</p>');
  const data = join(dir, 'data.txt');
  await writeFile(data, 'x');
  const { code, stderr } = await loupe('serve', '--app', app, '--data', data, '--port', '1');
  assert.equal(code, 2, stderr);
  assert.match(stderr, /^loupe: .*data\.txt is a file; --data names a folder \(new or existing\) to write into\.$/m);
});

test('compare --diff naming a folder exits 2 before the images are read', async () => {
  const png = join(FIGMA_DATA, 'grida-vector-frame.png');
  const { code, stderr } = await loupe('compare', png, png, '--diff', dir);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /is a folder; --diff names a file to write, in a folder you can write to\.$/m);
});

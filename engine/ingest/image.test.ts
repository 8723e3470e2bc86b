import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { readDesignImage, decodeDesignImage } from './image.ts';
import { LoupeError } from '../errors.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-ingest-'));
const code = (c: string) => (e: unknown) => e instanceof LoupeError && e.code === c;

const png = (w: number, h: number, color = { r: 10, g: 20, b: 30 }) =>
  sharp({ create: { width: w, height: h, channels: 3, background: color } }).png().toBuffer();

/** A PNG whose header declares w×h but whose data is tiny: a decompression bomb. */
function bombPng(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a PNG decodes to RGBA with its size and colours', async () => {
  const img = await decodeDesignImage(await png(7, 5), 'a.png');
  assert.equal(img.width, 7);
  assert.equal(img.height, 5);
  assert.equal(img.rgba.length, 7 * 5 * 4);
  assert.deepEqual([...img.rgba.subarray(0, 4)], [10, 20, 30, 255]);
});

test('transparent pixels are flattened on white', async () => {
  const t = await sharp({ create: { width: 2, height: 2, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
  const img = await decodeDesignImage(t, 't.png');
  assert.deepEqual([...img.rgba.subarray(0, 4)], [255, 255, 255, 255]);
});

test('JPEG and WebP are read', async () => {
  const base = sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } });
  for (const bytes of [await base.clone().jpeg().toBuffer(), await base.clone().webp().toBuffer()]) {
    assert.equal((await decodeDesignImage(bytes, 'x')).width, 4);
  }
});

test('a missing file, an empty file and a non-image are told apart', async () => {
  await assert.rejects(readDesignImage(join(dir, 'nope.png')), code('INPUT_NOT_FOUND'));
  await writeFile(join(dir, 'empty.png'), '');
  await assert.rejects(readDesignImage(join(dir, 'empty.png')), code('INPUT_EMPTY'));
  await writeFile(join(dir, 'notes.png'), 'just some text, not an image');
  await assert.rejects(readDesignImage(join(dir, 'notes.png')), (e) => code('INPUT_UNSUPPORTED')(e) && /notes\.png/.test((e as Error).message));
});

test('a truncated PNG is reported as corrupt', async () => {
  const full = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
  await assert.rejects(decodeDesignImage(full.subarray(0, Math.floor(full.length / 2)), 'cut.png'), code('INPUT_CORRUPT'));
});

test('a decompression bomb is refused from its header, naming the limit', async () => {
  await assert.rejects(decodeDesignImage(bombPng(30000, 30000), 'bomb.png'), (e) => code('INPUT_TOO_LARGE')(e) && /30000×30000/.test((e as Error).message) && /8192/.test((e as Error).message));
});

test('a real, highly compressible 52-megapixel PNG is refused from its header, before decoding', async () => {
  const flat = await sharp({ create: { width: 8000, height: 6500, channels: 3, background: '#808080' } }).png({ compressionLevel: 9 }).toBuffer();
  assert.ok(flat.length < 1024 * 1024, `the PNG is small on disk (${flat.length} bytes)`);
  await assert.rejects(decodeDesignImage(flat, 'flat.png'), (e) => code('INPUT_TOO_LARGE')(e) && /8000×6500/.test((e as Error).message) && /50 megapixels/.test((e as Error).message));
});

test('the limits apply to the oriented size: a tall JPEG tagged "rotate 90°" is checked as the wide design it becomes', async () => {
  const tall = await sharp({ create: { width: 1600, height: 30000, channels: 3, background: '#808080' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  await assert.rejects(decodeDesignImage(tall, 'tall.jpg'), (e) => code('INPUT_TOO_LARGE')(e) && /30000×1600 px once turned upright/.test((e as Error).message));
});

test('a small JPEG tagged "rotate 90°" decodes upright', async () => {
  const tagged = await sharp({ create: { width: 6, height: 3, channels: 3, background: '#808080' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const img = await decodeDesignImage(tagged, 'turned.jpg');
  assert.deepEqual([img.width, img.height], [3, 6]);
});

test('an animated image is refused', async () => {
  const frame = (c: string) => sharp({ create: { width: 4, height: 4, channels: 4, background: c } }).png().toBuffer();
  const anim = await sharp([await frame('#ff0000'), await frame('#00ff00')], { join: { animated: true } }).webp({ loop: 0 }).toBuffer();
  await assert.rejects(decodeDesignImage(anim, 'anim.webp'), (e) => code('INPUT_ANIMATED')(e) && /2 frames/.test((e as Error).message));
});

test('a GIF is refused as unsupported', async () => {
  const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#00ff00' } }).gif().toBuffer();
  await assert.rejects(decodeDesignImage(gif, 'x.gif'), code('INPUT_UNSUPPORTED'));
});

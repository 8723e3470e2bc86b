// Design images a hostile user might hand `loupe convert`: the example PNG, a JPEG and a WebP
// cut short and bit-damaged, headers declaring absurd sizes, real decompression bombs (a 50 KB
// PNG of 50 megapixels), animations, SVG, other formats, text renamed as a picture, paths
// that are not files, and a few odd but valid pictures that must convert.
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { pngDeclaring, jpegDeclaring } from '../kinds/images.ts';
import { caseValue, mutatedBytes } from '../mutate.ts';
import { fileCase, folder, madeCase, mkfifo, sparseFile, type CorpusCase } from './case.ts';
import { EXAMPLE_HTML, README, jpeg, pictures, png } from './sources.ts';

const SEED = 18;
const MUTATED = 36;

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A 1-bit grey PNG of width × height, every pixel black: megapixels in a few kilobytes. */
function pngBomb(width: number, height: number, extraChunks: Buffer[] = []): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8);
  // Each row: a filter byte, then width bits, all zero (30000 × 30000 is 112 MB before deflating).
  const raw = Buffer.alloc((1 + Math.ceil(width / 8)) * height);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), ...extraChunks, chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** The example PNG with its image data split into chunks of `size` bytes. */
function splitIdat(source: Buffer, size: number): Buffer {
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let i = 8; i < source.length; ) {
    const length = source.readUInt32BE(i);
    chunks.push({ type: source.toString('latin1', i + 4, i + 8), data: source.subarray(i + 8, i + 8 + length) });
    i += 12 + length;
  }
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const pieces: Buffer[] = [];
  for (let i = 0; i < idat.length; i += size) pieces.push(chunk('IDAT', idat.subarray(i, i + size)));
  const rest = chunks.filter((c) => c.type !== 'IDAT' && c.type !== 'IEND').map((c) => chunk(c.type, c.data));
  return Buffer.concat([PNG_SIGNATURE, ...rest, ...pieces, chunk('IEND', Buffer.alloc(0))]);
}

const gradientRaw = (width: number, height: number) => {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) & 0xff;
  return sharp(raw, { raw: { width, height, channels: 3 } });
};

const SVG_LAUGHS = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text>&g;</text></svg>`;
const SVG_PLAIN = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="640" height="480" fill="#36c"/><text x="20" y="60" font-size="40">Hello</text></svg>';
const SVG_HUGE = '<svg xmlns="http://www.w3.org/2000/svg" width="1000000" height="1000000"><rect width="100%" height="100%" fill="#eee"/></svg>';
const SVG_EXTERNAL = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="200"><image xlink:href="file:///etc/passwd" width="200" height="200"/><image href="http://127.0.0.1:9/x.png" width="10" height="10"/></svg>';

const image = (name: string, file: string, bytes: () => Buffer | string | Promise<Buffer | string>) => fileCase('images', name, file, bytes);

function truncated(): CorpusCase[] {
  const cuts: Array<[string, (length: number) => number]> = [
    ['1-byte', () => 1], ['8-bytes', () => 8], ['33-bytes', () => 33], ['100-bytes', () => 100], ['10pct', (n) => Math.floor(n * 0.1)],
    ['25pct', (n) => Math.floor(n * 0.25)], ['50pct', (n) => Math.floor(n * 0.5)], ['90pct', (n) => Math.floor(n * 0.9)], ['99pct', (n) => Math.floor(n * 0.99)], ['last-byte-missing', (n) => n - 1],
  ];
  return (['png', 'jpg', 'webp'] as const).flatMap((ext) =>
    cuts.map(([label, at]) => image(`truncated-${ext}-${label}`, `design.${ext}`, async () => {
      const bytes = (await pictures())[ext];
      return bytes.subarray(0, at(bytes.length));
    })),
  );
}

function declaredSizes(): CorpusCase[] {
  const sides = [0, 1, 8193, 32769, 65535, 1 << 20, 0x7fffffff, 0xffffffff];
  const pngs = sides.flatMap((s) => [[s, 1000], [1000, s]] as const).map(([w, h]) => image(`png-header-${w}x${h}`, 'design.png', async () => pngDeclaring(await png(), w, h)));
  const jpegSides = [0, 1, 8193, 32769, 65535];
  const jpegs = jpegSides.flatMap((s) => [[s, 500], [500, s]] as const).map(([w, h]) => image(`jpeg-header-${w}x${h}`, 'design.jpg', async () => jpegDeclaring(await jpeg(), w, h)));
  return [...pngs, ...jpegs];
}

function bombs(): CorpusCase[] {
  const ztxt = (megabytes: number) => chunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), deflateSync(Buffer.alloc(megabytes * 1024 * 1024), { level: 9 })]));
  return [
    image('bomb-50mp-within-limits', 'design.png', () => pngBomb(8192, 6100)),
    image('bomb-just-over-50mp', 'design.png', () => pngBomb(8192, 6104)),
    image('bomb-30000x30000', 'design.png', () => pngBomb(30000, 30000)),
    image('bomb-8193-wide', 'design.png', () => pngBomb(8193, 100)),
    image('bomb-32769-tall', 'design.png', () => pngBomb(100, 32769)),
    image('bomb-ztxt-200mb', 'design.png', async () => pngBomb(64, 64, [ztxt(200)])),
    image('idat-in-1-byte-chunks', 'design.png', async () => splitIdat(await png(), 1)),
    image('exif-rotated-1600x30000', 'design.jpg', () => sharp({ create: { width: 1600, height: 30000, channels: 3, background: '#fff' } }).jpeg({ quality: 50 }).withMetadata({ orientation: 6 }).toBuffer()),
    madeCase('images', 'sparse-100mb-plus-one', 'design.png', (path) => sparseFile(path, 100 * 1024 * 1024 + 1)),
    image('webp-8200-wide', 'design.webp', () => sharp({ create: { width: 8200, height: 100, channels: 3, background: '#fff' } }).webp().toBuffer()),
  ];
}

function animatedAndOtherFormats(): CorpusCase[] {
  const frames = async (n: number, size = 64) => Promise.all(Array.from({ length: n }, (_, i) => sharp({ create: { width: size, height: size, channels: 3, background: { r: i * 40, g: 0, b: 0 } } }).png().toBuffer()));
  const animated = async (n: number, format: 'webp' | 'gif', size?: number) => sharp(await frames(n, size), { join: { animated: true } })[format]().toBuffer();
  const apng = async () => {
    const source = await png();
    const actl = chunk('acTL', Buffer.from([0, 0, 0, 2, 0, 0, 0, 0]));
    return Buffer.concat([source.subarray(0, 33), actl, source.subarray(33)]);
  };
  return [
    image('animated-webp-2-frames', 'design.webp', () => animated(2, 'webp')),
    image('animated-webp-500-frames', 'design.webp', () => animated(500, 'webp', 16)),
    image('animated-gif', 'design.gif', () => animated(3, 'gif')),
    image('animated-gif-named-png', 'design.png', () => animated(3, 'gif')),
    image('apng-actl', 'design.png', apng),
    image('svg', 'design.svg', () => SVG_PLAIN),
    image('svg-named-png', 'design.png', () => SVG_PLAIN),
    image('svg-billion-laughs', 'design.png', () => SVG_LAUGHS),
    image('svg-1e6-px', 'design.png', () => SVG_HUGE),
    image('svg-external-refs', 'design.png', () => SVG_EXTERNAL),
    image('gif-still', 'design.png', async () => sharp(await png()).gif().toBuffer()),
    image('tiff', 'design.png', async () => sharp(await png()).tiff().toBuffer()),
    image('avif', 'design.png', async () => sharp(await png()).resize(320).avif().toBuffer()),
    image('multipage-tiff', 'design.tiff', async () => sharp(await frames(3), { join: { animated: true } }).tiff().toBuffer()),
    image('bmp-header', 'design.png', () => Buffer.concat([Buffer.from('BM'), Buffer.alloc(52)])),
    image('pdf', 'design.png', () => '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    image('ppm', 'design.png', () => Buffer.concat([Buffer.from('P6\n4 4\n255\n'), Buffer.alloc(48, 200)])),
    image('psd-magic', 'design.png', () => Buffer.concat([Buffer.from('8BPS'), Buffer.alloc(100)])),
  ];
}

function notPictures(): CorpusCase[] {
  const at = (name: string, make: (path: string) => unknown, file = 'design.png') => madeCase('images', name, file, make);
  return [
    image('readme-named-png', 'design.png', () => readFile(README)),
    image('html-named-jpg', 'design.jpg', () => readFile(EXAMPLE_HTML)),
    image('json-named-webp', 'design.webp', () => '{"not":"a picture"}'),
    image('empty-png', 'design.png', () => ''),
    image('zeros-1mb', 'design.png', () => Buffer.alloc(1 << 20)),
    image('random-4kb', 'design.jpg', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24))),
    image('zip-magic', 'design.png', () => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60)])),
    image('elf-head', 'design.png', async () => (await readFile(process.execPath)).subarray(0, 65536)),
    image('shell-script', 'design.png', () => '#!/bin/sh\nrm -rf "$HOME"\n'),
    image('utf16-text', 'design.png', () => Buffer.from('\ufeffnot a picture', 'utf16le')),
    image('png-signature-only', 'design.png', () => PNG_SIGNATURE),
    image('jpeg-soi-eoi-only', 'design.jpg', () => Buffer.from([0xff, 0xd8, 0xff, 0xd9])),
    at('fifo', mkfifo),
    at('folder', folder),
    at('symlink-to-dev-zero', (path) => symlink('/dev/zero', path)),
    { category: 'images', name: 'dev-zero', prepare: async ({ out }) => ['convert', '/dev/zero', '--out', out] },
    { category: 'images', name: 'dev-null', prepare: async ({ out }) => ['convert', '/dev/null', '--out', out] },
    { category: 'images', name: 'missing-file', prepare: async ({ dir, out }) => ['convert', join(dir, 'no-such.png'), '--out', out] },
    image('name-with-newline-and-quote', 'de"sign\n$(x).png', () => png()),
    image('name-like-an-option', '--help.png', () => png()),
  ];
}

/** Valid but unusual pictures: each must convert (exit 0) or be refused with a reason. */
function oddButValid(): CorpusCase[] {
  const create = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 4, background } });
  return [
    image('1x1', 'design.png', () => create(1, 1, '#123456').png().toBuffer()),
    image('8192x1', 'design.png', () => create(8192, 1, '#123456').png().toBuffer()),
    image('1x32768', 'design.png', () => create(1, 32768, '#123456').png().toBuffer()),
    image('fully-transparent', 'design.png', () => create(200, 100, '#00000000').png().toBuffer()),
    image('16-bit', 'design.png', async () => sharp(await png()).toColourspace('rgb16').png().toBuffer()),
    image('palette', 'design.png', async () => sharp(await png()).png({ palette: true, colours: 4 }).toBuffer()),
    image('interlaced', 'design.png', async () => sharp(await png()).png({ progressive: true }).toBuffer()),
    image('greyscale-alpha', 'design.png', async () => sharp(await png()).greyscale().ensureAlpha(0.5).png().toBuffer()),
    image('cmyk-jpeg', 'design.jpg', async () => sharp(await png()).toColourspace('cmyk').jpeg().toBuffer()),
    image('progressive-jpeg', 'design.jpg', async () => sharp(await png()).jpeg({ progressive: true }).toBuffer()),
    image('exif-rotated-small', 'design.jpg', async () => sharp(await png()).jpeg().withMetadata({ orientation: 8 }).toBuffer()),
    image('lossless-webp-noise', 'design.webp', () => gradientRaw(640, 400).webp({ lossless: true }).toBuffer()),
  ];
}

function mutated(): CorpusCase[] {
  return Array.from({ length: MUTATED }, (_, n) => {
    const ext = (['png', 'jpg', 'webp'] as const)[n % 3]!;
    return image(`mutated-${ext}-${n}`, `design.${ext}`, async () => caseValue(mutatedBytes((await pictures())[ext]), SEED, n).value);
  });
}

export const imageCases = (): CorpusCase[] => [...truncated(), ...declaredSizes(), ...bombs(), ...animatedAndOtherFormats(), ...notPictures(), ...oddButValid(), ...mutated()];

// Design images: the real PNG and JPEG of the examples and test data (and a WebP made from the
// PNG), with damaged bytes or header-field bombs (a huge size declared in a tiny file), decoded
// as `loupe convert` and an upload decode them.
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { readDesignImage } from '../../../engine/ingest/image.ts';
import { DESIGN2CODE_DATA } from '../../data.ts';
import { refusedIfLoupeError, type FuzzTarget } from '../kind.ts';
import { caseValue, mutatedBytes } from '../mutate.ts';

const SIDES = [0, 1, 8193, 32769, 65535, 1 << 20, 0x7fffffff, 0xffffffff];

/** A PNG declaring width × height in its header (IHDR), with the header's checksum made right so only the size is wrong. */
export function pngDeclaring(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

/** A JPEG declaring width × height in its frame header (SOF0–SOF2). */
export function jpegDeclaring(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i + 9 < out.length; ) {
    if (out[i] !== 0xff) break;
    const marker = out[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      out.writeUInt16BE(height & 0xffff, i + 5);
      out.writeUInt16BE(width & 0xffff, i + 7);
      break;
    }
    i += 2 + out.readUInt16BE(i + 2);
  }
  return out;
}

export async function startImages(): Promise<FuzzTarget> {
  const png = await readFile(new URL('../../../examples/landing.png', import.meta.url));
  const jpeg = await readFile(`${DESIGN2CODE_DATA}rick.jpg`);
  const webp = await sharp(png).webp().toBuffer();
  const side = fc.constantFrom(...SIDES);
  const image = fc.oneof(
    ...([['png', png], ['jpg', jpeg], ['webp', webp]] as const).map(([ext, bytes]) => mutatedBytes(bytes).map((m) => ({ ext, ...m }))),
    fc.tuple(side, side).map(([w, h]) => ({ ext: 'png', value: pngDeclaring(png, w, h), how: `PNG header says ${w}×${h}` })),
    fc.tuple(side, side).map(([w, h]) => ({ ext: 'jpg', value: jpegDeclaring(jpeg, w, h), how: `JPEG header says ${w & 0xffff}×${h & 0xffff}` })),
  );
  return {
    make(seed, n) {
      const { ext, value, how } = caseValue(image, seed, n);
      return { name: `design.${ext}`, bytes: value, how };
    },
    run: (path) => refusedIfLoupeError(() => readDesignImage(path)),
    close: async () => {},
  };
}

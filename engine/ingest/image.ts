// Reads a design image from disk or memory and normalises it to RGBA. Every check that a
// user's file can fail happens here, before any expensive work, with a message that names
// the file and the limit.
import { basename } from 'node:path';
import sharp from 'sharp';
import { LoupeError } from '../errors.ts';
import type { DecodedImage } from './decoded-image.ts';
import { readRegularFile } from './regular-file.ts';

export const IMAGE_LIMITS = {
  /** Bytes on disk. */
  maxFileBytes: 100 * 1024 * 1024,
  maxWidth: 8192,
  maxHeight: 32768,
  /** Decoded pixels: 50 MP is a 1920 px page 26000 px tall, about 200 MB as RGBA. */
  maxPixels: 50_000_000,
};

/** The picture formats Loupe reads, by sharp's names for them. */
export const IMAGE_FORMATS: ReadonlySet<string> = new Set(['png', 'jpeg', 'webp']);

export async function readDesignImage(path: string): Promise<DecodedImage> {
  return decodeDesignImage(await readRegularFile(path, { maxBytes: IMAGE_LIMITS.maxFileBytes, what: 'an image' }), basename(path));
}

export async function decodeDesignImage(bytes: Buffer, name: string): Promise<DecodedImage> {
  if (bytes.length === 0) throw new LoupeError('INPUT_EMPTY', `${name} is empty (0 bytes).`);
  // Reading only the header first: a decompression bomb declares its size there, and is
  // refused before a single pixel is decoded.
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch((e: Error) => {
      throw new LoupeError('INPUT_UNSUPPORTED', `${name} is not a PNG, JPEG or WebP image (${e.message}).`);
    });
  if (!meta.format || !IMAGE_FORMATS.has(meta.format)) {
    throw new LoupeError('INPUT_UNSUPPORTED', `${name} is a ${meta.format ?? 'unknown'} file; Loupe reads PNG, JPEG and WebP designs.`);
  }
  if ((meta.pages ?? 1) > 1) {
    throw new LoupeError('INPUT_ANIMATED', `${name} is animated (${meta.pages} frames); export a single frame as PNG, or convert the recording as a video.`);
  }
  // The limits apply to the picture as it will be laid out: a tall JPEG tagged "rotate 90°"
  // becomes a wide design once auto-oriented, so its oriented size is what is checked.
  const { width, height } = meta.autoOrient;
  // EXIF orientations 5 to 8 are the quarter turns, which swap the sides.
  const turned = (meta.orientation ?? 1) >= 5;
  if (width > IMAGE_LIMITS.maxWidth || height > IMAGE_LIMITS.maxHeight || width * height > IMAGE_LIMITS.maxPixels) {
    throw new LoupeError(
      'INPUT_TOO_LARGE',
      `${name} is ${width}×${height} px${turned ? ' once turned upright by its EXIF orientation' : ''}; the limits are ${IMAGE_LIMITS.maxWidth} px wide, ${IMAGE_LIMITS.maxHeight} px tall and ` +
        `${IMAGE_LIMITS.maxPixels / 1e6} megapixels. Crop or scale it down.`,
    );
  }
  const { data, info } = await sharp(bytes, { limitInputPixels: IMAGE_LIMITS.maxPixels, failOn: 'truncated' })
    .autoOrient()
    .toColourspace('srgb')
    .flatten({ background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((e: Error) => {
      throw new LoupeError('INPUT_CORRUPT', `${name} could not be decoded; the file looks corrupt or truncated (${e.message}).`);
    });
  return { name, width: info.width, height: info.height, rgba: data };
}

/** PNG bytes of a decoded image, for writing and comparing. */
export function encodePng(image: DecodedImage): Promise<Buffer> {
  return sharp(image.rgba, { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer();
}

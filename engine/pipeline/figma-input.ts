// A Figma JSON file on disk, with what may come beside it: its images (by imageRef) and a PNG
// of the frame as Figma drew it, the ground truth a render is compared with.
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { LoupeError } from '../errors.ts';
import { Asset, type Design } from '../ir/index.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { IMAGE_FORMATS, IMAGE_LIMITS, readDesignImage } from '../ingest/image.ts';
import { readRegularFile } from '../ingest/regular-file.ts';
import { MEDIA_TYPES } from '../codegen/media-types.ts';
import { figmaToDesign, parseVariables } from '../figma/index.ts';

const MAX_JSON_BYTES = 200 * 1024 * 1024;

export interface FigmaInputOptions {
  /** The node to convert; the first top-level frame when absent. */
  nodeId?: string;
  /** Folder of the file's image fills, each named by its imageRef (any extension). */
  imagesDir?: string;
  /** Figma's PNG of the frame (any scale): what the render is scored against. */
  png?: string;
  /** The file's variables (GET /v1/files/:key/variables/local), so bound colours stay variables. */
  variables?: string;
}

export interface FigmaInput {
  design: Design;
  warnings: string[];
  /** Figma's own picture of the frame at the design's width, when given. */
  reference?: DecodedImage;
}

export const isFigmaFile = (path: string) => extname(path).toLowerCase() === '.json';

/** Why think mode is refused for Figma input; each caller adds how to ask for fast mode instead. */
export const FIGMA_THINK_REFUSED = 'Think mode repairs what perception misread; a Figma file has exact values.';

/** A JSON file's text, unparsed (the Figma importer parses it), refused when missing, empty, not a regular file or over MAX_JSON_BYTES. */
async function readJsonText(path: string): Promise<string> {
  const bytes = await readRegularFile(path, { maxBytes: MAX_JSON_BYTES, what: 'a Figma JSON file', tooLarge: 'Fetch only the frame (GET /v1/files/:key/nodes?ids=…).' });
  if (bytes.length === 0) throw new LoupeError('INPUT_EMPTY', `${basename(path)} is empty (0 bytes).`);
  return bytes.toString('utf8');
}

/** The pictures in the --images folder by imageRef; what is not a readable picture is skipped with a warning. */
async function readImages(dir: string): Promise<{ images: Record<string, Asset>; warnings: string[] }> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    const what = error.code === 'ENOENT' ? 'no such folder' : error.code === 'ENOTDIR' ? 'not a folder' : `cannot be read (${error.code})`;
    throw new LoupeError('INPUT_NOT_FOUND', `${dir}: ${what} (--images names the folder of the file's images).`);
  });
  const images: Record<string, Asset> = {};
  const warnings: string[] = [];
  for (const name of names) {
    const bytes = await readRegularFile(join(dir, name), { maxBytes: IMAGE_LIMITS.maxFileBytes, what: 'an image fill' }).catch((error: unknown) => {
      if (!(error instanceof LoupeError)) throw error;
      warnings.push(`--images: ${error.message} It is skipped.`);
      return undefined;
    });
    const meta = bytes && (await sharp(bytes).metadata().catch(() => undefined));
    // The pictures Loupe reads, typed as the IR's assets are.
    const mime = meta?.format && IMAGE_FORMATS.has(meta.format) ? Asset.shape.mime.safeParse(MEDIA_TYPES[`.${meta.format}`]).data : undefined;
    if (!bytes || !meta || !mime || !meta.width || !meta.height) continue;
    images[basename(name, extname(name))] = { mime, width: meta.width, height: meta.height, data: bytes.toString('base64') };
  }
  return { images, warnings };
}

/** Figma exports at 1×, 2× or more: the picture is compared at the design's own width. */
export async function atWidth(image: DecodedImage, width: number): Promise<DecodedImage> {
  if (image.width === width) return image;
  const { data, info } = await sharp(image.rgba, { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize({ width, kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { name: image.name, width: info.width, height: info.height, rgba: data };
}

export async function readFigmaInput(path: string, options: FigmaInputOptions): Promise<FigmaInput> {
  const source = await readJsonText(path);
  const { images, warnings: skipped } = options.imagesDir ? await readImages(options.imagesDir) : { images: {}, warnings: [] };
  const variables = options.variables ? parseVariables(await readJsonText(options.variables), basename(options.variables)) : undefined;
  const converted = figmaToDesign(source, { name: basename(path), nodeId: options.nodeId, images, variables });
  const design = converted.design;
  const warnings = [...skipped, ...converted.warnings];
  if (!options.png) return { design, warnings };
  const reference = await atWidth(await readDesignImage(options.png), design.viewport.width);
  return { design, warnings, reference };
}

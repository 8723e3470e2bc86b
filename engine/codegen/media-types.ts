// What a file holds, by its extension: one table for everything that serves, inlines or writes
// files (the app's own files, the pictures and fonts inlined into previews, the assets of
// generated code, an exported page's server, the benchmarks' pages).
import { extname } from 'node:path';

/** Extensions (lower case, with the dot) and their media types; the first extension of a type is the one files of it are written with. */
export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.map': 'application/json',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif', '.svg': 'image/svg+xml',
  '.avif': 'image/avif', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.otf': 'font/otf',
};

/** The media type of a file by its name; undefined for an extension not in the table. */
export const mediaTypeOf = (path: string): string | undefined => MEDIA_TYPES[extname(path).toLowerCase()];

/** A Content-Type header for a file by its name: text as UTF-8, anything unknown as bytes. */
export function contentTypeOf(path: string): string {
  const type = mediaTypeOf(path) ?? 'application/octet-stream';
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}

/** The extension (with the dot) a file of this media type is written with; undefined for a type not in the table. */
export const extensionOf = (type: string): string | undefined => Object.keys(MEDIA_TYPES).find((extension) => MEDIA_TYPES[extension] === type);

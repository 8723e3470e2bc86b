// verified.json: the record that a package's weights files were checked against their sha256s
// (by the writer, which hashed the bytes it wrote, or by `loupe models verify`), so reads need
// not hash them again: hashing runs at about 0.4 GB/s, slower than the disk, and a model is read
// whole on every start. It is machine-local: it records each file's size and its change time
// (ctime, which no copying tool can preserve, unlike mtime), so a copied, moved-in or edited file
// is no longer covered and is checked tensor by tensor on first read again.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MARKER = 'verified.json';
const MARKER_FORMAT = 'loupe-moe-verified';

interface Marker {
  format: typeof MARKER_FORMAT;
  /** The manifest the files were checked against. */
  manifestSha256: string;
  /** file → [size in bytes, ctimeMs] when checked. */
  files: Record<string, [number, number]>;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** Records that these files of the package in `dir` were checked against `manifestText`. */
export function writeMarker(dir: string, manifestText: string, files: readonly string[]): void {
  const marker: Marker = {
    format: MARKER_FORMAT,
    manifestSha256: sha256(manifestText),
    files: Object.fromEntries(files.map((f) => {
      const stat = statSync(join(dir, f));
      return [f, [stat.size, stat.ctimeMs]];
    })),
  };
  const path = join(dir, MARKER);
  writeFileSync(`${path}.tmp`, JSON.stringify(marker) + '\n');
  renameSync(`${path}.tmp`, path);
}

/**
 * The files of the package in `dir` still covered by its marker: checked against this manifest,
 * and neither changed since nor changed in the same clock tick as the marker (file times are
 * coarse, so a change right after the check could carry the same time: as git treats a racily
 * clean file, such a file is checked again).
 */
export function verifiedFiles(dir: string, manifestText: string): Set<string> {
  const path = join(dir, MARKER);
  const covered = new Set<string>();
  if (!existsSync(path)) return covered;
  let marker: Marker;
  try {
    marker = JSON.parse(readFileSync(path, 'utf8')) as Marker;
  } catch {
    return covered;
  }
  if (marker.format !== MARKER_FORMAT || marker.manifestSha256 !== sha256(manifestText) || typeof marker.files !== 'object') return covered;
  const markedAt = statSync(path).mtimeMs;
  for (const [file, recorded] of Object.entries(marker.files)) {
    if (!Array.isArray(recorded) || !existsSync(join(dir, file))) continue;
    const stat = statSync(join(dir, file));
    if (stat.size === recorded[0] && stat.ctimeMs === recorded[1] && stat.ctimeMs < markedAt) covered.add(file);
  }
  return covered;
}

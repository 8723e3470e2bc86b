// verified.json: the record that a package's weights files were checked against their sha256s
// (by the writer, which hashed the bytes it wrote; by `loupe models verify`; or by the reads that
// hashed every tensor of a file, addToMarker), so reads need not hash them again: hashing runs at
// about 0.4 GB/s, slower than the disk, and a model is read whole on every start. It is machine-local: it records each file's size and its change time
// (ctime, which no copying tool can preserve, unlike mtime), so a copied, moved-in or edited file
// is no longer covered and is checked tensor by tensor on first read again.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

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

/** A file's [size, ctimeMs]: what the marker records of it. */
export function fileStamp(path: string): [number, number] {
  const stat = statSync(path);
  return [stat.size, stat.ctimeMs];
}

function saveMarker(dir: string, marker: Marker): void {
  const path = join(dir, MARKER);
  // Readers in other processes or threads may add to the marker at the same time: each writes its own temporary file.
  const temporary = `${path}.${process.pid}-${threadId}.tmp`;
  writeFileSync(temporary, JSON.stringify(marker) + '\n');
  renameSync(temporary, path);
}

/** Records that these files of the package in `dir` were checked against `manifestText`. */
export function writeMarker(dir: string, manifestText: string, files: readonly string[]): void {
  saveMarker(dir, { format: MARKER_FORMAT, manifestSha256: sha256(manifestText), files: Object.fromEntries(files.map((f) => [f, fileStamp(join(dir, f))])) });
}

function readMarker(dir: string): Marker | null {
  const path = join(dir, MARKER);
  if (!existsSync(path)) return null;
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as Marker;
    return marker.format === MARKER_FORMAT && typeof marker.files === 'object' && marker.files !== null ? marker : null;
  } catch {
    return null;
  }
}

/**
 * Adds `file` to the marker once each of its tensors has passed its checksum as it was read, so a
 * package copied in from elsewhere is hashed over its first uses, once, not on every start.
 * `checked` is the file's stamp when its reading began: a file changed since is not added. Best
 * effort: where the package folder cannot be written (a read-only install) nothing is recorded,
 * and the file is checked on first read again next time.
 */
export function addToMarker(dir: string, manifestText: string, file: string, checked: readonly [number, number]): void {
  try {
    const now = fileStamp(join(dir, file));
    if (now[0] !== checked[0] || now[1] !== checked[1]) return;
    const manifestSha256 = sha256(manifestText);
    const marker = readMarker(dir);
    const files = marker?.manifestSha256 === manifestSha256 ? marker.files : {};
    saveMarker(dir, { format: MARKER_FORMAT, manifestSha256, files: { ...files, [file]: now } });
  } catch {
    // Not recorded: the only cost is hashing this file's tensors again on a later run.
  }
}

/**
 * The files of the package in `dir` still covered by its marker: checked against this manifest,
 * and neither changed since nor changed in the same clock tick as the marker (file times are
 * coarse, so a change right after the check could carry the same time: as git treats a racily
 * clean file, such a file is checked again).
 */
export function verifiedFiles(dir: string, manifestText: string): Set<string> {
  const covered = new Set<string>();
  const marker = readMarker(dir);
  if (!marker || marker.manifestSha256 !== sha256(manifestText)) return covered;
  const markedAt = statSync(join(dir, MARKER)).mtimeMs;
  for (const [file, recorded] of Object.entries(marker.files)) {
    if (!Array.isArray(recorded) || !existsSync(join(dir, file))) continue;
    const [size, ctimeMs] = fileStamp(join(dir, file));
    if (size === recorded[0] && ctimeMs === recorded[1] && ctimeMs < markedAt) covered.add(file);
  }
  return covered;
}

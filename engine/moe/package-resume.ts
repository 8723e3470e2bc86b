// Resuming a package whose writing was cut short (killed, cancelled, out of disk). A real model's
// conversion takes hours; starting again from nothing after a crash at layer 55 of 61 wastes
// them. While writing, partial.json records each weights file once it is closed, with the
// sha256 of every stored tensor in it; the next writing of the same package (same plan, same
// source) keeps a recorded file only when its header and every tensor still hash as recorded,
// and writes the rest. The writer is deterministic, so the result is byte for byte the package
// an uninterrupted run writes. partial.json never makes a package: manifest.json, written last,
// does, and partial.json is removed once it is there.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SafetensorsFile, safetensorsHeader, type TensorSpec } from './safetensors.ts';

export const PARTIAL = 'partial.json';
const PARTIAL_FORMAT = 'loupe-moe-partial';

/** A finished weights file: its size and each tensor's manifest entry (with the stored parts' sha256). */
export interface FinishedFile<Entry> {
  bytes: number;
  tensors: Record<string, Entry>;
}

interface PartialRecord<Entry> {
  format: typeof PARTIAL_FORMAT;
  /** What was being written: a record of another plan or source is ignored. */
  key: string;
  files: Record<string, FinishedFile<Entry>>;
}

/** A short key for everything that decides a package's bytes. */
export const resumeKey = (what: unknown) => createHash('sha256').update(JSON.stringify(what)).digest('hex');

/** The files a cut-short writing of the same package (`key`) finished, or none. */
export function readPartial<Entry>(dir: string, key: string): Record<string, FinishedFile<Entry>> {
  const path = join(dir, PARTIAL);
  if (!existsSync(path)) return {};
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as PartialRecord<Entry>;
    return record.format === PARTIAL_FORMAT && record.key === key && typeof record.files === 'object' ? record.files : {};
  } catch {
    // A record torn by the kill itself: nothing in it can be trusted, so everything is written again.
    return {};
  }
}

/** Records the finished files; written whole then renamed, so a kill leaves the old record or the new one. */
export function writePartial<Entry>(dir: string, key: string, files: Record<string, FinishedFile<Entry>>): void {
  const record: PartialRecord<Entry> = { format: PARTIAL_FORMAT, key, files };
  const path = join(dir, PARTIAL);
  writeFileSync(`${path}.tmp`, JSON.stringify(record));
  renameSync(`${path}.tmp`, path);
}

export function removePartial(dir: string): void {
  rmSync(join(dir, PARTIAL), { force: true });
}

/**
 * Whether a recorded weights file can be kept: its size, its header exactly as the writer would
 * write it now, and every stored tensor's sha256 as recorded. `sums(spec)` is the recorded sum of
 * a stored tensor.
 */
export function finishedFileHolds(path: string, recorded: { bytes: number }, specs: readonly TensorSpec[], metadata: Record<string, string>, sums: (spec: TensorSpec) => string | undefined): boolean {
  if (!existsSync(path) || statSync(path).size !== recorded.bytes) return false;
  const header = safetensorsHeader(specs, metadata);
  const prefix = Buffer.alloc(8 + header.length);
  prefix.writeBigUInt64LE(BigInt(header.length), 0);
  header.copy(prefix, 8);
  const fd = openSync(path, 'r');
  try {
    const onDisk = Buffer.alloc(prefix.length);
    if (readSync(fd, onDisk, 0, onDisk.length, 0) !== onDisk.length || !onDisk.equals(prefix)) return false;
  } finally {
    closeSync(fd);
  }
  let file: SafetensorsFile;
  try {
    file = SafetensorsFile.open(path);
  } catch {
    return false;
  }
  try {
    return specs.every((spec) => {
      const sum = sums(spec);
      return sum !== undefined && file.sha256(spec.name) === sum;
    });
  } catch {
    return false;
  } finally {
    file.close();
  }
}

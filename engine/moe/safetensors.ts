// The safetensors file format (Hugging Face): an 8-byte little-endian header length, a JSON
// header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
// Reading parses the header only; a tensor's bytes are read at their offset when asked for,
// which is what lets a model load one expert at a time. Writing streams tensor by tensor, so
// a file of any size never has to sit in memory.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { LoupeError } from '../errors.ts';
import { openRegularFileSync } from '../ingest/regular-file.ts';
import { decodeE4M3 } from './fp8.ts';

/** The dtypes Loupe reads and writes. */
export type Dtype = 'F32' | 'F16' | 'BF16' | 'U8' | 'I32' | 'F8_E4M3';

const BYTES_OF: Record<string, number> = {
  F32: 4, F16: 2, BF16: 2, U8: 1, I32: 4, F8_E4M3: 1,
  // Real safetensors dtypes Loupe does not decode: a file holding them is valid, and their
  // bytes can still be read raw; decoding them is refused as unsupported, not as corrupt.
  F64: 8, I64: 8, U64: 8, U32: 4, I16: 2, U16: 2, I8: 1, BOOL: 1, F8_E5M2: 1, F8_E8M0: 1, C64: 8,
};

// Beyond this a header is not a header (the reference implementation's own limit).
const MAX_HEADER_BYTES = 100_000_000;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // Tensors are viewed in place as typed arrays, which follow the host's byte order.
  throw new Error('Loupe reads model weights on little-endian machines only.');
}

export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range within the data section (after the header). */
  begin: number;
  end: number;
}

const corrupt = (file: string, what: string) => new LoupeError('MODEL_CORRUPT', `${file}: ${what}`);
const COPY_AGAIN = ' Download or copy it again: a download or copy cut short leaves a file like this.';

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
/** Bytes read at a time to hash a stored tensor. */
const HASH_READ_BYTES = 64 * 2 ** 20;

/** A safetensors file opened for lazy reading: the header is parsed and checked at once, the data is read per tensor. */
export class SafetensorsFile {
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the data section starts: 8 + header length. */
  readonly dataStart: number;
  readonly fileSize: number;
  private fd: number | null;

  private constructor(readonly path: string, fd: number) {
    this.fd = fd;
    const name = basename(path);
    this.fileSize = fstatSync(fd).size;
    if (this.fileSize < 8) throw corrupt(name, `the file is truncated (${this.fileSize} bytes; a safetensors file starts with an 8-byte header length).${COPY_AGAIN}`);
    const lengthBytes = Buffer.alloc(8);
    readFully(fd, lengthBytes, 0, name, 'the header length');
    const headerLength = lengthBytes.readBigUInt64LE(0);
    if (headerLength > BigInt(this.fileSize - 8)) throw corrupt(name, `the header length (${headerLength} bytes) runs past the end of the file (${this.fileSize} bytes): the file is truncated or not safetensors.${COPY_AGAIN}`);
    if (headerLength > BigInt(MAX_HEADER_BYTES)) throw corrupt(name, `the header length (${headerLength} bytes) is implausibly large.`);
    const headerBytes = Buffer.alloc(Number(headerLength));
    readFully(fd, headerBytes, 8, name, 'the header');
    this.dataStart = 8 + headerBytes.length;
    let header: unknown;
    try {
      header = JSON.parse(headerBytes.toString('utf8'));
    } catch {
      throw corrupt(name, 'the header is not valid JSON.');
    }
    if (!isObject(header)) throw corrupt(name, 'the header is not a JSON object.');
    const { __metadata__: metadata = {}, ...entries } = header;
    if (!isObject(metadata) || Object.values(metadata).some((v) => typeof v !== 'string')) throw corrupt(name, '__metadata__ is not a map of strings.');
    this.metadata = metadata as Record<string, string>;
    this.tensors = parseEntries(name, entries, this.fileSize - this.dataStart);
  }

  /** Opens and checks `path`; MODEL_NOT_FOUND when it does not exist, MODEL_CORRUPT when its header is wrong. */
  static open(path: string): SafetensorsFile {
    let fd: number;
    try {
      fd = openRegularFileSync(path, 'a safetensors file');
    } catch (e) {
      if (e instanceof LoupeError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new LoupeError('MODEL_NOT_FOUND', `${path}: no such file.`, { cause: e });
      throw new LoupeError('MODEL_CORRUPT', `${path}: cannot be read (${code ?? String(e)}).`, { cause: e });
    }
    try {
      return new SafetensorsFile(path, fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  entry(name: string): TensorEntry {
    const entry = this.tensors.get(name);
    if (!entry) throw corrupt(basename(this.path), `no tensor ${name}.`);
    return entry;
  }

  /** The stored bytes of one tensor, freshly allocated (so typed-array views of it are aligned). */
  readBytes(name: string): Uint8Array {
    const { begin, end } = this.entry(name);
    const bytes = new Uint8Array(end - begin);
    readFully(this.descriptor(), bytes, this.dataStart + begin, basename(this.path), `tensor ${name}`);
    return bytes;
  }

  /**
   * The stored bytes of rows [start, end) of one tensor (along its first dimension; a row of a
   * 1-D tensor is one value), freshly allocated: what reads a large tensor a slab at a time.
   */
  readRows(name: string, start: number, end: number): Uint8Array {
    const entry = this.entry(name);
    const rows = entry.shape[0] ?? 1;
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= rows)) throw new Error(`${basename(this.path)}: rows [${start}, ${end}) of tensor ${name}, which has ${rows}`);
    const rowBytes = rows === 0 ? 0 : (entry.end - entry.begin) / rows;
    const bytes = new Uint8Array((end - start) * rowBytes);
    readFully(this.descriptor(), bytes, this.dataStart + entry.begin + start * rowBytes, basename(this.path), `tensor ${name}`);
    return bytes;
  }

  /**
   * One tensor's sha256, its bytes read a slab of rows (about `readBytes`, at least a row) at a
   * time: a real model's 2.35 GB embedding is never held whole.
   */
  sha256(name: string, readBytes = HASH_READ_BYTES): string {
    const entry = this.entry(name);
    const rows = entry.shape[0] ?? 1;
    const perRead = Math.max(1, Math.floor((readBytes * rows) / Math.max(1, entry.end - entry.begin)));
    const hash = createHash('sha256');
    for (let start = 0; start < rows; start += perRead) hash.update(this.readRows(name, start, Math.min(rows, start + perRead)));
    return hash.digest('hex');
  }

  /** One tensor's values as float32 (F32 as stored; BF16 and F16 widened exactly). */
  readFloat32(name: string): Float32Array {
    const { dtype } = this.entry(name);
    return decodeFloat32(dtype, this.readBytes(name), `${basename(this.path)}: tensor ${name}`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private descriptor(): number {
    if (this.fd === null) this.fd = openSync(this.path, 'r');
    return this.fd;
  }
}

// One read or write call takes under 2 GiB (Node refuses more): a real model's embedding is 2.35 GB.
const MAX_IO_BYTES = 2 ** 30;

function readFully(fd: number, into: Uint8Array, position: number, file: string, what: string): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, Math.min(MAX_IO_BYTES, into.length - done), position + done);
    // The file shrank after it was opened.
    if (n === 0) throw corrupt(file, `${what} ends past the end of the file: the file is truncated.${COPY_AGAIN}`);
    done += n;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function parseEntries(file: string, raw: Record<string, unknown>, dataLength: number): Map<string, TensorEntry> {
  const entries = new Map<string, TensorEntry>();
  for (const [name, value] of Object.entries(raw)) {
    if (!isObject(value)) throw corrupt(file, `tensor ${name}: its header entry is not an object.`);
    const { dtype, shape, data_offsets: offsets } = value;
    if (typeof dtype !== 'string' || !(dtype in BYTES_OF)) throw corrupt(file, `tensor ${name}: unknown dtype ${JSON.stringify(dtype)}.`);
    if (!Array.isArray(shape) || !shape.every(isCount)) throw corrupt(file, `tensor ${name}: shape ${JSON.stringify(shape)} is not a list of sizes.`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      throw corrupt(file, `tensor ${name}: data_offsets ${JSON.stringify(offsets)} are not a [begin, end] byte range.`);
    }
    const [begin, end] = offsets as [number, number];
    const expected = numel(shape) * BYTES_OF[dtype]!;
    if (end - begin !== expected) throw corrupt(file, `tensor ${name}: shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes but its offsets give ${end - begin}.`);
    if (end > dataLength) throw corrupt(file, `tensor ${name}: its data ends at byte ${end} of a data section of ${dataLength} bytes: the file is truncated.${COPY_AGAIN}`);
    entries.set(name, { name, dtype, shape, begin, end });
  }
  const byStart = [...entries.values()].filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const [a, b] = [byStart[i - 1]!, byStart[i]!];
    if (b.begin < a.end) throw corrupt(file, `tensor ${b.name}: its data [${b.begin}, ${b.end}) overlaps tensor ${a.name} [${a.begin}, ${a.end}).`);
  }
  return entries;
}

/** Widens stored floats to float32: F32 as is, BF16 exactly (its bits are the top half of an f32), F16 and F8_E4M3 exactly. */
export function decodeFloat32(dtype: string, bytes: Uint8Array, what: string): Float32Array {
  // Typed-array views need aligned offsets; bytes cut from a larger buffer may not be.
  if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
  switch (dtype) {
    case 'F32':
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    case 'BF16':
      return bf16ToF32(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));
    case 'F16':
      return f16ToF32(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));
    case 'F8_E4M3':
      return decodeE4M3(bytes);
    default:
      throw new LoupeError('MODEL_UNSUPPORTED', `${what}: dtype ${dtype} is not a float type Loupe reads (F32, F16, BF16, F8_E4M3).`);
  }
}

export function bf16ToF32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i]! << 16;
  return new Float32Array(out.buffer);
}

/** Rounds float32 to bfloat16, to nearest, ties to even (as PyTorch does); NaN stays NaN. */
export function f32ToBf16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i]!;
    out[i] = (x & 0x7fffffff) > 0x7f800000 ? ((x >>> 16) | 0x40) : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return out;
}

export function f16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    out[i] = exponent === 0 ? sign * mantissa * 2 ** -24 : exponent === 31 ? (mantissa ? NaN : sign * Infinity) : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

export interface TensorSpec {
  name: string;
  dtype: Dtype;
  shape: readonly number[];
}

export const byteSizeOf = (spec: Pick<TensorSpec, 'dtype' | 'shape'>) => numel(spec.shape) * BYTES_OF[spec.dtype]!;

/**
 * The JSON header a file of these tensors gets (without its 8-byte length), exactly as the
 * writer writes it: what a package's size can be worked out from before anything is written.
 */
export function safetensorsHeader(specs: readonly TensorSpec[], metadata?: Record<string, string>, file = 'safetensors'): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const spec of specs) {
    if (spec.name in header) throw new Error(`${file}: tensor ${spec.name} declared twice`);
    const length = byteSizeOf(spec);
    header[spec.name] = { dtype: spec.dtype, shape: spec.shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  return Buffer.from(json, 'utf8');
}

/**
 * Writes a safetensors file whose tensors are declared up front (the header comes first) and
 * whose data is then handed over tensor by tensor, each whole or in consecutive parts (a large
 * tensor a slab of rows at a time), in any order between tensors.
 */
export class SafetensorsWriter {
  /** Where each declared tensor's data starts in the file, and how many of its bytes are written. */
  private readonly slots: Map<string, { spec: TensorSpec; start: number; written: number }>;
  private fd: number | null;
  private readonly size: number;

  private constructor(readonly path: string, specs: readonly TensorSpec[], fd: number, dataStart: number) {
    this.fd = fd;
    this.slots = new Map();
    let at = dataStart;
    for (const spec of specs) {
      this.slots.set(spec.name, { spec, start: at, written: 0 });
      at += byteSizeOf(spec);
    }
    this.size = at;
  }

  static create(path: string, specs: readonly TensorSpec[], metadata?: Record<string, string>): SafetensorsWriter {
    const headerBytes = safetensorsHeader(specs, metadata, basename(path));
    const prefix = Buffer.alloc(8 + headerBytes.length);
    prefix.writeBigUInt64LE(BigInt(headerBytes.length), 0);
    headerBytes.copy(prefix, 8);
    const fd = openSync(path, 'w');
    try {
      writeFully(fd, prefix, 0);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return new SafetensorsWriter(path, specs, fd, prefix.length);
  }

  /** The first declared tensor whose data is not all written, or undefined once all are. */
  get pending(): TensorSpec | undefined {
    for (const slot of this.slots.values()) if (slot.written < byteSizeOf(slot.spec)) return slot.spec;
    return undefined;
  }

  /** Writes the next bytes of tensor `name`: all of its data, or the part that follows what was written of it. */
  write(name: string, bytes: Uint8Array): void {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`${basename(this.path)}: wrote ${name}, which is not declared`);
    const size = byteSizeOf(slot.spec);
    if (slot.written + bytes.byteLength > size) throw new Error(`${basename(this.path)}: ${name} has ${slot.written + bytes.byteLength} bytes, its shape needs ${size}`);
    if (this.fd === null) throw new Error(`${basename(this.path)}: already closed`);
    writeFully(this.fd, bytes, slot.start + slot.written);
    slot.written += bytes.byteLength;
  }

  /** Closes the file once every declared tensor is written; returns its size in bytes. */
  close(): number {
    const pending = this.pending;
    if (pending) throw new Error(`${basename(this.path)}: ${pending.name} was never written whole`);
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    return this.size;
  }

  /** Closes and removes a file that will not be finished. */
  discard(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to clean up.
    }
  }
}

function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, Math.min(MAX_IO_BYTES, bytes.byteLength - done), position + done);
}

/** Writes small tensors in one call (tests, configs); big files go through SafetensorsWriter. */
export function writeSafetensors(path: string, tensors: readonly (TensorSpec & { data: ArrayBufferView })[], metadata?: Record<string, string>): number {
  const writer = SafetensorsWriter.create(path, tensors, metadata);
  for (const t of tensors) writer.write(t.name, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return writer.close();
}

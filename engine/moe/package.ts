// The Loupe model package: a directory with manifest.json (format, version, the model's
// config.json, quantisation, tokenizer, every file with its size, every stored tensor with its
// sha256) and the weights in safetensors files cut so that one expert's tensors are read alone
// (one file per decoder layer). Quantised weights are stored in onnxruntime's MatMulNBits
// layout, so the runtime builds its initializers from the bytes as they are.
//
// Opening checks the manifest and the files' sizes at once, each weights file's header on its
// first use, and a tensor's checksum on its first read unless verified.json says its file was
// checked and has not changed since (package-marker.ts), where a file whose every tensor has
// passed is then added: a damaged expert is reported, by name, when it is loaded, without reading
// the whole model up front, and a package copied in is hashed once over its first uses.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { LoupeError } from '../errors.ts';
import { readRegularFileSync, refuseIrregular } from '../ingest/regular-file.ts';
import { checkpointTensors } from './checkpoint.ts';
import { parseModelConfig, type ModelConfig } from './config.ts';
import { addToMarker, fileStamp, verifiedFiles, writeMarker } from './package-marker.ts';
import { finishedFileHolds, readPartial, removePartial, resumeKey, writePartial, type FinishedFile } from './package-resume.ts';
import { dequantise, quantLayout, quantise, type QuantBits, type QuantisedWeight } from './quant.ts';
import { SafetensorsFile, SafetensorsWriter, byteSizeOf, decodeFloat32, f32ToBf16, type Dtype, type TensorSpec } from './safetensors.ts';
import type { Tensor, WeightSource } from './tensor.ts';

export const PACKAGE_FORMAT = 'loupe-moe';
export const PACKAGE_VERSION = 1;
const MANIFEST = 'manifest.json';
/** A manifest lists tensors and files; a few MB for the largest checkpoints. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** The __metadata__ of every weights file of a package. */
export const WEIGHTS_METADATA = { format: 'loupe-moe' };

export type FloatDtype = 'F32' | 'F16' | 'BF16';
/** How a tensor is stored: as floats in its checkpoint dtype, or block-quantised. */
export type TensorStorage = FloatDtype | 'int4' | 'int8';

/**
 * The weights quantised when a package is quantised: every 2-D projection of the decoder
 * layers (attention, dense MLP, routed and shared experts) and the LM head; they are what the
 * runtime runs as MatMulNBits and nearly all of the bytes. Kept as floats: the embedding (a
 * lookup), norms, the router (its scores pick the experts; small) and the vision tower and
 * projector (small, and the image features feed every later token).
 */
export const isQuantisedInPackage = (name: string, shape: readonly number[]) =>
  shape.length === 2 && /^language_model\.(model\.layers\.\d+\..*_proj(_with_mqa)?\.weight|lm_head\.weight)$/.test(name);

/** The weights file a tensor lives in: one per decoder layer, so a layer's experts are read from one file. */
export function packageFileOf(name: string): string {
  const layer = /^language_model\.model\.layers\.(\d+)\./.exec(name);
  if (layer) return `weights/layer-${layer[1]!.padStart(3, '0')}.safetensors`;
  if (name === 'language_model.model.embed_tokens.weight') return 'weights/embed.safetensors';
  if (name.startsWith('language_model.')) return 'weights/head.safetensors';
  if (name.startsWith('vision_tower.') || name.startsWith('multi_modal_projector.')) return 'weights/vision.safetensors';
  return 'weights/other.safetensors';
}

const SUFFIXES = { qweight: '.qweight', scales: '.scales', zero_points: '.zero_points' } as const;
type Part = 'data' | keyof typeof SUFFIXES;
/** Which part of its logical tensor a stored tensor is, by its name. */
const storedName = (name: string, part: Part) => (part === 'data' ? name : name + SUFFIXES[part]);
const partOf = (stored: string): Part => (Object.keys(SUFFIXES) as (keyof typeof SUFFIXES)[]).find((p) => stored.endsWith(SUFFIXES[p])) ?? 'data';

/** The stored tensors behind one logical tensor: itself, or its three MatMulNBits parts. */
export function storedParts(name: string, shape: readonly number[], storage: TensorStorage, blockSize: number): (TensorSpec & { part: Part })[] {
  if (storage !== 'int4' && storage !== 'int8') return [{ part: 'data', name, dtype: storage, shape }];
  const layout = quantLayout(shape[0]!, shape[1]!, storage === 'int4' ? 4 : 8, blockSize);
  return [
    { part: 'qweight', name: name + SUFFIXES.qweight, dtype: 'U8', shape: layout.qweightShape },
    { part: 'scales', name: name + SUFFIXES.scales, dtype: 'F32', shape: [layout.scalesLength] },
    { part: 'zero_points', name: name + SUFFIXES.zero_points, dtype: 'U8', shape: [layout.zeroPointsLength] },
  ];
}

// Paths inside the package only: a manifest must not point a reader elsewhere.
const packagePath = z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/).refine((p) => !p.split('/').includes('..'), 'leaves the package');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const PackageManifest = z.object({
  format: z.literal(PACKAGE_FORMAT),
  version: z.literal(PACKAGE_VERSION),
  /** The model's Hugging Face config.json (text_config, vision_config, …) as converted. */
  config: z.record(z.string(), z.unknown()),
  quantisation: z.object({
    /** null: nothing is quantised. */
    bits: z.union([z.literal(4), z.literal(8)]).nullable(),
    blockSize: z.number().int().positive(),
    /** (q - zero_point) · scale per block, in com.microsoft MatMulNBits layout. */
    scheme: z.literal('matmulnbits-asymmetric'),
  }),
  tokenizer: z
    .object({
      /** Paths inside the package. */
      files: z.array(packagePath),
      specialTokens: z.record(z.string(), z.number().int().nonnegative()).optional(),
      chatTemplate: z.string().optional(),
    })
    .optional(),
  /** Where the weights came from (a checkpoint directory's name, a generator and its seed). */
  source: z.record(z.string(), z.unknown()).optional(),
  /**
   * true: a test package (`loupe models create-test`), random weights that run but will not write
   * code. Optional, so no new package version: a manifest without it (any older one) is no test
   * package, and an older Loupe reads a test package as it reads any other.
   */
  testPackage: z.boolean().optional(),
  files: z.record(packagePath, z.object({ bytes: z.number().int().nonnegative(), sha256: sha256.optional() })),
  tensors: z.record(
    z.string(),
    z.object({
      file: packagePath,
      shape: z.array(z.number().int().nonnegative()),
      storage: z.enum(['F32', 'F16', 'BF16', 'int4', 'int8']),
      /** By stored part: `data` for floats; `qweight`, `scales`, `zero_points` for quantised weights. */
      sha256: z.record(z.string(), sha256),
    }),
  ),
});
export type PackageManifest = z.infer<typeof PackageManifest>;

/** sha256 in pieces: Hash.update refuses 2 GiB or more at once, and a real model's embedding is 2.35 GB. */
function hash(bytes: Uint8Array): string {
  const sum = createHash('sha256');
  for (let at = 0; at < bytes.byteLength; at += 2 ** 30) sum.update(bytes.subarray(at, at + 2 ** 30));
  return sum.digest('hex');
}
const asBytes = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const cancelled = () => new LoupeError('CANCELLED', 'Writing the model package was cancelled.');

// ---------------------------------------------------------------------------------------------
// Writing

export interface PackageTensor {
  name: string;
  shape: number[];
  file: string;
  storage: TensorStorage;
}

/** What a loader hands over for rows of a tensor: their stored bytes (floats in the planned dtype), float32 values, or those rows already quantised. */
export type TensorData = Uint8Array | Float32Array | QuantisedWeight;

/** Rows [start, end) of a tensor, along its first dimension (a 1-D tensor's values): what `load` is asked for at a time. */
export interface RowRange {
  start: number;
  end: number;
}

/** Hands over rows of a tensor: all of a small one's at once, a large one's a slab at a time. */
export type LoadRows = (tensor: PackageTensor, rows: RowRange) => TensorData | Promise<TensorData>;

/** The default slab: far under the 2 GB a conversion may take, large enough that reading and writing stay sequential. */
export const DEFAULT_SLAB_BYTES = 64 * 2 ** 20;

export interface PackageProgress {
  /** 0..1 of the bytes to write. */
  fraction: number;
  tensor: string;
  bytesWritten: number;
}

export interface WritePackageOptions {
  /** The model's Hugging Face config.json. */
  config: Record<string, unknown>;
  /** Bits of the quantised weights (see isQuantisedInPackage); null: none quantised. */
  bits: QuantBits | null;
  blockSize?: number;
  /** The float dtype each unquantised tensor is stored in (a checkpoint's own keeps it exact). */
  floatDtype: (name: string) => FloatDtype;
  tokenizer?: { files: readonly string[]; specialTokens?: Record<string, number>; chatTemplate?: string };
  source?: Record<string, unknown>;
  /** Random weights, for tests and benchmarks: the manifest says so. */
  testPackage?: boolean;
  /** Replace a package already in the directory. */
  overwrite?: boolean;
  /**
   * Resume a writing of this package that was cut short (package-resume.ts): `input` is what
   * identifies the weights `load` gives (a checkpoint's files, sizes and times). Weights files a
   * writing with the same plan and input finished are kept when they hash as recorded, and on
   * failure or cancellation the finished files stay for the next try.
   */
  resume?: { input: unknown };
  /**
   * The most of one tensor `load` is asked for at a time, in bytes of its rows as float32 (the
   * widest form a loader holds them in); default DEFAULT_SLAB_BYTES. A larger tensor (a real
   * model's embedding or LM head, 2.35 GB in BF16) comes in slabs of rows, so memory stays
   * bounded whatever one tensor's size. The package is the same bytes whatever the slab:
   * quantised rows are independent, and each stored part's sha256 is taken as it is written.
   */
  slabBytes?: number;
  /**
   * How many slabs `load` is asked for ahead of the one being written (default 1: one at a
   * time). A loader that quantises on worker threads needs a few in flight to keep them busy;
   * each holds its memory until written, so at most lookahead × slabBytes are in flight.
   */
  lookahead?: number;
  onProgress?: (progress: PackageProgress) => void;
  signal?: AbortSignal;
}

export interface WrittenPackage {
  dir: string;
  /** Every file of the package, manifest included. */
  bytes: number;
  tensors: number;
  files: number;
  manifest: PackageManifest;
}

/** Which tensors a package of this config holds, where and how each is stored. */
export function planPackage(config: ModelConfig, bits: QuantBits | null, floatDtype: (name: string) => FloatDtype): PackageTensor[] {
  return checkpointTensors(config).map(({ name, shape }) => ({
    name,
    shape,
    file: packageFileOf(name),
    storage: bits !== null && isQuantisedInPackage(name, shape) ? (bits === 4 ? 'int4' : 'int8') : floatDtype(name),
  }));
}

/**
 * Writes a package tensor by tensor, a large tensor slab by slab: `load` is asked for each slab
 * once, in file order, and its bytes go to disk before the next is asked for. manifest.json is
 * written last, so a package whose writing failed or was cancelled never opens.
 */
export async function writePackage(dir: string, options: WritePackageOptions, load: LoadRows): Promise<WrittenPackage> {
  const blockSize = options.blockSize ?? 32;
  const config = parseModelConfig(options.config, 'the model configuration');
  if (options.bits !== null) quantLayout(1, 1, options.bits, blockSize); // refuses bad bits or block sizes before any writing
  for (const file of options.tokenizer?.files ?? []) {
    if (!existsSync(file)) throw new LoupeError('INPUT_NOT_FOUND', `${file}: no such tokenizer file.`);
  }
  prepareDirectory(dir, options.overwrite ?? false, options.resume !== undefined);

  const plan = planPackage(config, options.bits, options.floatDtype);
  type Entry = PackageManifest['tensors'][string];
  const key = options.resume && resumeKey({ plan, bits: options.bits, blockSize, config: options.config, source: options.source ?? null, testPackage: options.testPackage ?? false, input: options.resume.input });
  const recorded = key ? readPartial<Entry>(dir, key) : {};
  const finished: Record<string, FinishedFile<Entry>> = {};
  const byFile = new Map<string, PackageTensor[]>();
  for (const t of plan) {
    const group = byFile.get(t.file);
    if (group) group.push(t);
    else byFile.set(t.file, [t]);
  }
  const partsOf = (t: PackageTensor) => storedParts(t.name, t.shape, t.storage, blockSize);
  const totalBytes = plan.reduce((sum, t) => sum + partsOf(t).reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1) * BYTES[p.dtype], 0), 0);

  const written: string[] = [];
  const files: PackageManifest['files'] = {};
  const tensors: PackageManifest['tensors'] = {};
  let bytesWritten = 0;
  let lastYield = performance.now();
  let writer: SafetensorsWriter | null = null;
  try {
    // The recorded files that still hold are decided first, so the tensors to load are known in order.
    const kept = new Map<string, FinishedFile<Entry>>();
    for (const [file, group] of byFile) {
      const r = recorded[file];
      if (r && finishedFileHolds(join(dir, file), r, group.flatMap(partsOf), WEIGHTS_METADATA, (spec) => r.tensors[spec.name.replace(/\.(qweight|scales|zero_points)$/, '')]?.sha256[partOf(spec.name)])) kept.set(file, r);
    }
    const slabs = new Map(plan.map((t) => [t, slabsOf(t, options.slabBytes ?? DEFAULT_SLAB_BYTES)]));
    const next = loadAhead([...byFile].flatMap(([file, group]) => (kept.has(file) ? [] : group.flatMap((t) => slabs.get(t)!))), load, options.lookahead ?? 1);
    for (const [file, group] of byFile) {
      if (options.signal?.aborted) throw cancelled();
      if (kept.has(file)) {
        const r = kept.get(file)!;
        for (const t of group) {
          tensors[t.name] = r.tensors[t.name]!;
          bytesWritten += partsOf(t).reduce((sum, p) => sum + byteSizeOf(p), 0);
          options.onProgress?.({ fraction: totalBytes ? bytesWritten / totalBytes : 1, tensor: t.name, bytesWritten });
        }
        files[file] = { bytes: r.bytes };
        finished[file] = r;
        continue;
      }
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writer = SafetensorsWriter.create(join(dir, file), group.flatMap(partsOf), WEIGHTS_METADATA);
      written.push(file);
      for (const t of group) {
        const specs = partsOf(t);
        const sums = specs.map(() => createHash('sha256'));
        for (const slab of slabs.get(t)!) {
          // Let timers, progress and a cancel request through now and then.
          if (performance.now() - lastYield > 50) {
            await new Promise((done) => setImmediate(done));
            lastYield = performance.now();
          }
          if (options.signal?.aborted) throw cancelled();
          const parts = storedBytes(t, slab.rows, await next(slab), blockSize);
          specs.forEach((spec, i) => {
            const bytes = parts[spec.part]!;
            writer!.write(spec.name, bytes);
            sums[i]!.update(bytes);
            bytesWritten += bytes.byteLength;
          });
          options.onProgress?.({ fraction: totalBytes ? bytesWritten / totalBytes : 1, tensor: t.name, bytesWritten });
        }
        tensors[t.name] = { file, shape: t.shape, storage: t.storage, sha256: Object.fromEntries(specs.map((spec, i) => [spec.part, sums[i]!.digest('hex')])) };
      }
      files[file] = { bytes: writer.close() };
      writer = null;
      if (key) {
        finished[file] = { bytes: files[file]!.bytes, tensors: Object.fromEntries(group.map((t) => [t.name, tensors[t.name]!])) };
        writePartial(dir, key, finished);
      }
    }
    const tokenizer = options.tokenizer && {
      files: options.tokenizer.files.map((from) => {
        const file = `tokenizer/${basename(from)}`;
        mkdirSync(join(dir, 'tokenizer'), { recursive: true });
        copyFileSync(from, join(dir, file));
        written.push(file);
        const bytes = readFileSync(join(dir, file));
        files[file] = { bytes: bytes.length, sha256: hash(bytes) };
        return file;
      }),
      ...(options.tokenizer.specialTokens && { specialTokens: options.tokenizer.specialTokens }),
      ...(options.tokenizer.chatTemplate !== undefined && { chatTemplate: options.tokenizer.chatTemplate }),
    };
    const manifest: PackageManifest = {
      format: PACKAGE_FORMAT,
      version: PACKAGE_VERSION,
      config: options.config,
      quantisation: { bits: options.bits, blockSize, scheme: 'matmulnbits-asymmetric' },
      ...(tokenizer && { tokenizer }),
      ...(options.source && { source: options.source }),
      ...(options.testPackage && { testPackage: true }),
      files,
      tensors,
    };
    const text = manifestText(manifest);
    // Whole or not at all: a kill while the manifest is written must not leave half of one.
    writeFileSync(join(dir, `${MANIFEST}.tmp`), text);
    renameSync(join(dir, `${MANIFEST}.tmp`), join(dir, MANIFEST));
    removePartial(dir);
    // Every sum in the manifest was taken from the bytes written (or, for kept files, checked
    // against them just now): reads need not hash them again.
    writeMarker(dir, text, Object.keys(files));
    const bytes = Object.values(files).reduce((s, f) => s + f.bytes, Buffer.byteLength(text));
    return { dir, bytes, tensors: plan.length, files: Object.keys(files).length + 1, manifest };
  } catch (e) {
    writer?.discard();
    // Resuming, the finished files (and their record) are what the next try keeps.
    if (!key) for (const file of written) rmSync(join(dir, file), { force: true });
    throw e;
  }
}

/** One slab of a tensor's rows, as `load` is asked for it. */
interface Slab {
  tensor: PackageTensor;
  rows: RowRange;
}

/** A tensor cut into slabs of at most `slabBytes` as float32 (whole rows; at least one row a slab). */
function slabsOf(tensor: PackageTensor, slabBytes: number): Slab[] {
  const [rows = 1, ...rest] = tensor.shape;
  const perSlab = Math.max(1, Math.floor(slabBytes / (4 * rest.reduce((a, b) => a * b, 1))));
  const slabs: Slab[] = [];
  let start = 0;
  do {
    const end = Math.min(rows, start + perSlab);
    slabs.push({ tensor, rows: { start, end } });
    start = end;
  } while (start < rows);
  return slabs;
}

/**
 * Asks `load` for the slabs in order, up to `lookahead` ahead of the one taken, and gives them
 * in that order: `take(slab)` must be called for each slab of `order`, in turn.
 */
function loadAhead(order: readonly Slab[], load: LoadRows, lookahead: number): (slab: Slab) => Promise<TensorData> {
  const inFlight: Promise<TensorData>[] = [];
  let asked = 0;
  return (slab) => {
    if (order[asked - inFlight.length] !== slab) throw new Error(`${slab.tensor.name} rows [${slab.rows.start}, ${slab.rows.end}) were taken out of order`);
    while (inFlight.length < Math.max(1, lookahead) && asked < order.length) {
      const ahead = order[asked++]!;
      const loading = (async () => load(ahead.tensor, ahead.rows))();
      // Awaited when its turn comes; a failure ahead of a cancellation is not also unhandled.
      loading.catch(() => {});
      inFlight.push(loading);
    }
    return inFlight.shift()!;
  };
}

const BYTES: Record<Dtype, number> = { F32: 4, F16: 2, BF16: 2, U8: 1, I32: 4, F8_E4M3: 1 };

/** The stored parts' bytes of rows of `t`, from what `load` gave for them. */
function storedBytes(t: PackageTensor, rows: RowRange, data: TensorData, blockSize: number): Partial<Record<Part, Uint8Array>> {
  const N = rows.end - rows.start;
  const count = N * t.shape.slice(1).reduce((a, b) => a * b, 1);
  const what = `${t.name} rows [${rows.start}, ${rows.end})`;
  if (t.storage === 'int4' || t.storage === 'int8') {
    const bits = t.storage === 'int4' ? 4 : 8;
    const K = t.shape[1]!;
    let q: QuantisedWeight;
    if (data instanceof Float32Array) {
      if (data.length !== count) throw new Error(`${what}: ${data.length} values for ${count}`);
      q = quantise(data, N, K, bits, blockSize);
    } else if (data instanceof Uint8Array) {
      throw new Error(`${what}: a quantised tensor needs float32 values or a QuantisedWeight, not stored bytes`);
    } else {
      q = data;
      if (q.bits !== bits || q.blockSize !== blockSize || q.N !== N || q.K !== K) throw new Error(`${what}: quantised as ${q.bits} bits, block ${q.blockSize}, [${q.N}, ${q.K}]; the package needs ${bits}, ${blockSize}, [${N}, ${K}]`);
    }
    return { qweight: q.qweight, scales: asBytes(q.scales), zero_points: q.zeroPoints };
  }
  if (data instanceof Uint8Array) {
    if (data.byteLength !== count * BYTES[t.storage]) throw new Error(`${what}: ${data.byteLength} bytes for ${count} ${t.storage} values`);
    return { data };
  }
  if (data instanceof Float32Array) {
    if (data.length !== count) throw new Error(`${what}: ${data.length} values for ${count}`);
    if (t.storage === 'F32') return { data: asBytes(data) };
    if (t.storage === 'BF16') return { data: asBytes(f32ToBf16(data)) };
  }
  throw new Error(`${t.name}: cannot store this as ${t.storage}`);
}

/** Refuses to write over anything but a package being replaced on purpose. */
function prepareDirectory(dir: string, overwrite: boolean, resuming: boolean): void {
  const manifest = join(dir, MANIFEST);
  // No manifest: no package yet, only what a writing cut short left, which resuming checks file by file.
  if (resuming && !existsSync(manifest)) {
    mkdirSync(dir, { recursive: true });
    return;
  }
  const present = [MANIFEST, 'weights', 'tokenizer'].filter((f) => existsSync(join(dir, f)));
  if (present.length > 0) {
    if (!overwrite) throw new LoupeError('OUTPUT_EXISTS', `${dir} already holds a model package (${present.join(', ')}); choose another directory or overwrite it.`);
    // The manifest goes first: a replacement cut short must not open as the old package.
    if (existsSync(manifest)) unlinkSync(manifest);
    for (const f of ['weights', 'tokenizer']) rmSync(join(dir, f), { recursive: true, force: true });
    removePartial(dir);
  }
  mkdirSync(dir, { recursive: true });
}

/** One line per file and per tensor: readable, and a few MB rather than tens for a real model. */
export function manifestText(manifest: PackageManifest): string {
  const { files, tensors, ...head } = manifest;
  const entries = (o: object) => Object.entries(o).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${top},\n  "files": {\n${entries(files)}\n  },\n  "tensors": {\n${entries(tensors)}\n  }\n}\n`;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface OpenPackageOptions {
  /**
   * 'first-read' (the default): a tensor's bytes are checked against their sha256 on their first
   * read, except in files verified.json covers (checked when the package was written or by
   * verifyPackage, and unchanged since: package-marker.ts); 'always': every read, marker or not.
   */
  verify?: 'always' | 'first-read';
}

/** A stored part's bytes in a package file: `file` relative to the package's folder. */
export interface StoredLocation {
  file: string;
  offset: number;
  length: number;
}

/** A quantised weight as MatMulNBits takes it, its parts left in the package's files. */
export interface LocatedWeight {
  bits: 4 | 8;
  blockSize: number;
  N: number;
  K: number;
  qweight: StoredLocation;
  scales: StoredLocation;
  zeroPoints: StoredLocation;
}

export interface PackageStats {
  /** Stored bytes read from disk. */
  bytesRead: number;
  tensorsRead: number;
  /** Of the bytes read, those hashed to check them (none in files verified.json covers). */
  bytesVerified: number;
}

/** An opened package: a WeightSource (dequantising on get) and raw access to quantised weights. */
export interface ModelPackage extends WeightSource {
  readonly dir: string;
  readonly manifest: PackageManifest;
  readonly config: ModelConfig;
  readonly stats: PackageStats;
  /** Random weights (`loupe models create-test`): the model runs, but will not write code. */
  readonly testPackage: boolean;
  names(): string[];
  storage(name: string): TensorStorage;
  /** Bytes the tensor takes as stored (its MatMulNBits parts together for a quantised weight), without reading it. */
  storedBytes(name: string): number;
  isQuantised(name: string): boolean;
  /** The MatMulNBits parts of a quantised weight, as stored (checksums verified). */
  quantised(name: string): QuantisedWeight;
  /** A float tensor's stored bytes in its dtype (checksum verified), for a runtime that keeps BF16 as is. */
  raw(name: string): { dtype: FloatDtype; shape: number[]; bytes: Uint8Array };
  /** Rows [start, end) of a float tensor's stored bytes (the tensor's checksum verified once, a slab at a time). */
  rawRows(name: string, start: number, end: number): { dtype: FloatDtype; bytes: Uint8Array };
  /**
   * Where a quantised weight's parts lie in the package's files (checksums verified once, a slab
   * at a time), so onnxruntime reads them itself and no copy passes through JavaScript.
   */
  located(name: string): LocatedWeight;
  /**
   * Checks a tensor's stored parts against their sha256s, read a slab at a time (the whole
   * package is checked this way without holding any tensor whole); returns their bytes.
   */
  check(name: string): number;
  /** The path of a tokenizer file listed in the manifest. */
  tokenizerPath(file: string): string;
  close(): void;
}

const reconvert = 'Convert the model again';
const damaged = (path: string, name: string, stored: string) =>
  new LoupeError('MODEL_CORRUPT', `${path}: tensor ${name} (${stored}) fails its checksum: the file is damaged. ${reconvert}, or copy the whole package again.`);

export function openPackage(dir: string, options: OpenPackageOptions = {}): ModelPackage {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LoupeError('MODEL_NOT_FOUND', `${dir}: no model package here. Convert a Hugging Face checkpoint into it (\`loupe models convert <hf-dir> ${dir}\`) or write a test model (\`loupe models create-test ${dir}\`).`);
  }
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) {
    throw new LoupeError('MODEL_NOT_FOUND', `${dir}: no ${MANIFEST}, so no complete model package (a conversion that did not finish leaves none). Convert the model into it again (\`loupe models convert <hf-dir> ${dir}\`).`);
  }
  let json: unknown;
  const manifestText = readRegularFileSync(manifestPath, { maxBytes: MAX_MANIFEST_BYTES, what: 'a model manifest' }).toString('utf8');
  try {
    json = JSON.parse(manifestText);
  } catch (e) {
    throw new LoupeError('MODEL_CORRUPT', `${manifestPath}: not valid JSON. ${reconvert}.`, { cause: e });
  }
  const head = (typeof json === 'object' && json !== null ? json : {}) as { format?: unknown; version?: unknown };
  if (head.format !== PACKAGE_FORMAT) {
    throw new LoupeError('MODEL_UNSUPPORTED', `${manifestPath}: format ${JSON.stringify(head.format)} is not a Loupe model package ("${PACKAGE_FORMAT}").`);
  }
  if (head.version !== PACKAGE_VERSION) {
    const newer = typeof head.version === 'number' && head.version > PACKAGE_VERSION;
    throw new LoupeError(
      'MODEL_UNSUPPORTED',
      `${manifestPath}: package version ${JSON.stringify(head.version)}; this Loupe reads version ${PACKAGE_VERSION}. ${newer ? 'Update Loupe, or convert' : 'Convert'} the model again with this Loupe.`,
    );
  }
  const parsed = PackageManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LoupeError('MODEL_CORRUPT', `${manifestPath}: ${issue.path.join('.') || 'the manifest'}: ${issue.message}. ${reconvert}.`);
  }
  const manifest = parsed.data;
  const config = parseModelConfig(manifest.config, `${manifestPath} (config)`);
  checkTensorsAgainstConfig(manifest, config, manifestPath);
  const verify = options.verify ?? 'first-read';
  const verified = verify === 'always' ? new Set<string>() : verifiedFiles(dir, manifestText);
  checkFiles(dir, manifest, verified);
  return new OpenedPackage(dir, manifest, manifestText, config, verify, verified);
}

function checkTensorsAgainstConfig(manifest: PackageManifest, config: ModelConfig, where: string): void {
  const { bits } = manifest.quantisation;
  for (const { name, shape } of checkpointTensors(config)) {
    const t = manifest.tensors[name];
    if (!t) throw new LoupeError('MODEL_CORRUPT', `${where}: tensor ${name} is missing (the config implies it). ${reconvert}.`);
    if (t.shape.join() !== shape.join()) throw new LoupeError('MODEL_CORRUPT', `${where}: tensor ${name} has shape [${t.shape.join(', ')}] but the config implies [${shape.join(', ')}]. ${reconvert}.`);
    const quantised = t.storage === 'int4' || t.storage === 'int8';
    if (quantised && (shape.length !== 2 || t.storage !== `int${bits}`)) {
      throw new LoupeError('MODEL_CORRUPT', `${where}: tensor ${name} is stored ${t.storage} in a package quantised to ${bits ?? 'nothing'}. ${reconvert}.`);
    }
    if (!(t.file in manifest.files)) throw new LoupeError('MODEL_CORRUPT', `${where}: tensor ${name} is in ${t.file}, which the file list lacks. ${reconvert}.`);
  }
}

function checkFiles(dir: string, manifest: PackageManifest, verified: ReadonlySet<string>): void {
  for (const [file, { bytes, sha256: sum }] of Object.entries(manifest.files)) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new LoupeError('MODEL_CORRUPT', `${path}: missing from the model package. ${reconvert}, or copy the whole package again.`);
    const stats = statSync(path);
    refuseIrregular(path, stats, 'a model package file');
    const size = stats.size;
    if (size !== bytes) {
      throw new LoupeError('MODEL_CORRUPT', `${path}: ${size} bytes where the manifest says ${bytes}: the file is ${size < bytes ? 'truncated' : 'not the one converted'}. ${reconvert}, or copy the whole package again.`);
    }
    // Small files (tokenizer) are checked whole now; weights tensor by tensor as they are read.
    if (sum !== undefined && !verified.has(file) && hash(readFileSync(path)) !== sum) throw new LoupeError('MODEL_CORRUPT', `${path}: checksum mismatch: the file is damaged. ${reconvert}.`);
  }
}

class OpenedPackage implements ModelPackage {
  readonly stats: PackageStats = { bytesRead: 0, tensorsRead: 0, bytesVerified: 0 };
  private readonly opened = new Map<string, SafetensorsFile>();
  private readonly verified = new Set<string>();
  /**
   * Per weights file the marker does not cover: its stamp when opened, and how many of its stored
   * tensors are still to pass their checksum; at none, the marker takes the file.
   */
  private readonly unchecked = new Map<string, { stamp: [number, number]; left: number }>();

  constructor(
    readonly dir: string,
    readonly manifest: PackageManifest,
    private readonly manifestText: string,
    readonly config: ModelConfig,
    private readonly verify: 'always' | 'first-read',
    /** Files verified.json covers: their tensors are not hashed again on read. */
    private readonly verifiedFiles: ReadonlySet<string>,
  ) {}

  get testPackage(): boolean {
    return this.manifest.testPackage === true;
  }

  names(): string[] {
    return Object.keys(this.manifest.tensors);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.manifest.tensors, name);
  }

  storage(name: string): TensorStorage {
    return this.entry(name).storage;
  }

  storedBytes(name: string): number {
    const t = this.entry(name);
    return storedParts(name, t.shape, t.storage, this.manifest.quantisation.blockSize).reduce((sum, part) => sum + byteSizeOf(part), 0);
  }

  isQuantised(name: string): boolean {
    const { storage } = this.entry(name);
    return storage === 'int4' || storage === 'int8';
  }

  get(name: string): Tensor {
    const t = this.entry(name);
    if (t.storage === 'int4' || t.storage === 'int8') return { shape: t.shape, data: dequantise(this.quantised(name)) };
    const { dtype, bytes } = this.raw(name);
    return { shape: t.shape, data: decodeFloat32(dtype, bytes, `${t.file}: tensor ${name}`) };
  }

  raw(name: string): { dtype: FloatDtype; shape: number[]; bytes: Uint8Array } {
    const t = this.entry(name);
    if (t.storage === 'int4' || t.storage === 'int8') throw new Error(`${name} is quantised (${t.storage}); use quantised()`);
    return { dtype: t.storage, shape: t.shape, bytes: this.read(name, 'data') };
  }

  quantised(name: string): QuantisedWeight {
    const t = this.entry(name);
    if (t.storage !== 'int4' && t.storage !== 'int8') throw new Error(`${name} is stored as ${t.storage}, not quantised; use get() or raw()`);
    const scales = this.read(name, 'scales');
    return {
      bits: t.storage === 'int4' ? 4 : 8,
      blockSize: this.manifest.quantisation.blockSize,
      N: t.shape[0]!,
      K: t.shape[1]!,
      qweight: this.read(name, 'qweight'),
      scales: new Float32Array(scales.buffer, scales.byteOffset, scales.byteLength / 4),
      zeroPoints: this.read(name, 'zero_points'),
    };
  }

  rawRows(name: string, start: number, end: number): { dtype: FloatDtype; bytes: Uint8Array } {
    const t = this.entry(name);
    if (t.storage === 'int4' || t.storage === 'int8') throw new Error(`${name} is quantised (${t.storage}); use located()`);
    this.checkOnce(name, 'data');
    const bytes = this.file(t.file).readRows(name, start, end);
    this.stats.bytesRead += bytes.byteLength;
    return { dtype: t.storage, bytes };
  }

  located(name: string): LocatedWeight {
    const t = this.entry(name);
    if (t.storage !== 'int4' && t.storage !== 'int8') throw new Error(`${name} is stored as ${t.storage}, not quantised`);
    const file = this.file(t.file);
    const where = (part: keyof typeof SUFFIXES): StoredLocation => {
      this.checkOnce(name, part);
      const { begin, end } = file.entry(storedName(name, part));
      return { file: t.file, offset: file.dataStart + begin, length: end - begin };
    };
    return { bits: t.storage === 'int4' ? 4 : 8, blockSize: this.manifest.quantisation.blockSize, N: t.shape[0]!, K: t.shape[1]!, qweight: where('qweight'), scales: where('scales'), zeroPoints: where('zero_points') };
  }

  check(name: string): number {
    const t = this.entry(name);
    const file = this.file(t.file);
    let bytes = 0;
    for (const spec of storedParts(name, t.shape, t.storage, this.manifest.quantisation.blockSize)) {
      if (file.sha256(spec.name) !== t.sha256[spec.part]) throw damaged(join(this.dir, t.file), name, spec.name);
      bytes += byteSizeOf(spec);
    }
    return bytes;
  }

  tokenizerPath(file: string): string {
    if (!this.manifest.tokenizer?.files.includes(file)) throw new Error(`${file} is not a tokenizer file of this package`);
    return join(this.dir, file);
  }

  close(): void {
    this.opened.forEach((f) => f.close());
    this.opened.clear();
  }

  private entry(name: string) {
    const t = this.manifest.tensors[name];
    if (!t || !this.has(name)) throw new LoupeError('MODEL_CORRUPT', `${join(this.dir, MANIFEST)}: the package has no tensor ${name}.`);
    return t;
  }

  private read(name: string, part: Part): Uint8Array {
    const t = this.entry(name);
    const bytes = this.file(t.file).readBytes(storedName(name, part));
    this.stats.bytesRead += bytes.byteLength;
    this.stats.tensorsRead++;
    this.verifyPart(name, part, bytes.byteLength, () => hash(bytes));
    return bytes;
  }

  /** Hashes a stored part a slab at a time unless the marker or an earlier read has checked it. */
  private checkOnce(name: string, part: Part): void {
    const file = this.file(this.entry(name).file);
    const stored = storedName(name, part);
    const { begin, end } = file.entry(stored);
    this.verifyPart(name, part, end - begin, () => file.sha256(stored));
  }

  /**
   * Checks a stored part's sha256 (`digest` works it out, from bytes in hand or read a slab at a
   * time) unless the marker or an earlier check covers it; a file whose every part passed is marked.
   */
  private verifyPart(name: string, part: Part, bytes: number, digest: () => string): void {
    const t = this.entry(name);
    const stored = storedName(name, part);
    if (this.verify !== 'always' && (this.verifiedFiles.has(t.file) || this.verified.has(stored))) return;
    this.stats.bytesVerified += bytes;
    if (digest() !== t.sha256[part]) throw damaged(join(this.dir, t.file), name, stored);
    if (!this.verified.has(stored)) this.checked(t.file);
    this.verified.add(stored);
  }

  /** One more stored tensor of `file` passed its checksum: the file is marked when all have. */
  private checked(file: string): void {
    const pending = this.unchecked.get(file);
    if (!pending || --pending.left > 0) return;
    this.unchecked.delete(file);
    addToMarker(this.dir, this.manifestText, file, pending.stamp);
  }

  /** A weights file, its header checked against the manifest on first use. */
  private file(file: string): SafetensorsFile {
    let opened = this.opened.get(file);
    if (opened) return opened;
    // Stamped before its bytes are read, so a change while it is read keeps it out of the marker.
    const stamp = fileStamp(join(this.dir, file));
    opened = SafetensorsFile.open(join(this.dir, file));
    try {
      const expected = new Map<string, TensorSpec>();
      for (const [name, t] of Object.entries(this.manifest.tensors)) {
        if (t.file === file) for (const spec of storedParts(name, t.shape, t.storage, this.manifest.quantisation.blockSize)) expected.set(spec.name, spec);
      }
      const mismatch = (what: string) => new LoupeError('MODEL_CORRUPT', `${join(this.dir, file)}: ${what}, unlike manifest.json. ${reconvert}.`);
      for (const spec of expected.values()) {
        const found = opened.tensors.get(spec.name);
        if (!found) throw mismatch(`tensor ${spec.name} is missing`);
        if (found.dtype !== spec.dtype || found.shape.join() !== spec.shape.join()) {
          throw mismatch(`tensor ${spec.name} is ${found.dtype} [${found.shape.join(', ')}], not ${spec.dtype} [${spec.shape.join(', ')}]`);
        }
      }
      for (const name of opened.tensors.keys()) if (!expected.has(name)) throw mismatch(`it holds tensor ${name}`);
      if (this.verify === 'first-read' && !this.verifiedFiles.has(file)) this.unchecked.set(file, { stamp, left: expected.size });
    } catch (e) {
      opened.close();
      throw e;
    }
    this.opened.set(file, opened);
    return opened;
  }
}

/**
 * Checks every weights file of the package in `dir` against the manifest: each header, and every
 * stored tensor's sha256 (MODEL_CORRUPT naming the first damaged one). On success the package is
 * marked verified (verified.json), so reads skip hashing until a file changes. What
 * `loupe models verify` runs, for a package copied or installed from elsewhere.
 */
export async function verifyPackage(dir: string, options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {}): Promise<{ tensors: number; bytes: number }> {
  const pkg = openPackage(dir, { verify: 'always' });
  try {
    const names = pkg.names();
    const total = names.reduce((sum, name) => sum + pkg.storedBytes(name), 0);
    let checked = 0;
    let lastYield = performance.now();
    for (const name of names) {
      if (performance.now() - lastYield > 50) {
        await new Promise((done) => setImmediate(done));
        lastYield = performance.now();
      }
      if (options.signal?.aborted) throw new LoupeError('CANCELLED', 'Verifying the model package was cancelled.');
      checked += pkg.check(name);
      options.onProgress?.(total ? checked / total : 1);
    }
    writeMarker(dir, readFileSync(join(dir, MANIFEST), 'utf8'), Object.keys(pkg.manifest.files));
    return { tensors: names.length, bytes: checked };
  } finally {
    pkg.close();
  }
}

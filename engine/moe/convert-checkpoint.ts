// Model packages from Hugging Face checkpoints, streamed: a few tensors, or slabs of a large
// tensor's rows, are in memory at a time, whatever the model's size.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { LoupeError } from '../errors.ts';
import { openCheckpoint, type Checkpoint } from './checkpoint.ts';
import { readCheckpointPromptFormat } from './checkpoint-tokenizer.ts';
import { PREPROCESSOR_CONFIG } from './image-processor.ts';
import { quantLayout, type QuantBits } from './quant.ts';
import { quantisePool } from './quantise-pool.ts';
import { fp8SlabScales } from './repack.ts';
import { writePackage, type PackageProgress, type WrittenPackage } from './package.ts';

export type QuantChoice = 'int4' | 'int8' | 'none';

/**
 * Tokenizer and processor files a Kimi (or other Hugging Face) checkpoint ships, copied into the
 * package's tokenizer/ when present: what turns a prompt and its images into the model's input.
 */
export const TOKENIZER_FILES = ['tiktoken.model', 'tokenizer.model', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja', PREPROCESSOR_CONFIG];

export interface ConvertOptions {
  /** Default int4. */
  quant?: QuantChoice;
  /** Values per quantisation block, a power of two ≥ 16; default 32 (an int4 checkpoint's own group size). */
  blockSize?: number;
  /**
   * Tokenizer files (default: those of TOKENIZER_FILES in the checkpoint), special tokens and chat
   * template to record. Either left out is read from the checkpoint: the special tokens from its
   * tokenizer_config.json, the template from its family (checkpoint-tokenizer.ts).
   */
  tokenizer?: { files?: readonly string[]; specialTokens?: Record<string, number>; chatTemplate?: string };
  /** A random checkpoint, for tests: the package is marked as a test package. */
  testPackage?: boolean;
  overwrite?: boolean;
  /**
   * Resume a conversion of this checkpoint into `outDir` that was cut short: the weights files it
   * finished are kept when they still hash as recorded (see package-resume.ts), and a cancelled
   * conversion leaves its finished files for the next try. The result is byte for byte the
   * package an uninterrupted conversion writes.
   */
  resume?: boolean;
  /**
   * Worker threads that quantise (default: one per core); 0 quantises on the calling thread. The
   * package is the same bytes whatever the number.
   */
  threads?: number;
  /** The most of one tensor read and quantised at a time (writePackage's slabBytes); the package is the same bytes whatever it is. */
  slabBytes?: number;
  onProgress?: (progress: PackageProgress) => void;
  signal?: AbortSignal;
}

/** A written package, with what the user should be told about the conversion (also in the manifest's `source.notes`). */
export interface ConvertedPackage extends WrittenPackage {
  notes: readonly string[];
}

const DEFAULT_BLOCK_SIZE = 32;

const bitsOf = (quant: QuantChoice): QuantBits | null => (quant === 'none' ? null : quant === 'int8' ? 8 : 4);

/**
 * Converts a Hugging Face checkpoint directory (Kimi-VL, or flat DeepSeek-V3 / Kimi K2 layout) into a model package. The
 * checkpoint is checked whole before anything is written; float tensors keep their dtype
 * (BF16 stays BF16, bit for bit), the decoder's projections are quantised when asked.
 * A pre-quantised release goes straight to the package's layout: FP8 blocks are quantised row
 * by row from their codes, int4 groups are moved as they are (lossless); unquantised, both
 * are stored as their float32 values, which neither fits in BF16 exactly.
 */
export async function convertCheckpoint(hfDir: string, outDir: string, options: ConvertOptions = {}): Promise<ConvertedPackage> {
  const checkpoint = openCheckpoint(hfDir);
  // Nothing to quantise, no threads to start.
  const pool = quantisePool(options.quant === 'none' ? 0 : (options.threads ?? availableParallelism()));
  try {
    const bits = bitsOf(options.quant ?? 'int4');
    const blockSize = blockSizeFor(checkpoint, bits, options.blockSize);
    const files = options.tokenizer?.files ?? TOKENIZER_FILES.map((f) => join(hfDir, f)).filter((f) => existsSync(f));
    const given = options.tokenizer;
    // What the caller gives wins; the checkpoint is read only for what is left out.
    const read = readCheckpointPromptFormat(hfDir, checkpoint.rawConfig, { specialTokens: !given?.specialTokens, chatTemplate: given?.chatTemplate === undefined });
    const tokenizer = files.length || given || read ? { ...read, ...given, files } : undefined;
    const notes = checkpoint.notes;
    const written = await writePackage(
      outDir,
      {
        config: checkpoint.rawConfig,
        bits,
        blockSize,
        floatDtype: (name) => {
          const stored = checkpoint.stored(name);
          return stored.kind === 'float' ? stored.dtype : 'F32';
        },
        tokenizer,
        source: { kind: 'hugging-face-checkpoint', name: basename(resolve(hfDir)), ...(notes.length ? { notes } : {}) },
        testPackage: options.testPackage,
        overwrite: options.overwrite,
        ...(options.resume && { resume: { input: checkpointFiles(hfDir) } }),
        // Enough slabs in flight to keep every worker busy while this thread hashes and writes.
        lookahead: 2 * pool.threads + 1,
        slabBytes: options.slabBytes,
        onProgress: options.onProgress,
        signal: options.signal,
      },
      (t, { start, end }) => {
        const stored = checkpoint.stored(t.name);
        if (t.storage !== 'int4' && t.storage !== 'int8') return stored.kind === 'float' ? checkpoint.readRows(t.name, start, end) : checkpoint.getRows(t.name, start, end).data;
        // The slab is quantised as a weight of its own rows: rows are quantised independently.
        const [N, K] = [end - start, t.shape[1]!];
        const tBits = t.storage === 'int4' ? 4 : 8;
        // Read here (the reads are quick and the file handles are this thread's), quantised on the pool.
        if (stored.kind === 'fp8-block') {
          const { scaleRows, firstRow } = fp8SlabScales(start, end, stored.block);
          const scaleInv = checkpoint.getRows(stored.scaleInv, ...scaleRows).data;
          return pool.run({ kind: 'fp8', codes: checkpoint.readRows(t.name, start, end), scaleInv, N, K, block: [...stored.block], firstRow, bits: tBits, blockSize });
        }
        if (stored.kind === 'int4-packed') return pool.run({ kind: 'int4', packed: checkpoint.readRows(stored.packed, start, end), scales: checkpoint.getRows(stored.scale, start, end).data, N, K, groupSize: stored.groupSize, bits: tBits, blockSize });
        return pool.run({ kind: 'float', values: checkpoint.getRows(t.name, start, end).data, N, K, bits: tBits, blockSize });
      },
    );
    return { ...written, notes };
  } finally {
    checkpoint.close();
    await pool.close();
  }
}

/**
 * What identifies the checkpoint's weights for resuming: its files, sizes and modification
 * times (a re-download or an edit changes them; hashing hundreds of GB to find out would not pay).
 */
function checkpointFiles(hfDir: string): [string, number, number][] {
  return readdirSync(hfDir)
    .filter((f) => f.endsWith('.safetensors') || f.endsWith('.json'))
    .sort()
    .map((f) => {
      const stat = statSync(join(hfDir, f));
      return [f, stat.size, stat.mtimeMs];
    });
}

/**
 * The package's block size. An int4 checkpoint's groups become the package's blocks unchanged
 * only when the two are the same size, so its group size is the default, and another size,
 * or a group size MatMulNBits cannot take, is refused rather than quantised a second time.
 */
function blockSizeFor(checkpoint: Checkpoint, bits: QuantBits | null, asked: number | undefined): number {
  const q = checkpoint.quantisation;
  if (bits === null || q?.method !== 'pack-quantized') return asked ?? DEFAULT_BLOCK_SIZE;
  const g = q.groupSize;
  if (asked !== undefined && asked !== g) {
    throw new LoupeError('MODEL_UNSUPPORTED', `${checkpoint.dir}: its int4 weights are in groups of ${g}; blocks of ${asked} would quantise them a second time. Leave the block size at ${g} (it is the default for this checkpoint), or convert with --quant none to keep their exact values as F32.`);
  }
  try {
    quantLayout(1, 1, bits, g);
  } catch {
    throw new LoupeError('MODEL_UNSUPPORTED', `${checkpoint.dir}: its int4 weights are in groups of ${g}, which the runtime's blocks (a power of two, at least 16) cannot hold unchanged. Convert with --quant none to keep their exact values as F32.`);
  }
  return g;
}

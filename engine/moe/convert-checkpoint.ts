// Model packages from Hugging Face checkpoints, streamed: one tensor is in memory at a time,
// whatever the model's size.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { openCheckpoint } from './checkpoint.ts';
import { readCheckpointPromptFormat } from './checkpoint-tokenizer.ts';
import { PREPROCESSOR_CONFIG } from './image-processor.ts';
import type { QuantBits } from './quant.ts';
import { writePackage, type FloatDtype, type PackageProgress, type WrittenPackage } from './package.ts';

export type QuantChoice = 'int4' | 'int8' | 'none';

/**
 * Tokenizer and processor files a Kimi (or other Hugging Face) checkpoint ships, copied into the
 * package's tokenizer/ when present: what turns a prompt and its images into the model's input.
 */
export const TOKENIZER_FILES = ['tiktoken.model', 'tokenizer.model', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja', PREPROCESSOR_CONFIG];

export interface ConvertOptions {
  /** Default int4. */
  quant?: QuantChoice;
  /** Values per quantisation block, a power of two ≥ 16; default 32. */
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
  onProgress?: (progress: PackageProgress) => void;
  signal?: AbortSignal;
}

/** A written package, with what the user should be told about the conversion (also in the manifest's `source.notes`). */
export interface ConvertedPackage extends WrittenPackage {
  notes: readonly string[];
}

const bitsOf = (quant: QuantChoice): QuantBits | null => (quant === 'none' ? null : quant === 'int8' ? 8 : 4);

/**
 * Converts a Hugging Face checkpoint directory (Kimi-VL, or flat DeepSeek-V3 / Kimi K2 layout) into a model package. The
 * checkpoint is checked whole before anything is written; float tensors keep their dtype
 * (BF16 stays BF16, bit for bit), the decoder's projections are quantised when asked.
 */
export async function convertCheckpoint(hfDir: string, outDir: string, options: ConvertOptions = {}): Promise<ConvertedPackage> {
  const checkpoint = openCheckpoint(hfDir);
  try {
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
        bits: bitsOf(options.quant ?? 'int4'),
        blockSize: options.blockSize,
        floatDtype: (name) => checkpoint.entry(name).dtype as FloatDtype,
        tokenizer,
        source: { kind: 'hugging-face-checkpoint', name: basename(resolve(hfDir)), ...(notes.length ? { notes } : {}) },
        testPackage: options.testPackage,
        overwrite: options.overwrite,
        onProgress: options.onProgress,
        signal: options.signal,
      },
      (t) => (t.storage === 'int4' || t.storage === 'int8' ? checkpoint.get(t.name).data : checkpoint.readBytes(t.name)),
    );
    return { ...written, notes };
  } finally {
    checkpoint.close();
  }
}

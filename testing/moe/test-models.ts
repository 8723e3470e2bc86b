// Test models, complete packages a user can run with `loupe engine run`: `tiny` is a random
// checkpoint in the Kimi-VL Hugging Face layout put through the converter (what tests use),
// `bench` a ~2.4 GB int4 package of Kimi-VL-A3B's widths with fewer layers, written directly
// (what the speed benchmark runs). Each comes
// with a Kimi-format tokenizer whose vocabulary is exactly the model's, so every id decodes.
// Both are marked as test packages in their manifests: their random weights never write code,
// and the app and CLI say so when one is chosen.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCheckpoint, type QuantChoice } from '../../engine/moe/convert-checkpoint.ts';
import { writeTestCheckpoint } from './test-checkpoint.ts';
import { benchConfigJson, writeBenchPackage } from './bench-package.ts';
import type { PackageProgress, WrittenPackage } from '../../engine/moe/package.ts';
import type { ChatTemplateName } from '../../engine/moe/chat-template.ts';
import { buildTestVocabulary } from './test-vocabulary.ts';
import { KIMI_SPECIAL_SLOTS, kimiSpecialTokens } from '../../engine/moe/tokenizer.ts';

export type TestModelSize = 'tiny' | 'bench';

export interface TestModelOptions {
  size: TestModelSize;
  /** tiny only (bench is int4): default int4. */
  quant?: QuantChoice;
  seed?: number;
  overwrite?: boolean;
  onProgress?: (p: PackageProgress) => void;
  signal?: AbortSignal;
}

const TINY_VOCAB = 1024;

/**
 * Writes `tiktoken.model` with `vocab - 256` ranks (learned merges, then filler tokens the
 * merges never produce, so the vocabulary has the model's exact size) and returns what a
 * package manifest records, with the family's special tokens and chat template.
 */
async function writeTokenizer(dir: string, vocab: number, family: ChatTemplateName): Promise<{ files: string[]; specialTokens: Record<string, number>; chatTemplate: string }> {
  const rankCount = vocab - KIMI_SPECIAL_SLOTS;
  const specialTokens = kimiSpecialTokens(rankCount, family);
  return { files: [await writeRankFile(dir, rankCount)], specialTokens, chatTemplate: family };
}

/**
 * Writes `tiktoken.model` with exactly `rankCount` ranks: the test vocabulary's learned merges,
 * then filler tokens the merges never produce, so special tokens numbered after the ranks (as a
 * release numbers them) land where the release has them. Returns the file's path.
 */
export async function writeRankFile(dir: string, rankCount: number): Promise<string> {
  const learned = buildTestVocabulary({ size: Math.min(rankCount, 1024) });
  const lines = learned.ranks.trimEnd().split('\n');
  for (let rank = learned.rankCount; rank < rankCount; rank++) lines.push(`${Buffer.from(`\u0001tok${rank.toString(36)}`).toString('base64')} ${rank}`);
  await writeFile(join(dir, 'tiktoken.model'), lines.join('\n') + '\n');
  return join(dir, 'tiktoken.model');
}

export async function createTestModel(outDir: string, options: TestModelOptions): Promise<WrittenPackage> {
  const work = await mkdtemp(join(tmpdir(), 'loupe-test-model-'));
  try {
    const seed = options.seed ?? 1;
    if (options.size === 'bench') {
      const vocab = (benchConfigJson().text_config as { vocab_size: number }).vocab_size;
      const tokenizer = await writeTokenizer(work, vocab, 'kimi-vl');
      return await writeBenchPackage(outDir, { seed, tokenizer, overwrite: options.overwrite, onProgress: options.onProgress, signal: options.signal });
    }
    const tokenizer = await writeTokenizer(work, TINY_VOCAB, 'kimi-k2.5');
    const hf = join(work, 'checkpoint');
    await writeTestCheckpoint(hf, { seed, vocabSize: TINY_VOCAB, mediaPlaceholderTokenId: tokenizer.specialTokens['<|media_pad|>'] });
    return await convertCheckpoint(hf, outDir, {
      quant: options.quant ?? 'int4',
      tokenizer,
      testPackage: true,
      overwrite: options.overwrite,
      onProgress: options.onProgress,
      signal: options.signal,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

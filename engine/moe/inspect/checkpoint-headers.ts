// What a Hugging Face checkpoint holds, from its config.json, its shard index and each shard's
// safetensors header: never a weight. A header is a few MB even for a 1 TB release, so this is
// what lets `loupe models inspect` answer at once, before anyone commits to a conversion.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LoupeError, isLoupeError } from '../../errors.ts';
import { INDEX_FILE } from '../checkpoint.ts';
import { SafetensorsFile } from '../safetensors.ts';

export interface StoredTensor {
  /** As the checkpoint names it. */
  name: string;
  /** The shard holding it, relative to the checkpoint directory. */
  file: string;
  dtype: string;
  shape: number[];
  bytes: number;
}

export interface CheckpointHeaders {
  dir: string;
  /** config.json as written. */
  rawConfig: Record<string, unknown>;
  shards: string[];
  /** Every tensor of every shard, by the checkpoint's name. */
  tensors: ReadonlyMap<string, StoredTensor>;
}

function readJson(path: string, what: string, fix: string): unknown {
  if (!existsSync(path)) throw new LoupeError('MODEL_NOT_FOUND', `${path}: no such file (${what}). ${fix}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LoupeError('MODEL_CORRUPT', `${path}: not valid JSON (${what}). ${fix}`, { cause: e });
  }
}

const DOWNLOAD_AGAIN = 'Download it again (an interrupted download leaves a file cut off).';

/** Reads config.json, the index (when sharded) and every shard's header; refuses, saying what to do, a missing or damaged file. */
export function readCheckpointHeaders(dir: string): CheckpointHeaders {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LoupeError('MODEL_NOT_FOUND', `${dir}: no such checkpoint directory. Give the folder of a Hugging Face model (config.json and *.safetensors).`);
  }
  const rawConfig = readJson(join(dir, 'config.json'), 'the model configuration', 'A Hugging Face checkpoint folder has config.json beside its *.safetensors.');
  if (typeof rawConfig !== 'object' || rawConfig === null || Array.isArray(rawConfig)) {
    throw new LoupeError('MODEL_CORRUPT', `${join(dir, 'config.json')}: not a JSON object. ${DOWNLOAD_AGAIN}`);
  }

  let shards: string[];
  const indexPath = join(dir, INDEX_FILE);
  if (existsSync(indexPath)) {
    const map = (readJson(indexPath, 'the shard index', DOWNLOAD_AGAIN) as { weight_map?: unknown })?.weight_map;
    if (typeof map !== 'object' || map === null || Object.values(map).some((f) => typeof f !== 'string')) {
      throw new LoupeError('MODEL_CORRUPT', `${indexPath}: weight_map is not a map from tensor names to files. ${DOWNLOAD_AGAIN}`);
    }
    shards = [...new Set(Object.values(map as Record<string, string>))].sort();
    const missing = shards.filter((f) => !existsSync(join(dir, f)));
    if (missing.length) {
      throw new LoupeError(
        'MODEL_CORRUPT',
        `${dir}: ${missing.length} of the ${shards.length} shards ${INDEX_FILE} names ${missing.length === 1 ? 'is' : 'are'} missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}). Download every shard of the release into this folder.`,
      );
    }
  } else {
    shards = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
    if (shards.length === 0) throw new LoupeError('MODEL_NOT_FOUND', `${dir}: no *.safetensors weights next to config.json. Download the weights too, not only the configuration.`);
  }

  const tensors = new Map<string, StoredTensor>();
  for (const file of shards) {
    let shard: SafetensorsFile;
    try {
      shard = SafetensorsFile.open(join(dir, file));
    } catch (e) {
      // The header reader says what is wrong; the user also needs to hear what to do about it.
      if (isLoupeError(e) && e.code === 'MODEL_CORRUPT') {
        const fix = /unknown dtype/.test(e.message)
          ? 'Loupe reads the dtypes of safetensors 0.4 (F32, F16, BF16, F8_E4M3, I32, U8, …); a newer format needs a newer Loupe.'
          : DOWNLOAD_AGAIN;
        throw new LoupeError('MODEL_CORRUPT', `${join(dir, file)}: ${e.message.replace(/^[^:]*: /, '')} ${fix}`, { cause: e });
      }
      throw e;
    }
    try {
      for (const entry of shard.tensors.values()) {
        if (!tensors.has(entry.name)) tensors.set(entry.name, { name: entry.name, file, dtype: entry.dtype, shape: entry.shape, bytes: entry.end - entry.begin });
      }
    } finally {
      shard.close();
    }
  }
  return { dir, rawConfig: rawConfig as Record<string, unknown>, shards, tensors };
}

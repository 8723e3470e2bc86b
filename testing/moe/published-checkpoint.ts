// Tiny random checkpoints in a release's exact published layout: the release's config.json with
// every key kept and only the sizes scaled down, its tensor names, dtypes and sharding (with
// model.safetensors.index.json), and its tokenizer and processor files from
// models/families/<family>/. The vocabulary keeps the release's size, so the special tokens keep
// the ids the release's tokenizer_config.json gives them; a rank file of that many ranks stands
// in for the release's tiktoken.model (test-models.ts writeRankFile).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { ChatTemplateName } from '../../engine/moe/chat-template.ts';
import { specialTokensFromTokenizerConfig } from '../../engine/moe/checkpoint-tokenizer.ts';
import { openPackage, type ModelPackage } from '../../engine/moe/package.ts';
import { loupe } from '../run-loupe.ts';
import { tinyConfigJson, writeTestCheckpoint, type WrittenCheckpoint } from './test-checkpoint.ts';
import { writeRankFile } from './test-models.ts';
import { reencodeAsRelease } from './quantised-checkpoint.ts';

/** The releases whose small files models/families/ holds, by folder. */
export const PUBLISHED_FAMILIES = {
  'kimi-vl-a3b': { releases: ['moonshotai/Kimi-VL-A3B-Instruct', 'moonshotai/Kimi-VL-A3B-Thinking'] },
  'kimi-k2.5': { releases: ['moonshotai/Kimi-K2.5'] },
} as const;
export type PublishedFamily = keyof typeof PUBLISHED_FAMILIES;

/** The small files a release ships beside config.json, copied into the tiny checkpoint when the family folder has them. */
const RELEASE_FILES = ['tokenizer_config.json', 'preprocessor_config.json', 'chat_template.jinja'];

export const familyDir = (family: PublishedFamily) => fileURLToPath(new URL(`../../models/families/${family}/`, import.meta.url));

// The keys that size a model; every other key of the release's config is kept as published.
const TEXT_SIZES = ['hidden_size', 'intermediate_size', 'moe_intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'n_routed_experts', 'num_experts_per_tok', 'kv_lora_rank', 'qk_nope_head_dim', 'qk_rope_head_dim', 'v_head_dim'];
const VISION_SIZES = ['init_pos_emb_height', 'init_pos_emb_width', 'num_attention_heads', 'num_hidden_layers', 'hidden_size', 'intermediate_size'];
// Kimi K2.5's MoonViT3d names its sizes vt_*, and states the projector's widths.
const VISION_3D_SIZES = ['init_pos_emb_height', 'init_pos_emb_width', 'vt_num_attention_heads', 'vt_num_hidden_layers', 'vt_hidden_size', 'vt_intermediate_size', 'mm_hidden_size', 'text_hidden_size'];

/**
 * The release's config.json with its widths, depths and expert counts replaced by the tiny
 * model's (test-checkpoint.ts), `n_group` / `topk_group` kept when the fewer experts still
 * divide into them. Vocabulary, token ids, rope, routing and norm settings stay as published.
 */
export function scaledConfig(published: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(published) as Record<string, Record<string, unknown>>;
  const moonvit3d = published.model_type === 'kimi_k25';
  const tiny = tinyConfigJson({ qLoraRank: null, vision: moonvit3d ? 'moonvit3d' : true }) as Record<string, Record<string, unknown>>;
  for (const key of TEXT_SIZES) if (key in tiny.text_config!) out.text_config![key] = tiny.text_config![key];
  const text = out.text_config!;
  if (text.q_lora_rank !== null && text.q_lora_rank !== undefined) text.q_lora_rank = 24;
  if ((text.n_routed_experts as number) % (text.n_group as number) !== 0) Object.assign(text, { n_group: tiny.text_config!.n_group, topk_group: tiny.text_config!.topk_group });
  if (out.vision_config) for (const key of moonvit3d ? VISION_3D_SIZES : VISION_SIZES) out.vision_config[key] = tiny.vision_config![key];
  return out;
}

export interface PublishedCheckpointOptions {
  family: PublishedFamily;
  seed?: number;
  /** Safetensors shards, as the release is sharded (default 3). */
  shards?: number;
}

export interface WrittenPublishedCheckpoint extends WrittenCheckpoint {
  /** The special tokens the release's tokenizer_config.json declares (text → id). */
  specialTokens: Record<string, number>;
}

/** Writes a tiny random checkpoint of `family` into `dir`, laid out as the release is. */
export async function writePublishedCheckpoint(dir: string, options: PublishedCheckpointOptions): Promise<WrittenPublishedCheckpoint> {
  const from = familyDir(options.family);
  const published = JSON.parse(readFileSync(join(from, 'config.json'), 'utf8')) as Record<string, unknown>;
  const tokenizerConfig = join(from, 'tokenizer_config.json');
  const specialTokens = specialTokensFromTokenizerConfig(JSON.parse(readFileSync(tokenizerConfig, 'utf8')), tokenizerConfig);
  const rankCount = Math.min(...Object.values(specialTokens));
  const config = scaledConfig(published);
  const written = await writeTestCheckpoint(dir, {
    seed: options.seed ?? 1,
    config,
    shards: options.shards ?? 3,
    tokenizer: async (out) => {
      await writeRankFile(out, rankCount);
      for (const file of RELEASE_FILES) if (existsSync(join(from, file))) copyFileSync(join(from, file), join(out, file));
    },
  });
  // A release of int4 routed experts (Kimi K2.5): the weights packed as it packs them, and its
  // quantization_config kept as published rather than the one the re-encoder writes.
  const quantisation = (config.text_config as { quantization_config?: { format?: string; config_groups?: { group_0?: { weights?: { group_size?: number } } } } }).quantization_config;
  if (quantisation?.format === 'pack-quantized') {
    const bytes = reencodeAsRelease(dir, written.files, 'int4', quantisation.config_groups?.group_0?.weights?.group_size);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
    return { ...written, bytes, specialTokens };
  }
  return { ...written, specialTokens };
}

/**
 * Converts a release-layout checkpoint with `loupe models convert`, as a user does, and checks
 * what the conversion must record of its prompt format: the family's chat template, the special
 * tokens at the ids its tokenizer_config.json gives them, and its processor file. Returns the
 * package, opened.
 */
export async function convertRelease(hf: string, pkgDir: string, expected: { chatTemplate: ChatTemplateName; specialTokens: Record<string, number> }): Promise<ModelPackage> {
  const convert = await loupe('models', 'convert', hf, pkgDir);
  assert.equal(convert.code, 0, convert.stderr);
  const pkg = openPackage(pkgDir);
  const t = pkg.manifest.tokenizer!;
  assert.equal(t.chatTemplate, expected.chatTemplate);
  assert.deepEqual(t.specialTokens, expected.specialTokens);
  assert.equal(t.specialTokens!['<|media_pad|>'], pkg.config.media_placeholder_token_id);
  assert.ok(t.files.includes('tokenizer/preprocessor_config.json'), t.files.join(', '));
  return pkg;
}

/** A 50 × 41 PNG of varied pixels: not a multiple of 28 px, so either release's processor pads it to a 4 × 4 grid of merged patches. */
export async function writeOddSizedPicture(path: string): Promise<void> {
  const [w, h] = [50, 41];
  const rgb = Buffer.alloc(w * h * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37 + (i % 7) * 11) % 251;
  await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png().toFile(path);
}

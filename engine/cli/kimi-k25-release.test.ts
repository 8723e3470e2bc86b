// Kimi K2.5 as a user gets it: a tiny checkpoint in the release's exact layout (int4
// pack-quantized routed experts, MoonViT3d, media_proc_cfg; testing/moe/published-checkpoint.ts)
// goes through `loupe models convert` and `loupe engine run` with an image and with a short
// video, in their own processes, and the prompt's logits are checked against the independent
// reference forward pass (testing/moe/reference/) on the package's weights. The reference's
// prompt is built from the checkpoint's own tokenizer and processor files, and the video's frames
// and chunk timestamps are the ones worked out by hand from K2.5's sampling rule.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loupe } from '../../testing/run-loupe.ts';
import { convertRelease, writeOddSizedPicture, writePublishedCheckpoint } from '../../testing/moe/published-checkpoint.ts';
import { modelForward } from '../../testing/moe/reference/model.ts';
import { promptIds, type ChatMessage, type ChatPart } from '../moe/chat-template.ts';
import { mediaTokenCount, type PreprocessedImage } from '../moe/image-processor.ts';
import { k25MediaConfigFromJson, preprocessK25Chunk, preprocessK25Image, type RgbaPicture } from '../moe/k25-media-processor.ts';
import { readNpyFloat32 } from '../moe/npy.ts';
import { openPackage } from '../moe/package.ts';
import { KIMI_PATTERN, loadTokenizer } from '../moe/tokenizer.ts';
import { findFfmpeg } from '../ingest/ffmpeg.ts';
import { readDesignImage } from '../ingest/image.ts';
import { readVideoFrames } from '../ingest/video.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-kimi-k25-'));
test.after(() => rm(dir, { recursive: true, force: true }));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

const hf = join(dir, 'Kimi-K2.5');
const pkgDir = join(dir, 'Kimi-K2.5-loupe');
const prompt = 'What happens on this screen?';

// A picture that is not a multiple of 28 px, padded by the processor to a 4 × 4 grid; and 3 s of
// a moving test pattern at 30 fps, 64 × 48 (padded to 84 × 56: 6 × 4 patches a frame).
const picture = join(dir, 'screen.png');
const video = join(dir, 'walkthrough.mp4');
test.before(async () => {
  await writeOddSizedPicture(picture);
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=64x48:r=30:d=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video];
  await promisify(execFile)(findFfmpeg().path, args);
});

/** The prompt's logits as `loupe engine run` saves them, beside the reference's on the package for the same messages and media. */
async function runAndReference(name: string, media: string[], content: ChatPart[], pictures: PreprocessedImage[], chunkTimestamps: string[]) {
  const npy = join(dir, `${name}.npy`);
  const run = await loupe('engine', 'run', '--model', pkgDir, '--prompt', prompt, ...media, '--greedy', '1', '--logits', npy, '--accuracy', '0', '--accelerator', 'none');
  assert.equal(run.code, 0, run.stderr);
  const logits = readNpyFloat32(readFileSync(npy));

  const pkg = openPackage(pkgDir);
  const merge = pkg.config.vision_config!.merge_kernel_size;
  const specialTokens = pkg.manifest.tokenizer!.specialTokens!;
  const tokenizer = await loadTokenizer({ ranksFile: join(hf, 'tiktoken.model'), pattern: KIMI_PATTERN, specialTokens });
  const images = pictures.filter((p) => p.gridT === undefined);
  const chunks = pictures.filter((p) => p.gridT !== undefined);
  const messages: ChatMessage[] = [{ role: 'user', content: [...content, { type: 'text', text: prompt }] }];
  const { ids } = promptIds(tokenizer, messages, {
    template: 'kimi-k2.5',
    thinking: false,
    addGenerationPrompt: true,
    imageTokens: (i) => mediaTokenCount(images[i]!, merge),
    videoChunks: () => chunks.map((c, i) => ({ timestamp: chunkTimestamps[i]!, tokens: mediaTokenCount(c, merge) })),
  });
  tokenizer.free();
  const reference = modelForward(pkg, pkg.config, ids, pictures).logits;
  pkg.close();
  assert.deepEqual(logits.shape, reference.shape);
  let worst = 0;
  for (let i = 0; i < reference.data.length; i++) worst = Math.max(worst, Math.abs(logits.data[i]! - reference.data[i]!));
  return { ids, worst, specialTokens };
}

test("moonshotai/Kimi-K2.5: the release's layout converts with loupe models convert, recording K2.5's template and media processor", async () => {
  const written = await writePublishedCheckpoint(hf, { family: 'kimi-k2.5', seed: 25 });
  const config = readJson(join(hf, 'config.json'));
  assert.equal(config.text_config.quantization_config.format, 'pack-quantized');
  assert.ok(readJson(join(hf, 'model.safetensors.index.json')).weight_map['language_model.model.layers.1.mlp.experts.0.down_proj.weight_packed']);
  const pkg = await convertRelease(hf, pkgDir, { chatTemplate: 'kimi-k2.5', specialTokens: written.specialTokens });
  assert.equal(pkg.config.vision_config!.init_pos_emb_time, 4);
  pkg.close();
});

test('moonshotai/Kimi-K2.5: loupe engine run --image runs as the reference computes it, the picture sized by media_proc_cfg', async () => {
  const cfg = k25MediaConfigFromJson(readJson(join(hf, 'preprocessor_config.json')), 'preprocessor_config.json');
  const image = await readDesignImage(picture);
  const vision = openPackage(pkgDir).config.vision_config!;
  const pixels = preprocessK25Image({ rgba: new Uint8Array(image.rgba), width: image.width, height: image.height }, vision, cfg);
  assert.deepEqual([pixels.gridH, pixels.gridW], [4, 4]);
  const { ids, worst, specialTokens } = await runAndReference('image', ['--image', picture], [{ type: 'image' }], [pixels], []);
  assert.equal(ids.filter((id) => id === specialTokens['<|media_begin|>']).length, 1);
  assert.equal(ids.filter((id) => id === specialTokens['<|media_pad|>']).length, 4);
  assert.ok(worst < 1e-3, `max |Δ| ${worst}`);
});

test('moonshotai/Kimi-K2.5: loupe engine run --video samples 2 frames a second into chunks of 4, each stamped, and runs as the reference computes it', async () => {
  const cfg = k25MediaConfigFromJson(readJson(join(hf, 'preprocessor_config.json')), 'preprocessor_config.json');
  const vision = openPackage(pkgDir).config.vision_config!;
  // 90 frames at 30 fps, sampled at 2: round(90 · 2 / 30) = 6 frames at linspace(0, 89, 6)
  // rounded = 0, 18, 36, 53, 71, 89; chunks [0, 18, 36, 53] at 0 s and [71, 89] at 71 / 30 s.
  const all: RgbaPicture[] = [];
  for await (const frame of await readVideoFrames(video, { fps: 30 })) all.push(frame);
  assert.equal(all.length, 90);
  const chunks = [[0, 18, 36, 53], [71, 89]].map((indices) => preprocessK25Chunk(indices.map((i) => all[i]!), vision, cfg));
  assert.deepEqual(chunks.map((c) => [c.gridT, c.gridH, c.gridW]), [[4, 4, 6], [2, 4, 6]]);
  const { ids, worst, specialTokens } = await runAndReference('video', ['--video', video], [{ type: 'video' }], chunks, ['00:00:00.000', '00:00:02.366']);
  assert.equal(ids.filter((id) => id === specialTokens['<|media_begin|>']).length, 2, 'one media block per chunk');
  assert.equal(ids.filter((id) => id === specialTokens['<|media_pad|>']).length, 2 * 6, "each chunk's frames pooled to one 3 × 2 set of tokens");
  assert.ok(worst < 1e-3, `max |Δ| ${worst}`);
});

test('loupe engine run --video is refused with raw tokens, and for a model whose processor reads no video, saying what to do', async () => {
  const tokens = await loupe('engine', 'run', '--model', pkgDir, '--tokens', '1,2,3', '--video', video, '--accelerator', 'none');
  assert.equal(tokens.code, 2, tokens.stderr);
  assert.match(tokens.stderr, /--image and --video go with --prompt/);
  const vl = join(dir, 'Kimi-VL');
  await writePublishedCheckpoint(vl, { family: 'kimi-vl-a3b', shards: 1 });
  const vlPkg = join(dir, 'Kimi-VL-loupe');
  assert.equal((await loupe('models', 'convert', vl, vlPkg)).code, 0);
  const refused = await loupe('engine', 'run', '--model', vlPkg, '--prompt', prompt, '--video', video, '--accelerator', 'none');
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /reads images, not video\. Send frames of the video as images \(--image\), or use a Kimi K2\.5 package/);
});

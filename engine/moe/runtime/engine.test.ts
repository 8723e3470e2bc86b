// The engine from files: a random checkpoint in the Hugging Face layout, converted into a
// package, run by the runtime, against the plain reference reading the checkpoint itself; then
// the worker (streaming, cancellation) and the CLI (--greedy, --logits, errors).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../checkpoint.ts';
import { writeTestCheckpoint } from '../../../testing/moe/test-checkpoint.ts';
import { writeReleaseCheckpoint } from '../../../testing/moe/quantised-checkpoint.ts';
import { convertCheckpoint } from '../convert-checkpoint.ts';
import { readNpyFloat32 } from '../npy.ts';
import { openPackage } from '../package.ts';
import { decoderForward, embed } from '../../../testing/moe/reference/decoder.ts';
import { modelForward } from '../../../testing/moe/reference/model.ts';
import { randomImage } from '../../../testing/moe/reference/random-weights.ts';
import { KIMI_VL_IMAGE_PROCESSOR, preprocessImage } from '../image-processor.ts';
import { k25MediaConfigFromJson, preprocessK25Image } from '../k25-media-processor.ts';
import { familyDir } from '../../../testing/moe/published-checkpoint.ts';
import type { WeightSource } from '../tensor.ts';
import { createTestModel } from '../../../testing/moe/test-models.ts';
import { EngineClient } from './engine-client.ts';
import { MoeEngine } from './engine.ts';

const work = mkdtempSync(join(tmpdir(), 'loupe-engine-'));
const ids = [3, 99, 512, 7, 260, 41, 900, 18];

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

function referenceLogits(weights: WeightSource, text: Parameters<typeof decoderForward>[1]) {
  return decoderForward(weights, text, embed(weights, text, ids)).logits.data;
}

async function engineLogits(dir: string): Promise<Float32Array> {
  const engine = await MoeEngine.open(dir, { accuracyLevel: 0, accelerator: 'none' });
  try {
    return engine.generate({ tokens: ids, maxTokens: 1, promptLogits: true }, () => {}).promptLogits!;
  } finally {
    engine.close();
  }
}

test('a converted checkpoint runs as the reference computes it: exactly unquantised, within 1e-3 of its own dequantised int8/int4 weights', async () => {
  const hf = join(work, 'hf');
  const model = await createTestModel(join(work, 'tokenizer-source'), { size: 'tiny', quant: 'none' });
  // The tiny model's tokenizer files, reused for the checkpoint written here.
  const files = model.manifest.tokenizer!.files.map((f) => join(model.dir, f));
  await writeTestCheckpoint(hf, { seed: 3, vocabSize: 1024, qLoraRank: 24, tokenizerFiles: files });
  const checkpoint = openCheckpoint(hf);
  const text = checkpoint.config.text_config;
  const original = referenceLogits(checkpoint, text);
  const errors: Record<string, number> = {};
  for (const quant of ['none', 'int8', 'int4'] as const) {
    const dir = join(work, `pkg-${quant}`);
    await convertCheckpoint(hf, dir, { quant, tokenizer: { specialTokens: model.manifest.tokenizer!.specialTokens, chatTemplate: 'kimi-k2.5' } });
    const pkg = openPackage(dir);
    const ofPackage = referenceLogits(pkg, text);
    pkg.close();
    const runtime = await engineLogits(dir);
    assert.ok(maxDiff(runtime, ofPackage) < 1e-3, `${quant}: runtime vs reference on the package's weights ${maxDiff(runtime, ofPackage)}`);
    errors[quant] = maxDiff(runtime, original);
  }
  checkpoint.close();
  assert.ok(errors.none! < 1e-3, `unquantised: ${errors.none}`);
  assert.ok(errors.int8! < errors.int4!, `int8 (${errors.int8}) is closer to the checkpoint than int4 (${errors.int4})`);
});

test("an image and text: the prompt runs as the reference computes it, the image's features at its media pads", async () => {
  const dir = join(work, 'vision');
  await createTestModel(dir, { size: 'tiny', quant: 'none' });
  const engine = await MoeEngine.open(dir, { accuracyLevel: 0, accelerator: 'none' });
  try {
    const image = { rgba: randomImage(70, 50, 8), width: 70, height: 50 };
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'image' as const }, { type: 'text' as const, text: 'What is this?' }] }], images: [image], maxTokens: 1, promptLogits: true };
    const { ids } = engine.promptOf(request);
    const result = engine.generate(request, () => {});
    const picture = preprocessImage(image.rgba, image.width, image.height, engine.pkg.config.vision_config!, KIMI_VL_IMAGE_PROCESSOR);
    const reference = modelForward(engine.pkg, engine.pkg.config, ids, [picture]).logits.data;
    const pads = ids.filter((id) => id === engine.pkg.config.media_placeholder_token_id).length;
    assert.equal(pads, (picture.gridH / 2) * (picture.gridW / 2));
    assert.ok(maxDiff(result.promptLogits!, reference) < 1e-3, `max |Δ| ${maxDiff(result.promptLogits!, reference)}`);
    assert.throws(() => engine.promptOf({ ...request, images: [] }), /1 image part\(s\) but 0 image\(s\)/);
    // Kimi-VL's processor reads no video: refused, with what to do instead.
    const video = { chunks: [{ timestamp: '00:00:00.000', frames: [image] }] };
    assert.throws(
      () => engine.promptOf({ messages: [{ role: 'user', content: [{ type: 'video' }, { type: 'text', text: 'What happens?' }] }], videos: [video], maxTokens: 1 }),
      (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'MODEL_UNSUPPORTED' && /reads images, not video.*--image.*Kimi K2\.5 package/.test(e.message),
    );
  } finally {
    engine.close();
  }
});

test('experts shared out between two or three threads give the same tokens and logits, bit for bit, as one thread, and their pools report together', async () => {
  const dir = join(work, 'threads');
  await createTestModel(dir, { size: 'tiny' });
  const runs: Array<{ result: ReturnType<MoeEngine['generate']>; stats: ReturnType<MoeEngine['stats']> }> = [];
  for (const expertThreads of [1, 2, 3]) {
    const engine = await MoeEngine.open(dir, { accuracyLevel: 0, expertThreads });
    const result = engine.generate({ tokens: ids, maxTokens: 10, promptLogits: true }, () => {});
    runs.push({ result, stats: engine.stats() });
    engine.close();
  }
  const uses = (r: (typeof runs)[number]) => r.stats.experts.pools.reduce((n: number, p) => n + p.hits + p.misses, 0);
  for (const run of runs.slice(1)) {
    assert.deepEqual(run.result.tokens, runs[0]!.result.tokens);
    assert.equal(maxDiff(run.result.promptLogits!, runs[0]!.result.promptLogits!), 0);
    assert.equal(uses(run), uses(runs[0]!));
    assert.equal(run.result.weightBytes.decode, runs[0]!.result.weightBytes.decode);
  }
});

test('the worker streams text as it decodes, and a cancel stops it before the next token (before the first when it came before the call)', async () => {
  const dir = join(work, 'tiny');
  await createTestModel(dir, { size: 'tiny' });
  const client = await EngineClient.open(dir, { accuracyLevel: 0 });
  try {
    const pieces: string[] = [];
    const { result } = await client.generate({ messages: [{ role: 'user', content: 'Make a card.' }], maxTokens: 12 }, (text) => pieces.push(text));
    assert.equal(result.stoppedBy === 'max-tokens' || result.stoppedBy === 'stop-token', true);
    assert.equal(pieces.join(''), result.text);
    assert.ok(pieces.length > 1, 'text arrived in pieces');

    const abort = new AbortController();
    const cancelled = await client.generate({ tokens: ids, maxTokens: 500 }, () => abort.abort(), abort.signal);
    assert.equal(cancelled.result.stoppedBy, 'cancelled');
    assert.ok(cancelled.result.tokens.length < 5, `stopped after ${cancelled.result.tokens.length} tokens`);

    const early = await client.generate({ tokens: ids, maxTokens: 12 }, () => {}, AbortSignal.abort());
    assert.equal(early.result.stoppedBy, 'cancelled');
    assert.deepEqual(early.result.tokens, []);
    const after = await client.generate({ tokens: ids, maxTokens: 12 });
    assert.notEqual(after.result.stoppedBy, 'cancelled');
  } finally {
    await client.close();
  }
});

const loupe = (...args: string[]) => spawnSync(process.execPath, ['bin/loupe.js', ...args], { encoding: 'utf8' });

test('loupe engine run: --greedy prints the ids the engine picks, --logits saves the prompt logits, bad packages are refused with what to do', async () => {
  const dir = join(work, 'cli');
  const made = loupe('models', 'create-test', dir, '--size', 'tiny', '--quant', 'int8');
  assert.equal(made.status, 0, made.stderr);
  const npy = join(work, 'logits.npy');
  const run = loupe('engine', 'run', '--model', dir, '--tokens', ids.join(','), '--greedy', '6', '--accuracy', '0', '--logits', npy);
  assert.equal(run.status, 0, run.stderr);
  const engine = await MoeEngine.open(dir, { accuracyLevel: 0 });
  const direct = engine.generate({ tokens: ids, maxTokens: 6, promptLogits: true }, () => {});
  engine.close();
  assert.equal(run.stdout.trim(), direct.tokens.join(','));
  const saved = readNpyFloat32(readFileSync(npy));
  assert.deepEqual(saved.shape, [ids.length, 1024]);
  assert.ok(maxDiff(saved.data, direct.promptLogits!) === 0);

  const missing = loupe('engine', 'run', '--model', join(work, 'nothing'), '--tokens', '1', '--greedy', '1');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no model package here.*loupe models create-test/);

  // One flipped byte in an expert's weights: caught when that file is read, named.
  const pkg = openPackage(dir);
  const expert = pkg.manifest.tensors['language_model.model.layers.1.mlp.experts.0.down_proj.weight']!;
  pkg.close();
  const file = join(dir, expert.file);
  const bytes = readFileSync(file);
  bytes[bytes.length - 100]! ^= 0xff;
  writeFileSync(file, bytes);
  const corrupt = loupe('engine', 'run', '--model', dir, '--tokens', ids.join(','), '--greedy', '3');
  assert.equal(corrupt.status, 2, corrupt.stderr);
  assert.match(corrupt.stderr, /layer-001\.safetensors/);
});

test('FP8 and int4 releases, converted, run as the reference computes them on the package; unquantised, as it computes them on the release itself', async () => {
  const model = await createTestModel(join(work, 'release-tokenizer'), { size: 'tiny', quant: 'none' });
  const files = model.manifest.tokenizer!.files.map((f) => join(model.dir, f));
  for (const format of ['fp8', 'int4'] as const) {
    const hf = join(work, `release-${format}`);
    await writeReleaseCheckpoint(hf, format, { seed: 4, vocabSize: 1024, qLoraRank: 24, tokenizerFiles: files });
    const checkpoint = openCheckpoint(hf);
    const text = checkpoint.config.text_config;
    // The release's own values: FP8 × scale_inv, int4 × scale.
    const release = referenceLogits(checkpoint, text);
    checkpoint.close();
    for (const quant of ['none', 'int4'] as const) {
      const dir = join(work, `release-${format}-${quant}`);
      await convertCheckpoint(hf, dir, { quant, tokenizer: { specialTokens: model.manifest.tokenizer!.specialTokens, chatTemplate: 'kimi-k2.5' } });
      const pkg = openPackage(dir);
      const ofPackage = referenceLogits(pkg, text);
      pkg.close();
      const runtime = await engineLogits(dir);
      assert.ok(maxDiff(runtime, ofPackage) < 1e-3, `${format} → ${quant}: runtime vs reference on the package's weights ${maxDiff(runtime, ofPackage)}`);
      if (quant === 'none') assert.ok(maxDiff(runtime, release) < 1e-3, `${format} → none: runtime vs the release's own values ${maxDiff(runtime, release)}`);
    }
  }
});

test("a Kimi K2.5 package reads K2.5's preprocessor_config.json (media_proc_cfg): an image takes its navit size's tokens and runs as the reference computes it", async () => {
  const model = await createTestModel(join(work, 'k25-tokenizer'), { size: 'tiny', quant: 'none' });
  const processorFile = join(familyDir('kimi-k2.5'), 'preprocessor_config.json');
  const hf = join(work, 'hf-k25');
  await writeTestCheckpoint(hf, { seed: 4, vocabSize: 1024, vision: 'moonvit3d', tokenizerFiles: [...model.manifest.tokenizer!.files.map((f) => join(model.dir, f)), processorFile] });
  const dir = join(work, 'pkg-k25');
  await convertCheckpoint(hf, dir, { quant: 'none', tokenizer: { specialTokens: model.manifest.tokenizer!.specialTokens, chatTemplate: 'kimi-k2.5' } });
  const engine = await MoeEngine.open(dir, { accuracyLevel: 0, accelerator: 'none' });
  try {
    assert.equal(engine.mediaProcessor.kind, 'kimi-k2.5');
    const image = { rgba: randomImage(70, 50, 8), width: 70, height: 50 };
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'image' as const }, { type: 'text' as const, text: 'What is this?' }] }], images: [image], maxTokens: 1, promptLogits: true };
    const { ids } = engine.promptOf(request);
    // 70 × 50 is kept (5 × 3 patches) and padded to 84 × 56: 3 × 2 merged cells.
    const picture = preprocessK25Image(image, engine.pkg.config.vision_config!, k25MediaConfigFromJson(JSON.parse(readFileSync(processorFile, 'utf8')), processorFile));
    assert.deepEqual([picture.gridW, picture.gridH], [6, 4]);
    assert.equal(ids.filter((id) => id === engine.pkg.config.media_placeholder_token_id).length, 6);
    const result = engine.generate(request, () => {});
    const reference = modelForward(engine.pkg, engine.pkg.config, ids, [picture]).logits.data;
    assert.ok(maxDiff(result.promptLogits!, reference) < 1e-3, `max |Δ| ${maxDiff(result.promptLogits!, reference)}`);
  } finally {
    engine.close();
  }
});

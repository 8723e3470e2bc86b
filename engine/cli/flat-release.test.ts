// Kimi K2-Instruct and DeepSeek-V3 as a user gets them: each family's config.json
// (models/families/) scaled down, FP8 e4m3 weights in 128×128 blocks named `model.*`, through
// `loupe models inspect`, `loupe models convert` and `loupe engine run` in their own processes.
// The logits are checked against the independent reference forward pass twice: on the int4
// package's weights, and on the release's own FP8 bytes as the reference decodes them
// (testing/moe/reference/release-weights.ts), through a package that keeps their exact values.
// A broken release is refused by both commands with what to do.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loupe } from '../../testing/run-loupe.ts';
import { scaledDown, writeFlatCheckpoint } from '../../testing/moe/flat-checkpoint.ts';
import { reencodeAsRelease } from '../../testing/moe/quantised-checkpoint.ts';
import { decoderForward, embed } from '../../testing/moe/reference/decoder.ts';
import { releaseWeights } from '../../testing/moe/reference/release-weights.ts';
import { writeTestTokenizer } from '../../testing/moe/test-vocabulary.ts';
import { openCheckpoint } from '../moe/checkpoint.ts';
import type { TextConfig } from '../moe/config.ts';
import { readNpyFloat32 } from '../moe/npy.ts';
import { openPackage } from '../moe/package.ts';
import type { WeightSource } from '../moe/tensor.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-flat-release-'));
test.after(() => rm(dir, { recursive: true, force: true }));
const ids = [3, 99, 411, 7, 260, 41, 500, 18, 77, 301];
const reference = (weights: WeightSource, text: TextConfig) => decoderForward(weights, text, embed(weights, text, ids)).logits.data;

/** The prompt's logits as `loupe engine run` writes them. */
async function engineLogits(pkgDir: string, name: string, ...flags: string[]): Promise<Float32Array> {
  const npy = join(dir, `${name}.npy`);
  const run = await loupe('engine', 'run', '--model', pkgDir, '--tokens', ids.join(','), '--greedy', '1', '--logits', npy, '--accuracy', '0', '--accelerator', 'none', ...flags);
  assert.equal(run.code, 0, run.stderr);
  return readNpyFloat32(readFileSync(npy)).data;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

// The weights are what these tests check; a small vocabulary in Kimi's tiktoken layout (the
// tokenizer Kimi K2 ships) is the tokenizer of both, and its special tokens are recorded at convert time.
const RELEASES = [
  { family: 'kimi-k2', name: 'Kimi K2', modelType: 'kimi_k2', groups: [1, 1] },
  { family: 'deepseek-v3', name: 'DeepSeek-V3', modelType: 'deepseek_v3', groups: [8, 4] },
] as const;

for (const [index, release] of RELEASES.entries()) {
  test(`${release.name} as published (flat config, FP8 blocks): inspect names it, convert takes it, engine run matches the reference on the package and on the release's FP8 bytes`, async (t) => {
    const published = JSON.parse(readFileSync(new URL(`../../models/families/${release.family}/config.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
    const hf = join(dir, release.family);
    const tokenizer = await writeTestTokenizer(hf, { size: 512 });
    const json = scaledDown(published, { vocab_size: tokenizer.vocabSize });
    assert.deepEqual([json.n_group, json.topk_group], release.groups, 'the release\'s expert groups are kept');
    const written = writeFlatCheckpoint(hf, json, 40 + index);
    reencodeAsRelease(hf, written.files, 'fp8');

    const inspect = await loupe('models', 'inspect', hf);
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.match(inspect.stdout, new RegExp(`^Family: +${release.name} \\(model_type ${release.modelType}, flat config\\.json\\)$`, 'm'));
    assert.match(inspect.stdout, /^Weights: +FP8 e4m3, 128×128 block scales/m);

    const int4 = join(dir, `${release.family}-int4`);
    const exact = join(dir, `${release.family}-none`);
    for (const [out, quant] of [[int4, 'int4'], [exact, 'none']]) {
      const convert = await loupe('models', 'convert', hf, out!, '--quant', quant!);
      assert.equal(convert.code, 0, convert.stderr);
    }
    const pkg = openPackage(int4);
    assert.deepEqual(pkg.manifest.tokenizer?.specialTokens, tokenizer.specialTokens);
    assert.equal(pkg.storage('language_model.model.layers.1.mlp.experts.0.up_proj.weight'), 'int4');
    const onPackage = reference(pkg, pkg.config.text_config);
    pkg.close();
    const packaged = maxDiff(await engineLogits(int4, `${release.family}-int4`), onPackage);
    assert.ok(packaged < 1e-3, `int4 package: engine vs reference max |Δ| ${packaged}`);
    // The routed experts held as their stored int4 bytes and run by Loupe's kernel instead of onnxruntime's sessions.
    const stored = maxDiff(await engineLogits(int4, `${release.family}-int4-stored`, '--experts', 'stored'), onPackage);
    assert.ok(stored < 1e-3, `int4 package, --experts stored: engine vs reference max |Δ| ${stored}`);

    // Unquantised, the package holds the FP8 values exactly (as F32): the engine's logits are
    // the reference's on the release's own bytes.
    const checkpoint = openCheckpoint(hf);
    const onRelease = reference(releaseWeights(checkpoint), checkpoint.config.text_config);
    checkpoint.close();
    const fromRelease = maxDiff(await engineLogits(exact, `${release.family}-none`), onRelease);
    assert.ok(fromRelease < 1e-3, `FP8 values: engine vs reference on the release max |Δ| ${fromRelease}`);
    t.diagnostic(`${release.name}: int4 package max |Δ| ${packaged.toExponential(2)} (stored experts ${stored.toExponential(2)}); release's FP8 values max |Δ| ${fromRelease.toExponential(2)}`);
  });
}

/** Rewrites one tensor's dtype in a safetensors header, keeping its length (JSON allows the trailing spaces). */
function retype(path: string, tensor: string, dtype: string): void {
  const file = readFileSync(path);
  const length = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + length).toString('utf8')) as Record<string, { dtype: string }>;
  header[tensor]!.dtype = dtype;
  const text = Buffer.from(JSON.stringify(header).padEnd(length, ' '));
  assert.equal(text.length, length);
  text.copy(file, 8);
  writeFileSync(path, file);
}

test('a broken release is refused by inspect and convert, saying what is wrong and what to do, and no package is left that looks complete', async () => {
  const published = JSON.parse(readFileSync(new URL('../../models/families/kimi-k2/config.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const good = join(dir, 'k2-good');
  const tokenizer = await writeTestTokenizer(good, { size: 512 });
  const written = writeFlatCheckpoint(good, scaledDown(published, { vocab_size: tokenizer.vocabSize }), 50);
  reencodeAsRelease(good, written.files, 'fp8');
  const [first, second] = written.files as [string, string];
  const broken: [string, (hf: string) => void, RegExp][] = [
    ['unknown family', (hf) => writeFileSync(join(hf, 'config.json'), JSON.stringify({ ...published, model_type: 'llama' })), /model_type "llama".*Loupe reads .*use a model server \(--backend openai\)/],
    ['missing shard', (hf) => rmSync(join(hf, second)), /is missing.*Download every shard of the release into this folder/],
    ['truncated tensor', (hf) => truncateSync(join(hf, first), statSync(join(hf, first)).size - 100), /tensor model\..*the file is truncated\. Download or copy it again/],
    ['a dtype it cannot read', (hf) => retype(join(hf, first), 'model.embed_tokens.weight', 'I16'), /embed_tokens\.weight is I16\. Loupe converts BF16, F16 or F32 checkpoints, FP8 block-quantised ones/],
  ];
  for (const [what, damage, message] of broken) {
    const hf = join(dir, `k2-${what.replaceAll(' ', '-')}`);
    cpSync(good, hf, { recursive: true });
    damage(hf);
    const inspect = await loupe('models', 'inspect', hf);
    assert.equal(inspect.code, 2, `${what}: ${inspect.stdout}`);
    assert.match(inspect.stderr, message, what);
    const out = join(dir, `k2-${what.replaceAll(' ', '-')}-pkg`);
    const convert = await loupe('models', 'convert', hf, out);
    assert.equal(convert.code, 2, `${what}: ${convert.stdout}`);
    assert.match(convert.stderr, message, what);
    assert.equal(existsSync(join(out, 'manifest.json')), false, `${what}: no manifest, so nothing opens as a package`);
  }
});

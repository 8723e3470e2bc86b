// A DeepSeek-V3-layout checkpoint end to end: the published config.json scaled down, BF16
// weights named `model.*` / `lm_head.weight` with an MTP layer, converted and run by the runtime
// against the reference reading the checkpoint itself — with YaRN, which must matter.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../checkpoint.ts';
import { convertCheckpoint } from '../convert-checkpoint.ts';
import { openPackage } from '../package.ts';
import type { TextConfig } from '../config.ts';
import type { WeightSource } from '../tensor.ts';
import { decoderForward, embed } from '../../../testing/moe/reference/decoder.ts';
import { scaledDown, writeFlatCheckpoint } from '../../../testing/moe/flat-checkpoint.ts';
import { reencodeAsRelease } from '../../../testing/moe/quantised-checkpoint.ts';
import { writeTestTokenizer } from '../../../testing/moe/test-vocabulary.ts';
import { MoeEngine } from './engine.ts';

const work = mkdtempSync(join(tmpdir(), 'loupe-flat-'));
test.after(() => rmSync(work, { recursive: true, force: true }));
const published = JSON.parse(readFileSync(new URL('../../../models/families/deepseek-v3/config.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ids = [3, 99, 411, 7, 260, 41, 500, 18, 77, 301];
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const reference = (weights: WeightSource, text: TextConfig) => decoderForward(weights, text, embed(weights, text, ids)).logits.data;

async function runtimeLogits(dir: string): Promise<Float32Array> {
  const engine = await MoeEngine.open(dir, { accuracyLevel: 0, accelerator: 'none' });
  try {
    return engine.generate({ tokens: ids, maxTokens: 1, promptLogits: true }, () => {}).promptLogits!;
  } finally {
    engine.close();
  }
}

test("DeepSeek-V3's layout, scaled down: converted without its MTP layer (said so), run within 1e-3 of the reference, YaRN included", async (t) => {
  // The tokenizer files sit in the checkpoint, as a release ships them; the converter copies them.
  const tokenizer = await writeTestTokenizer(join(work, 'hf'), { size: 512 });
  const convertOptions = { quant: 'none' as const, tokenizer: { specialTokens: tokenizer.specialTokens, chatTemplate: 'kimi-k2.5' } };
  const json = scaledDown(published, { vocab_size: tokenizer.vocabSize });
  const hf = writeFlatCheckpoint(join(work, 'hf'), json, 5);
  assert.ok(hf.mtp.includes('model.layers.3.eh_proj.weight') && hf.mtp.includes('model.layers.3.mlp.experts.15.down_proj.weight'));

  const checkpoint = openCheckpoint(hf.dir);
  const text = checkpoint.config.text_config;
  assert.equal(text.rope_scaling?.factor, 40);
  assert.deepEqual([...checkpoint.leftOut].sort(), [...hf.mtp].sort());
  assert.match(checkpoint.notes.join('\n'), /multi-token-prediction layer \(num_nextn_predict_layers 1: \d+ tensors of layer 3\) is left out/);
  const original = reference(checkpoint, text);
  checkpoint.close();

  const dir = join(work, 'pkg');
  const written = await convertCheckpoint(hf.dir, dir, convertOptions);
  assert.deepEqual(written.notes, checkpoint.notes);
  assert.deepEqual(written.manifest.source?.notes, checkpoint.notes);
  // One naming inside the package, whatever the checkpoint's; nothing of the MTP layer.
  const names = Object.keys(written.manifest.tensors);
  assert.ok(names.includes('language_model.model.embed_tokens.weight') && names.includes('language_model.lm_head.weight'));
  assert.deepEqual(names.filter((n) => !n.startsWith('language_model.model.layers.') ? false : Number(n.split('.')[3]) >= text.num_hidden_layers), []);
  assert.equal(names.length, checkpoint.tensors.length);

  const pkg = openPackage(dir);
  assert.equal(maxDiff(reference(pkg, pkg.config.text_config), original), 0, 'the package holds the checkpoint\'s BF16 bytes');
  pkg.close();
  const runtime = await runtimeLogits(dir);
  const diff = maxDiff(runtime, original);
  assert.ok(diff < 1e-3, `runtime vs reference: max |Δ| ${diff}`);
  t.diagnostic(`runtime vs reference with YaRN: max |Δ| ${diff.toExponential(2)}`);

  // The same weights without YaRN give other logits, in the reference and the runtime alike.
  const plainJson = { ...json, rope_scaling: null };
  await writeTestTokenizer(join(work, 'hf-plain'), { size: 512 });
  const plain = writeFlatCheckpoint(join(work, 'hf-plain'), plainJson, 5);
  const plainCheckpoint = openCheckpoint(plain.dir);
  const unscaled = reference(plainCheckpoint, plainCheckpoint.config.text_config);
  plainCheckpoint.close();
  assert.ok(maxDiff(unscaled, original) > 0.05, `YaRN moves the logits: max |Δ| ${maxDiff(unscaled, original)}`);
  t.diagnostic(`YaRN vs no scaling, reference logits: max |Δ| ${maxDiff(unscaled, original).toFixed(3)}`);
  await convertCheckpoint(plain.dir, join(work, 'pkg-plain'), convertOptions);
  assert.ok(maxDiff(await runtimeLogits(join(work, 'pkg-plain')), unscaled) < 1e-3);
});

test('DeepSeek-V3 as published, scaled down: its FP8 quantization_config, model.* projections in F8_E4M3 with 128×128 scale_inv, an MTP layer; converted to int4 and run within 1e-3 of the reference on the package', async () => {
  const dir = join(work, 'fp8');
  const tokenizer = await writeTestTokenizer(dir, { size: 512 });
  const hf = writeFlatCheckpoint(dir, scaledDown(published, { vocab_size: tokenizer.vocabSize }), 6);
  reencodeAsRelease(dir, hf.files, 'fp8');
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(config.quantization_config, published.quantization_config, 'the quantisation config as DeepSeek-V3 publishes it');

  const checkpoint = openCheckpoint(dir);
  assert.deepEqual(checkpoint.stored('language_model.model.layers.1.mlp.experts.3.up_proj.weight').kind, 'fp8-block');
  assert.equal(checkpoint.entry('language_model.model.layers.1.mlp.experts.3.up_proj.weight').dtype, 'F8_E4M3');
  assert.equal(checkpoint.stored('language_model.model.embed_tokens.weight').kind, 'float');
  // The MTP layer is left out whole, its FP8 scales with it.
  const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };
  const mtpStored = Object.keys(index.weight_map).filter((n) => n.startsWith('model.layers.3.'));
  assert.ok(mtpStored.includes('model.layers.3.mlp.experts.0.up_proj.weight_scale_inv'));
  assert.deepEqual([...checkpoint.leftOut].sort(), mtpStored.sort());
  checkpoint.close();

  const pkgDir = join(work, 'fp8-pkg');
  const written = await convertCheckpoint(dir, pkgDir, { quant: 'int4', tokenizer: { specialTokens: tokenizer.specialTokens, chatTemplate: 'kimi-k2.5' } });
  assert.equal(written.manifest.tensors['language_model.model.layers.1.mlp.experts.3.up_proj.weight']!.storage, 'int4');
  assert.match(written.notes.join('\n'), /multi-token-prediction layer/);
  const pkg = openPackage(pkgDir);
  const expected = reference(pkg, pkg.config.text_config);
  pkg.close();
  const diff = maxDiff(await runtimeLogits(pkgDir), expected);
  assert.ok(diff < 1e-3, `runtime vs reference: max |Δ| ${diff}`);
});

// `loupe models inspect` as a user runs it: a real process on a real (tiny) checkpoint.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loupe } from '../../testing/run-loupe.ts';
import { scaledDown, writeFlatCheckpoint } from '../../testing/moe/flat-checkpoint.ts';
import { FP8_QUANTIZATION_CONFIG, writeQuantisedHeaders } from '../../testing/moe/quantised-headers.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-inspect-cli-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const published = JSON.parse(readFileSync(new URL('../../models/families/deepseek-v3/config.json', import.meta.url), 'utf8')) as Record<string, unknown>;

test('models inspect prints the family, format, what is left out, sizes and memory; --json gives the same report', async () => {
  const hf = join(root, 'deepseek-v3');
  writeFlatCheckpoint(hf, scaledDown(published), 1);
  const text = await loupe('models', 'inspect', hf, '--gpu-mem', '0.0001', '--ram', '0.0002');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Family: +DeepSeek-V3 \(model_type deepseek_v3, flat config\.json\)$/m);
  assert.match(text.stdout, /^Weights: +BF16 \(F32 for 2 tensors\)$/m);
  assert.match(text.stdout, /^Convert: +yes/m);
  assert.match(text.stdout, /multi-token-prediction 1 layer \(68 tensors/);
  assert.match(text.stdout, /at --quant int4 \(\*\)/);
  assert.match(text.stdout, /GPU pool, .*--accelerator-budget/);
  assert.match(text.stdout, /bytes the hardware must read per decoded token, worst case/);

  const json = await loupe('models', 'inspect', hf, '--json', '--quant', 'int8', '--ram', '1');
  assert.equal(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout);
  assert.equal(r.family.id, 'deepseek-v3');
  assert.equal(r.format.kind, 'float');
  assert.equal(r.memory.quant, 'int8');
  assert.equal(r.memory.budgets.ramBytes, 2 ** 30);
  assert.equal(r.memory.gpu, undefined, 'no --gpu-mem: no GPU pool');
  assert.equal(r.leftOut.mtp.layers, 1);
});

test('models inspect on an FP8 release says whether convert takes it; a bad checkpoint exits 2 with what to do', async () => {
  const fp8 = join(root, 'fp8');
  writeQuantisedHeaders(fp8, { ...scaledDown(published), quantization_config: FP8_QUANTIZATION_CONFIG }, { format: 'fp8' });
  const r = await loupe('models', 'inspect', fp8);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Weights: +FP8 e4m3, 128×128 block scales/m);
  assert.match(r.stdout, /^Convert: +yes/m);

  const missing = await loupe('models', 'inspect', join(root, 'nowhere'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such checkpoint directory\. Give the folder of a Hugging Face model/);
});

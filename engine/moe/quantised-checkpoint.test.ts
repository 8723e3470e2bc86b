// Published FP8 and int4 releases, re-encoded from the tiny checkpoint exactly as they are
// published, opened as their real values; damaged ones and other quantisations refused.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from './checkpoint.ts';
import { E4M3_VALUES } from './fp8.ts';
import { SafetensorsFile, bf16ToF32, writeSafetensors, type Dtype } from './safetensors.ts';
import { isLoupeError } from '../errors.ts';
import { isFp8InRelease, isInt4InRelease, writeReleaseCheckpoint } from '../../testing/moe/quantised-checkpoint.ts';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-release-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, String(count++));
// A dense MLP wider than one 128-block, so FP8 scales come in partial blocks too.
const wide = { configOverrides: { text_config: { intermediate_size: 200 } } };

const refused = (code: string, ...fragments: string[]) => (e: unknown) => isLoupeError(e) && e.code === code && fragments.every((f) => e.message.includes(f));

type Stored = { name: string; dtype: Dtype; shape: number[]; data: Uint8Array };

/** Rewrites a one-shard checkpoint's tensors. */
function rewrite(dir: string, change: (tensors: Stored[]) => Stored[]) {
  const path = join(dir, 'model.safetensors');
  const file = SafetensorsFile.open(path);
  const tensors: Stored[] = [...file.tensors.values()].map((t) => ({ name: t.name, dtype: t.dtype as Dtype, shape: t.shape, data: file.readBytes(t.name) }));
  file.close();
  writeSafetensors(path, change(tensors));
}

function editConfig(dir: string, edit: (json: Record<string, any>) => void) {
  const json = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  edit(json);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(json));
}

test('an FP8 release opens with each projection as code × scale_inv of its 128×128 block, the rest as stored', async () => {
  const dir = fresh();
  const bf16 = fresh();
  await writeReleaseCheckpoint(dir, 'fp8', { seed: 5, qLoraRank: 32, shards: 2, ...wide });
  await writeTestCheckpoint(bf16, { seed: 5, qLoraRank: 32, ...wide });
  const checkpoint = openCheckpoint(dir);
  const original = openCheckpoint(bf16);
  assert.deepEqual(checkpoint.quantisation, { method: 'fp8', block: [128, 128] });
  let quantised = 0;
  for (const { name, shape } of checkpoint.tensors) {
    const stored = checkpoint.stored(name);
    if (!isFp8InRelease(name)) {
      assert.equal(stored.kind, 'float', name);
      assert.deepEqual(checkpoint.get(name), original.get(name), name);
      continue;
    }
    quantised++;
    assert.equal(stored.kind, 'fp8-block', name);
    assert.equal(checkpoint.entry(name).dtype, 'F8_E4M3');
    const codes = checkpoint.readBytes(name);
    const scaleInv = new Float32Array(checkpoint.readBytes(`${name}_scale_inv`).buffer);
    const [N, K] = shape as [number, number];
    const cols = Math.ceil(K / 128);
    assert.deepEqual(checkpoint.entry(`${name}_scale_inv`).shape, [Math.ceil(N / 128), cols]);
    const values = checkpoint.get(name).data;
    const before = original.get(name).data;
    for (let i = 0; i < N * K; i++) {
      const [n, k] = [Math.floor(i / K), i % K];
      assert.equal(values[i], Math.fround(E4M3_VALUES[codes[i]!]! * scaleInv[Math.floor(n / 128) * cols + Math.floor(k / 128)]!), `${name}[${n}, ${k}]`);
      // FP8 keeps 3 mantissa bits: within 1/16 of the value, or of the block's smallest normal.
      assert.ok(Math.abs(values[i]! - before[i]!) <= Math.abs(before[i]!) / 16 + 2 ** -6 * scaleInv[Math.floor(n / 128) * cols + Math.floor(k / 128)]!, `${name}[${i}]`);
    }
  }
  // Attention (q_a, q_b, kv_a, kv_b, o) ×3, the dense MLP (3), 2 MoE layers × (8 experts + shared) × 3.
  assert.equal(quantised, 5 * 3 + 3 + 2 * 9 * 3);
  assert.equal(checkpoint.entry('language_model.model.layers.0.mlp.down_proj.weight_scale_inv').shape.join(), '1,2');
  assert.equal(checkpoint.entry('language_model.model.layers.0.mlp.up_proj.weight_scale_inv').shape.join(), '2,1');
  checkpoint.close();
  original.close();
});

test('a compressed-tensors int4 release opens with each routed expert as scale × (code − 8), the rest as stored', async () => {
  const dir = fresh();
  await writeReleaseCheckpoint(dir, 'int4', { seed: 6 });
  const checkpoint = openCheckpoint(dir);
  assert.deepEqual(checkpoint.quantisation, { method: 'pack-quantized', bits: 4, groupSize: 32 });
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal(config.quantization_config, undefined);
  assert.equal(config.text_config.quantization_config.format, 'pack-quantized');
  let packed = 0;
  for (const { name, shape } of checkpoint.tensors) {
    const stored = checkpoint.stored(name);
    if (!isInt4InRelease(name)) {
      assert.equal(stored.kind, 'float', name);
      continue;
    }
    packed++;
    assert.equal(stored.kind, 'int4-packed', name);
    const module = name.slice(0, -'.weight'.length);
    assert.ok(checkpoint.has(name));
    assert.throws(() => checkpoint.entry(name), /no tensor/, 'stored only as its packed parts');
    assert.equal(checkpoint.entry(`${module}.weight_packed`).dtype, 'I32');
    assert.equal(checkpoint.entry(`${module}.weight_scale`).dtype, 'BF16');
    const words = new Int32Array(checkpoint.readBytes(`${module}.weight_packed`).buffer);
    const scales = bf16ToF32(new Uint16Array(checkpoint.readBytes(`${module}.weight_scale`).buffer));
    const [N, K] = shape as [number, number];
    const values = checkpoint.get(name).data;
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        const code = (words[n * (K / 8) + (k >> 3)]! >>> ((k & 7) * 4)) & 15;
        assert.equal(values[n * K + k], scales[n * (K / 32) + (k >> 5)]! * (code - 8), `${name}[${n}, ${k}]`);
      }
    }
  }
  assert.equal(packed, 2 * 8 * 3);
  checkpoint.close();
});

test('a quantised weight without its scales, or with scales of the wrong shape or dtype, is MODEL_CORRUPT naming them', async () => {
  const fp8 = fresh();
  await writeReleaseCheckpoint(fp8, 'fp8', { seed: 7 });
  const o = 'language_model.model.layers.1.self_attn.o_proj';
  rewrite(fp8, (ts) => ts.filter((t) => t.name !== `${o}.weight_scale_inv`));
  assert.throws(() => openCheckpoint(fp8), refused('MODEL_CORRUPT', `${o}.weight_scale_inv`, 'missing', 'F32 [1, 1]'));

  const fp8Shape = fresh();
  await writeReleaseCheckpoint(fp8Shape, 'fp8', { seed: 7, ...wide });
  const down = 'language_model.model.layers.0.mlp.down_proj';
  rewrite(fp8Shape, (ts) => ts.map((t) => (t.name === `${down}.weight_scale_inv` ? { ...t, shape: [2, 1] } : t)));
  assert.throws(() => openCheckpoint(fp8Shape), refused('MODEL_CORRUPT', `${down}.weight_scale_inv is F32 [2, 1]`, 'needs F32 [1, 2]'));

  const fp8Dtype = fresh();
  await writeReleaseCheckpoint(fp8Dtype, 'fp8', { seed: 7 });
  rewrite(fp8Dtype, (ts) => ts.map((t) => (t.name === `${o}.weight_scale_inv` ? { ...t, dtype: 'BF16', shape: [1, 2] } : t)));
  assert.throws(() => openCheckpoint(fp8Dtype), refused('MODEL_CORRUPT', `${o}.weight_scale_inv is BF16 [1, 2]`, 'needs F32 [1, 1]'));

  const int4 = fresh();
  await writeReleaseCheckpoint(int4, 'int4', { seed: 7 });
  const expert = 'language_model.model.layers.2.mlp.experts.3.down_proj';
  rewrite(int4, (ts) => ts.filter((t) => t.name !== `${expert}.weight_scale`));
  assert.throws(() => openCheckpoint(int4), refused('MODEL_CORRUPT', `${expert}.weight_scale`, 'missing'));

  const int4Shape = fresh();
  await writeReleaseCheckpoint(int4Shape, 'int4', { seed: 7 });
  rewrite(int4Shape, (ts) => ts.map((t) => (t.name === `${expert}.weight_scale` ? { ...t, shape: [32, 2] } : t)));
  assert.throws(() => openCheckpoint(int4Shape), refused('MODEL_CORRUPT', `${expert}.weight_scale is BF16 [32, 2]`, 'needs BF16, F16 or F32 [64, 1]'));

  const int4Stated = fresh();
  await writeReleaseCheckpoint(int4Stated, 'int4', { seed: 7 });
  rewrite(int4Stated, (ts) => ts.map((t) => (t.name === `${expert}.weight_shape` ? { ...t, data: new Uint8Array(Int32Array.from([32, 64]).buffer) } : t)));
  assert.throws(() => openCheckpoint(int4Stated), refused('MODEL_CORRUPT', `${expert}.weight_shape says [32, 64]`, 'implies [64, 32]'));

  const int4Packed = fresh();
  await writeReleaseCheckpoint(int4Packed, 'int4', { seed: 7 });
  rewrite(int4Packed, (ts) => ts.filter((t) => t.name !== `${expert}.weight_packed`));
  assert.throws(() => openCheckpoint(int4Packed), refused('MODEL_CORRUPT', `${expert}.weight is missing`));
});

test('other quantisations are MODEL_UNSUPPORTED, saying what Loupe reads and what to convert instead', async () => {
  const dir = fresh();
  await writeReleaseCheckpoint(dir, 'int4', { seed: 8 });
  const cases: [string, (json: Record<string, any>) => void, string][] = [
    ['awq', (j) => (j.text_config.quantization_config = { quant_method: 'awq', bits: 4, group_size: 128 }), '"awq"'],
    ['gptq', (j) => (j.quantization_config = { quant_method: 'gptq', bits: 4 }), '"gptq"'],
    ['asymmetric int4', (j) => (j.text_config.quantization_config.config_groups.group_0.weights.symmetric = false), 'only symmetric 4-bit'],
    ['8-bit', (j) => (j.text_config.quantization_config.config_groups.group_0.weights.num_bits = 8), 'only symmetric 4-bit'],
    ['another compressed-tensors format', (j) => (j.text_config.quantization_config.format = 'float-quantized'), '"float-quantized"'],
    ['per-tensor FP8', (j) => (j.quantization_config = { quant_method: 'fp8', fmt: 'e4m3' }), 'no weight_block_size'],
    ['e5m2', (j) => (j.quantization_config = { quant_method: 'fp8', fmt: 'e5m2', weight_block_size: [128, 128] }), '"e5m2"'],
  ];
  const original = readFileSync(join(dir, 'config.json'), 'utf8');
  for (const [what, edit, fragment] of cases) {
    writeFileSync(join(dir, 'config.json'), original);
    editConfig(dir, (j) => {
      if (what === 'gptq' || what.includes('FP8') || what === 'e5m2') delete j.text_config.quantization_config;
      edit(j);
    });
    assert.throws(() => openCheckpoint(dir), refused('MODEL_UNSUPPORTED', fragment, 'Loupe converts BF16'), what);
  }
  // An FP8 weight in a checkpoint whose config says nothing of it.
  const fp8 = fresh();
  await writeReleaseCheckpoint(fp8, 'fp8', { seed: 8 });
  editConfig(fp8, (j) => delete j.quantization_config);
  assert.throws(() => openCheckpoint(fp8), refused('MODEL_UNSUPPORTED', 'is F8_E4M3 without block scales'));
});

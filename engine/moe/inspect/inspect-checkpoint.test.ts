import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoupeError } from '../../errors.ts';
import { convertCheckpoint } from '../convert-checkpoint.ts';
import { INDEX_FILE } from '../checkpoint.ts';
import { writeTestCheckpoint } from '../../../testing/moe/test-checkpoint.ts';
import { scaledDown, writeFlatCheckpoint } from '../../../testing/moe/flat-checkpoint.ts';
import { writeReleaseCheckpoint } from '../../../testing/moe/quantised-checkpoint.ts';
import { FP8_QUANTIZATION_CONFIG, INT4_QUANTIZATION_CONFIG, writeHeaderOnlyShard, writeQuantisedHeaders } from '../../../testing/moe/quantised-headers.ts';
import { inspectCheckpoint, QUANTS } from './inspect-checkpoint.ts';
import { CONVERTS } from './weight-format.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-inspect-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const published = JSON.parse(readFileSync(new URL('../../../models/families/deepseek-v3/config.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const plenty = { ramBytes: 2 ** 40 };

const refused = (fn: () => unknown, code: string, ...parts: RegExp[]) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(isLoupeError(e), String(e));
    assert.equal(e.code, code, e.message);
    for (const p of parts) assert.match(e.message, p);
    return true;
  });

test('Kimi-VL: nested, BF16, vision converted, nothing left out; the package sizes are what convert writes', async () => {
  const hf = join(root, 'kimi-vl');
  await writeTestCheckpoint(hf, { seed: 5, shards: 2, tokenizer: (dir) => writeFileSync(join(dir, 'tiktoken.model'), 'IQ== 0\n') });
  const r = inspectCheckpoint(hf, { budgets: plenty });
  assert.equal(r.family.id, 'kimi-vl');
  assert.equal(r.family.layout, 'nested');
  assert.equal(r.format.kind, 'float');
  assert.equal(r.format.description, 'BF16 (F32 for 2 tensors)', 'BF16 weights, F32 router biases');
  assert.ok(r.convertible && r.refusals.length === 0);
  assert.deepEqual(r.vision, { present: true, converted: true });
  assert.equal(r.leftOut.mtp.tensors, 0);
  assert.equal(r.leftOut.unused.tensors, 0);
  assert.equal(r.converted.bytes, r.checkpointBytes);
  for (const quant of QUANTS) {
    const written = await convertCheckpoint(hf, join(root, `kimi-vl-${quant}`), { quant });
    // Kimi-VL has no MTP layer, so no note: the manifest is worked out to the byte.
    assert.equal(r.sizes[quant].bytes, written.bytes, `--quant ${quant}`);
  }
});

test('DeepSeek-V3, flat with its MTP layer: the layer is listed as left out, and the int4 size is within the note of what convert writes', async () => {
  const hf = join(root, 'deepseek-v3');
  const written = writeFlatCheckpoint(hf, scaledDown(published), 3);
  const r = inspectCheckpoint(hf, { budgets: plenty });
  assert.equal(r.family.id, 'deepseek-v3');
  assert.equal(r.family.layout, 'flat');
  assert.equal(r.format.kind, 'float');
  assert.ok(r.convertible);
  assert.equal(r.vision.present, false);
  assert.equal(r.leftOut.mtp.layers, 1);
  assert.deepEqual(r.leftOut.mtp.names.sort(), [...written.mtp].sort());
  assert.equal(r.leftOut.unused.tensors, 0);
  const pkg = await convertCheckpoint(hf, join(root, 'deepseek-v3-int4'), { quant: 'int4' });
  const diff = pkg.bytes - r.sizes.int4.bytes;
  // The manifest's MTP note, which inspect does not write out, is the only difference.
  assert.ok(diff >= 0 && diff <= Buffer.byteLength(pkg.notes.join('')) + 64, `convert wrote ${pkg.bytes}, inspect said ${r.sizes.int4.bytes}`);
});

test('a tensor nothing reads is named; so is a missing shard, a cut-off header and a dtype Loupe cannot read', async () => {
  const hf = join(root, 'extra');
  await writeTestCheckpoint(hf, { seed: 2, vision: false });
  writeHeaderOnlyShard(join(hf, 'extra.safetensors'), [{ name: 'language_model.model.rotary_emb.inv_freq', dtype: 'F32', shape: [4] }]);
  const r = inspectCheckpoint(hf, { budgets: plenty });
  assert.deepEqual(r.leftOut.unused.names, ['language_model.model.rotary_emb.inv_freq']);
  assert.equal(r.leftOut.unused.bytes, 16);
  assert.deepEqual(r.vision, { present: false, converted: false });

  const sharded = join(root, 'sharded');
  writeFlatCheckpoint(sharded, scaledDown(published), 4);
  const shards = Object.values(JSON.parse(readFileSync(join(sharded, INDEX_FILE), 'utf8')).weight_map as Record<string, string>);
  const second = [...new Set(shards)].sort()[1]!;
  truncateSync(join(sharded, second), 40);
  refused(() => inspectCheckpoint(sharded, { budgets: plenty }), 'MODEL_CORRUPT', new RegExp(second), /truncated|past the end/, /Download it again/);
  unlinkSync(join(sharded, second));
  refused(() => inspectCheckpoint(sharded, { budgets: plenty }), 'MODEL_CORRUPT', /1 of the 2 shards/, new RegExp(second), /Download every shard/);

  const f64 = join(root, 'f64');
  const fp8 = writeQuantisedHeaders(f64, scaledDown(published), { format: 'fp8', shards: 1 });
  // FP8 weights under a config.json that declares no quantization: not readable as floats.
  refused(() => inspectCheckpoint(f64, { budgets: plenty }), 'MODEL_UNSUPPORTED', /q_a_proj\.weight is F8_E4M3 without block scales/, /quant_method "fp8"/);
  const tensors = fp8.filter((t) => !t.name.endsWith('weight_scale_inv')).map((t) => ({ ...t, dtype: t.dtype === 'F8_E4M3' ? 'BF16' : t.dtype }));
  const wq = tensors.find((t) => t.name.endsWith('self_attn.o_proj.weight'))!;
  writeHeaderOnlyShard(join(f64, 'model-00001-of-00001.safetensors'), tensors.map((t) => (t === wq ? { ...t, dtype: 'F64' } : t)));
  refused(() => inspectCheckpoint(f64, { budgets: plenty }), 'MODEL_UNSUPPORTED', /self_attn\.o_proj\.weight is F64/, /Loupe converts BF16, F16 or F32/);

  writeHeaderOnlyShard(join(f64, 'model-00001-of-00001.safetensors'), tensors.map((t) => (t === wq ? { ...t, dtype: 'F4_E2M1' } : t)));
  refused(() => inspectCheckpoint(f64, { budgets: plenty }), 'MODEL_CORRUPT', /unknown dtype "F4_E2M1"/, /newer Loupe/);
});

test('an unknown family is refused, saying which Loupe reads', async () => {
  const hf = join(root, 'llama');
  writeFlatCheckpoint(hf, scaledDown(published), 1);
  writeFileSync(join(hf, 'config.json'), JSON.stringify({ ...scaledDown(published), model_type: 'llama' }));
  refused(() => inspectCheckpoint(hf, { budgets: plenty }), 'MODEL_UNSUPPORTED', /model_type "llama" is not a checkpoint family Loupe reads/, /kimi_vl/, /kimi_k2/, /deepseek_v3/);
});

test('FP8 with 128×128 block scales (DeepSeek-V3 as released): recognised, convertible as CONVERTS says, sized from the config; per-tensor FP8 and missing scales refused', async () => {
  const hf = join(root, 'fp8');
  writeQuantisedHeaders(hf, { ...scaledDown(published), quantization_config: FP8_QUANTIZATION_CONFIG }, { format: 'fp8' });
  const r = inspectCheckpoint(hf, { budgets: plenty });
  assert.equal(r.family.id, 'deepseek-v3');
  assert.equal(r.format.kind, 'fp8-block');
  assert.match(r.format.description, /^FP8 e4m3, 128×128 block scales .* for 120 weights; elsewhere BF16/);
  assert.equal(r.format.converts, CONVERTS['fp8-block']);
  assert.equal(r.convertible, CONVERTS['fp8-block']);
  if (!r.convertible) assert.match(r.refusals[0]!, /does not convert FP8/);
  // The package is planned from the config: the same tensors, so the same bytes, as from BF16.
  const bf16 = inspectCheckpoint(join(root, 'deepseek-v3'), { budgets: plenty });
  for (const q of ['int4', 'int8'] as const) assert.equal(r.sizes[q].tensorBytes, bf16.sizes[q].tensorBytes, q);
  assert.ok(r.sizes.none.tensorBytes > bf16.sizes.none.tensorBytes, 'kept as floats, FP8 weights are F32');

  const perTensor = join(root, 'fp8-per-tensor');
  const { weight_block_size: _, ...noBlocks } = FP8_QUANTIZATION_CONFIG;
  writeQuantisedHeaders(perTensor, { ...scaledDown(published), quantization_config: noBlocks }, { format: 'fp8' });
  refused(() => inspectCheckpoint(perTensor, { budgets: plenty }), 'MODEL_UNSUPPORTED', /no weight_block_size/, /use the block-quantised release or the BF16 one/);

  const noScales = join(root, 'fp8-no-scales');
  const tensors = writeQuantisedHeaders(noScales, { ...scaledDown(published), quantization_config: FP8_QUANTIZATION_CONFIG }, { format: 'fp8', shards: 1 });
  writeHeaderOnlyShard(join(noScales, 'model-00001-of-00001.safetensors'), tensors.filter((t) => !t.name.endsWith('layers.1.mlp.experts.3.up_proj.weight_scale_inv')));
  refused(() => inspectCheckpoint(noScales, { budgets: plenty }), 'MODEL_CORRUPT', /experts\.3\.up_proj\.weight is F8_E4M3 but its block scales .* are missing/, /download it again/);
});

test('compressed-tensors pack-quantized int4 (Kimi K2 Thinking, flat; Kimi K2.5, nested with MoonViT3d)', () => {
  const k2 = join(root, 'k2-int4');
  writeQuantisedHeaders(k2, { ...scaledDown(published), model_type: 'kimi_k2', quantization_config: INT4_QUANTIZATION_CONFIG }, { format: 'int4' });
  const r = inspectCheckpoint(k2, { budgets: plenty });
  assert.equal(r.family.id, 'kimi-k2');
  assert.equal(r.format.kind, 'int4-packed');
  assert.match(r.format.description, /^int4, compressed-tensors pack-quantized, groups of 32 .* for 96 weights/, '2 MoE layers × 16 experts × 3');
  assert.equal(r.convertible, CONVERTS['int4-packed']);
  assert.equal(r.sizes.int4.blockSize, 32, "the release's groups are the package's blocks");
  const other = inspectCheckpoint(k2, { budgets: plenty, blockSize: 64 });
  assert.equal(other.convertible, false);
  assert.match(other.refusals.join(), /groups of 32, and --block-size 64 would quantise them a second time/);

  const k25 = join(root, 'k25-int4');
  const text = { ...scaledDown(published), model_type: 'kimi_k2', quantization_config: INT4_QUANTIZATION_CONFIG };
  const { model_type: _, ...decoder } = text;
  writeQuantisedHeaders(
    k25,
    { model_type: 'kimi_k25', text_config: decoder, vision_config: {
        // MoonViT3d's keys as K2.5 publishes them: the tower's own widths prefixed vt_.
        patch_size: 14,
        init_pos_emb_height: 4,
        init_pos_emb_width: 4,
        init_pos_emb_time: 4,
        merge_kernel_size: [2, 2],
        vt_hidden_size: 32,
        vt_intermediate_size: 64,
        vt_num_attention_heads: 2,
        vt_num_hidden_layers: 1,
        mm_hidden_size: 32,
        text_hidden_size: 64,
      }, media_placeholder_token_id: 500 },
    { format: 'int4' },
  );
  const v = inspectCheckpoint(k25, { budgets: plenty });
  assert.equal(v.family.id, 'kimi-k2.5');
  assert.equal(v.format.kind, 'int4-packed');
  // MoonViT3d is read: its tower and its mm_projector.* are found (a missing one would be refused)
  // and converted, nothing of it left out.
  assert.equal(v.convertible, CONVERTS['int4-packed']);
  assert.deepEqual(v.refusals, []);
  assert.deepEqual(v.vision, { present: true, converted: true, note: 'MoonViT3d: images, and video chunks of up to 4 frames' });
  assert.equal(v.leftOut.vision.tensors, 0);
  assert.equal(v.leftOut.unused.tensors, 0);
});

test('the memory plan: dense weights on a GPU that holds them (else in RAM), experts into the GPU pool, then RAM, the rest from disk; bytes read per token', async () => {
  const hf = join(root, 'deepseek-v3');
  const whole = inspectCheckpoint(hf, { budgets: plenty }).memory;
  const E = whole.bytesPerExpert;
  assert.equal(whole.routedExperts, 2 * 16);
  assert.equal(whole.expertBytes, 32 * E);
  const r = inspectCheckpoint(hf, { budgets: { gpuBytes: 5 * E + 1, ramBytes: whole.denseBytes + 7 * E } }).memory;
  assert.equal(r.denseOn, 'ram', 'a GPU smaller than the dense part holds experts only');
  assert.equal(r.gpu!.experts, 5);
  assert.equal(r.ram.experts, 7);
  assert.equal(r.onDisk.experts, 20);
  assert.equal(r.onDisk.share, 20 / 32);
  // top-4 of 16 in each of the 2 MoE layers
  assert.equal(r.perToken.expertBytes, 4 * E * 2);
  assert.equal(r.perToken.fromDiskBytes, 4 * E * 2, 'ten of each layer\'s experts are on disk: all four activated may be');

  // A GPU that holds the dense part (all but the embedding, which stays in RAM) and experts beside it.
  const budgets = { gpuBytes: whole.denseBytes + 3 * E, ramBytes: whole.denseBytes + 10 * E };
  const onGpu = inspectCheckpoint(hf, { budgets }).memory;
  assert.equal(onGpu.denseOn, 'gpu');
  assert.equal(onGpu.gpu!.budgetBytes + onGpu.ram.budgetBytes, budgets.gpuBytes + budgets.ramBytes - whole.denseBytes, 'the dense part is counted once, split between the GPU and RAM');
  assert.ok(onGpu.gpu!.experts >= 3, `${onGpu.gpu!.experts} experts on the GPU beside the dense part`);
  assert.ok(onGpu.ram.budgetBytes < budgets.ramBytes, 'the embedding stays in RAM');

  const small = inspectCheckpoint(hf, { budgets: { gpuBytes: E - 1, ramBytes: whole.denseBytes + 30 * E } }).memory;
  assert.equal(small.gpu!.experts, 0, 'a GPU budget below one expert holds none');
  assert.equal(small.ram.experts, 30);
  assert.equal(small.perToken.fromDiskBytes, 1 * E * 2);

  const tooSmall = inspectCheckpoint(hf, { budgets: { ramBytes: whole.denseBytes - 1 } }).memory;
  assert.equal(tooSmall.denseOn, 'nowhere');
  assert.equal(tooSmall.ram.experts, 0);
  assert.equal(tooSmall.onDisk.experts, 32);
});

test("DeepSeek-V3's published config at full size, FP8 headers in 163 sparse shards: read from headers alone, an expert sized by hand", () => {
  const hf = join(root, 'deepseek-v3-full');
  writeQuantisedHeaders(hf, published, { format: 'fp8', shards: 163 });
  const r = inspectCheckpoint(hf, { budgets: { gpuBytes: 80 * 2 ** 30, ramBytes: 512 * 2 ** 30 } });
  assert.equal(r.family.id, 'deepseek-v3');
  assert.equal(r.format.kind, 'fp8-block');
  assert.equal(r.model.moeLayers, 58);
  assert.ok(r.checkpointBytes > 600e9, `${r.checkpointBytes} bytes described, none read`);
  // int4, blocks of 32: gate/up [2048, 7168] and down [7168, 2048] each take
  // N·K/2 (codes) + N·K/32·4 (F32 scales) + N·⌈K/32/2⌉ (zero points, two a byte) bytes.
  const part = (N: number, K: number) => (N * K) / 2 + (N * K * 4) / 32 + N * Math.ceil(K / 32 / 2);
  const expert = 2 * part(2048, 7168) + part(7168, 2048);
  assert.equal(r.memory.bytesPerExpert, expert);
  assert.equal(r.memory.routedExperts, 58 * 256);
  assert.equal(r.memory.perToken.expertBytes, 8 * expert * 58);
  // The dense part (all but the embedding) takes its share of the GPU first; experts fill the rest.
  assert.equal(r.memory.denseOn, 'gpu');
  const gpuPool = r.memory.gpu!.budgetBytes;
  assert.ok(gpuPool < 80 * 2 ** 30 && gpuPool >= 80 * 2 ** 30 - r.memory.denseBytes, `${gpuPool} bytes of the GPU left for experts`);
  assert.equal(r.memory.gpu!.experts, Math.floor(gpuPool / expert));
});

for (const format of ['fp8', 'int4'] as const) {
  test(`a ${format} release (the tiny checkpoint re-encoded with real codes and scales): sized to the byte of what convert writes at every --quant`, async () => {
    const hf = join(root, `release-${format}`);
    await writeReleaseCheckpoint(hf, format, { seed: 7, shards: 2 });
    const r = inspectCheckpoint(hf, { budgets: plenty });
    assert.equal(r.family.id, 'kimi-vl');
    assert.equal(r.format.kind, format === 'fp8' ? 'fp8-block' : 'int4-packed');
    assert.equal(r.convertible, true);
    assert.equal(r.leftOut.unused.tensors, 0, 'every scale is accounted for');
    for (const quant of QUANTS) {
      const written = await convertCheckpoint(hf, join(root, `release-${format}-${quant}`), { quant });
      assert.equal(r.sizes[quant].bytes, written.bytes, `--quant ${quant}`);
    }
  });
}

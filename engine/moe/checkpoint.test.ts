import test from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointTensors, openCheckpoint } from './checkpoint.ts';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';
import { SafetensorsFile, bf16ToF32, writeSafetensors } from './safetensors.ts';
import { isLoupeError } from '../errors.ts';
import { scaledDown, writeFlatCheckpoint } from '../../testing/moe/flat-checkpoint.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-checkpoint-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, String(count++));

const corruptWith = (...fragments: string[]) => (e: unknown) =>
  isLoupeError(e) && e.code === 'MODEL_CORRUPT' && fragments.every((f) => e.message.includes(f));

test('the tiny checkpoint is written in the Kimi-VL layout and reopens with every tensor in shape', async () => {
  for (const qLoraRank of [null, 32]) {
    const dir = fresh();
    const written = await writeTestCheckpoint(dir, { seed: 7, qLoraRank });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(config.model_type, 'kimi_vl');
    assert.equal(config.text_config.model_type, 'deepseek_v3');
    assert.equal(config.vision_config.model_type, 'moonvit');
    assert.equal(config.media_placeholder_token_id, 1024 - 256 + 21);
    assert.deepEqual(written.files, ['model.safetensors']);

    const checkpoint = openCheckpoint(dir);
    const t = checkpoint.config.text_config;
    assert.equal(t.q_lora_rank, qLoraRank);
    const L = 'language_model.model.layers';
    const expected: Record<string, number[]> = {
      'language_model.model.embed_tokens.weight': [1024, 64],
      [`${L}.0.mlp.gate_proj.weight`]: [96, 64],
      [`${L}.0.mlp.down_proj.weight`]: [64, 96],
      [`${L}.1.self_attn.kv_a_proj_with_mqa.weight`]: [32 + 8, 64],
      [`${L}.1.self_attn.kv_a_layernorm.weight`]: [32],
      [`${L}.1.self_attn.kv_b_proj.weight`]: [4 * (16 + 16), 32],
      [`${L}.1.self_attn.o_proj.weight`]: [64, 4 * 16],
      [`${L}.1.mlp.gate.weight`]: [8, 64],
      [`${L}.1.mlp.gate.e_score_correction_bias`]: [8],
      [`${L}.2.mlp.experts.7.up_proj.weight`]: [32, 64],
      [`${L}.2.mlp.experts.7.down_proj.weight`]: [64, 32],
      [`${L}.2.mlp.shared_experts.gate_proj.weight`]: [32, 64],
      'language_model.model.norm.weight': [64],
      'language_model.lm_head.weight': [1024, 64],
      'vision_tower.patch_embed.proj.weight': [32, 3, 14, 14],
      'vision_tower.patch_embed.pos_emb.weight': [8, 8, 32],
      'vision_tower.encoder.blocks.1.wqkv.weight': [96, 32],
      'vision_tower.encoder.blocks.1.wqkv.bias': [96],
      'vision_tower.encoder.blocks.1.mlp.fc0.weight': [64, 32],
      'vision_tower.encoder.blocks.1.mlp.fc1.weight': [32, 64],
      'vision_tower.encoder.blocks.1.norm1.bias': [32],
      'vision_tower.encoder.final_layernorm.weight': [32],
      'multi_modal_projector.pre_norm.weight': [32],
      'multi_modal_projector.linear_1.weight': [128, 128],
      'multi_modal_projector.linear_2.weight': [64, 128],
      'multi_modal_projector.linear_2.bias': [64],
      ...(qLoraRank === null
        ? { [`${L}.1.self_attn.q_proj.weight`]: [4 * 24, 64] }
        : { [`${L}.1.self_attn.q_a_proj.weight`]: [32, 64], [`${L}.1.self_attn.q_a_layernorm.weight`]: [32], [`${L}.1.self_attn.q_b_proj.weight`]: [4 * 24, 32] }),
    };
    for (const [name, shape] of Object.entries(expected)) assert.deepEqual(checkpoint.get(name).shape, shape, name);
    assert.equal(checkpoint.has(`${L}.1.self_attn.q_proj.weight`), qLoraRank === null);
    assert.equal(checkpoint.has(`${L}.0.mlp.gate.weight`), false, 'layer 0 is dense');
    assert.equal(checkpoint.has(`${L}.2.mlp.experts.8.up_proj.weight`), false);

    // Exactly the tensors of the layout, nothing else, in the dtypes real checkpoints use.
    const file = SafetensorsFile.open(join(dir, 'model.safetensors'));
    assert.deepEqual([...file.tensors.keys()].sort(), checkpoint.tensors.map((x) => x.name).sort());
    for (const entry of file.tensors.values()) assert.equal(entry.dtype, entry.name.endsWith('e_score_correction_bias') ? 'F32' : 'BF16', entry.name);
    file.close();

    // Values are sane: norms near 1, everything finite, linear weights scaled by their fan-in.
    const norm = checkpoint.get(`${L}.1.input_layernorm.weight`).data;
    assert.ok(norm.every((v) => Math.abs(v - 1) < 0.3));
    const expert = checkpoint.get(`${L}.1.mlp.experts.0.gate_proj.weight`).data;
    const std = Math.sqrt(expert.reduce((s, v) => s + v * v, 0) / expert.length);
    assert.ok(std > 0.09 && std < 0.16, `expert weight std ${std}, expected about 1/8`);
    for (const { name } of checkpoint.tensors) assert.ok(checkpoint.get(name).data.every(Number.isFinite), name);
    // BF16 values widen exactly: the reader's float32 is the stored bits shifted up.
    const raw = checkpoint.readBytes(`${L}.2.mlp.experts.3.down_proj.weight`);
    assert.deepEqual(checkpoint.get(`${L}.2.mlp.experts.3.down_proj.weight`).data, bf16ToF32(new Uint16Array(raw.buffer)));
    checkpoint.close();
  }
});

test('the same seed writes the same bytes; another seed other values', async () => {
  const [a, b, c] = [fresh(), fresh(), fresh()];
  await writeTestCheckpoint(a, { seed: 3 });
  await writeTestCheckpoint(b, { seed: 3 });
  await writeTestCheckpoint(c, { seed: 4 });
  const bytes = (dir: string) => readFileSync(join(dir, 'model.safetensors'));
  assert.ok(bytes(a).equals(bytes(b)));
  assert.ok(!bytes(a).equals(bytes(c)));
  assert.equal(bytes(a).length, bytes(c).length);
});

test('a sharded checkpoint with an index reads the same tensors as a single file', async () => {
  const [single, sharded] = [fresh(), fresh()];
  await writeTestCheckpoint(single, { seed: 5 });
  const written = await writeTestCheckpoint(sharded, { seed: 5, shards: 3 });
  assert.deepEqual(written.files, ['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
  const index = JSON.parse(readFileSync(join(sharded, 'model.safetensors.index.json'), 'utf8'));
  assert.equal(new Set(Object.values(index.weight_map)).size, 3);
  const [x, y] = [openCheckpoint(single), openCheckpoint(sharded)];
  for (const { name } of x.tensors) assert.deepEqual(y.get(name), x.get(name), name);
  x.close();
  y.close();
});

test('tokenizer files are copied in and the tokenizer callback writes into the checkpoint', async () => {
  const elsewhere = fresh();
  mkdirSync(elsewhere);
  const source = join(elsewhere, 'tiktoken.model');
  writeFileSync(source, 'ranks');
  const dir = fresh();
  await writeTestCheckpoint(dir, {
    tokenizerFiles: [source],
    tokenizer: (into) => writeFileSync(join(into, 'tokenizer_config.json'), '{}'),
    vocabSize: 300,
  });
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors', 'tiktoken.model', 'tokenizer_config.json']);
  assert.equal(openCheckpoint(dir).config.text_config.vocab_size, 300);
});

test('a missing tensor is MODEL_CORRUPT naming it and its shard', async () => {
  const dir = fresh();
  await writeTestCheckpoint(dir, { shards: 2 });
  const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8'));
  const victim = 'language_model.model.layers.2.mlp.experts.5.up_proj.weight';
  const shard = index.weight_map[victim] as string;
  const file = SafetensorsFile.open(join(dir, shard));
  const kept = [...file.tensors.values()].filter((e) => e.name !== victim).map((e) => ({ name: e.name, dtype: e.dtype as 'BF16', shape: e.shape, data: file.readBytes(e.name) }));
  file.close();
  writeSafetensors(join(dir, shard), kept);
  assert.throws(() => openCheckpoint(dir), corruptWith(victim, shard, 'missing'));
  delete index.weight_map[victim];
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
  assert.throws(() => openCheckpoint(dir), corruptWith(victim, 'model.safetensors.index.json'));
});

test('a shape that differs from the config is MODEL_CORRUPT with both shapes', async () => {
  const dir = fresh();
  await writeTestCheckpoint(dir, {});
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  config.text_config.moe_intermediate_size = 48;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  assert.throws(() => openCheckpoint(dir), corruptWith('language_model.model.layers.1.mlp.experts.0.gate_proj.weight', 'model.safetensors', '[32, 64]', '[48, 64]'));
});

test('a missing directory, config or weights is MODEL_NOT_FOUND; a bad config is refused', async () => {
  const notFound = (e: unknown) => isLoupeError(e) && e.code === 'MODEL_NOT_FOUND';
  assert.throws(() => openCheckpoint(join(root, 'nowhere')), notFound);
  const dir = fresh();
  await writeTestCheckpoint(dir, {});
  rmSync(join(dir, 'model.safetensors'));
  assert.throws(() => openCheckpoint(dir), (e) => notFound(e) && (e as Error).message.includes('safetensors'));
  rmSync(join(dir, 'config.json'));
  assert.throws(() => openCheckpoint(dir), (e) => notFound(e) && (e as Error).message.includes('config.json'));
  writeFileSync(join(dir, 'config.json'), '{"text_config": {"scoring_func": "softmax"}}');
  assert.throws(() => openCheckpoint(dir), (e) => isLoupeError(e) && e.code === 'MODEL_UNSUPPORTED');
  writeFileSync(join(dir, 'config.json'), '{"quantization_config": {"quant_method": "gptq", "bits": 4}, "text_config": {}}');
  assert.throws(() => openCheckpoint(dir), (e) => isLoupeError(e) && e.code === 'MODEL_UNSUPPORTED' && e.message.includes('"gptq"') && e.message.includes("original release"));
});

test('a FIFO named config.json is refused at once, not waited on', { skip: process.platform === 'win32' && 'no FIFOs on Windows' }, () => {
  const dir = fresh();
  mkdirSync(dir);
  execFileSync('mkfifo', [join(dir, 'config.json')]);
  assert.throws(() => openCheckpoint(dir), (e) => isLoupeError(e) && e.code === 'INPUT_UNSUPPORTED' && /config\.json is a named pipe \(FIFO\); the model configuration must be a regular file/.test(e.message));
});

test('the tensor list follows the config: tied embeddings drop lm_head, text-only drops the vision tower', async () => {
  const dir = fresh();
  const { config } = await writeTestCheckpoint(dir, { vision: false, configOverrides: { text_config: { tie_word_embeddings: true, first_k_dense_replace: 0 } } });
  const names = checkpointTensors(config).map((t) => t.name);
  assert.ok(!names.includes('language_model.lm_head.weight'));
  assert.ok(!names.some((n) => n.startsWith('vision_tower.') || n.startsWith('multi_modal_projector.')));
  assert.ok(names.includes('language_model.model.layers.0.mlp.gate.weight'));
  assert.equal(openCheckpoint(dir).tensors.length, names.length);
});

test("a flat checkpoint (model.*, lm_head.weight) answers to Loupe's names, lists its MTP layer as left out, and names a missing tensor as it stores it", async () => {
  const dir = fresh();
  const published = JSON.parse(readFileSync(new URL('../../models/families/deepseek-v3/config.json', import.meta.url), 'utf8'));
  const written = writeFlatCheckpoint(dir, scaledDown(published), 2);
  const checkpoint = openCheckpoint(dir);
  assert.equal(checkpoint.naming.layout, 'flat');
  assert.deepEqual(checkpoint.entry('language_model.lm_head.weight'), { file: 'model-00002-of-00002.safetensors', dtype: 'BF16', shape: [512, 64] });
  assert.ok(checkpoint.has('language_model.model.layers.1.mlp.gate.e_score_correction_bias'));
  assert.ok(!checkpoint.has('model.embed_tokens.weight'));
  assert.deepEqual([...checkpoint.leftOut].sort(), [...written.mtp].sort());
  assert.ok(checkpoint.tensors.every((t) => t.name.startsWith('language_model.')));
  checkpoint.close();

  const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8'));
  delete index.weight_map['model.layers.1.mlp.gate.weight'];
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
  assert.throws(() => openCheckpoint(dir), corruptWith('tensor model.layers.1.mlp.gate.weight is missing from the index'));
});

test("a Kimi K2.5 checkpoint (MoonViT3d's vt_* keys, mm_projector.*) reads under Loupe's names and converts with its vision", async () => {
  const { convertCheckpoint } = await import('./convert-checkpoint.ts');
  const { openPackage } = await import('./package.ts');
  const dir = fresh();
  await writeTestCheckpoint(dir, { seed: 3, vision: 'moonvit3d' });
  const stored = SafetensorsFile.open(join(dir, 'model.safetensors'));
  const names = [...stored.tensors.keys()];
  stored.close();
  // As the release names them: the projector is mm_projector.{pre_norm, proj.0, proj.2}.
  assert.deepEqual(names.filter((n) => n.startsWith('mm_projector.')).sort(), ['mm_projector.pre_norm.bias', 'mm_projector.pre_norm.weight', 'mm_projector.proj.0.bias', 'mm_projector.proj.0.weight', 'mm_projector.proj.2.bias', 'mm_projector.proj.2.weight']);
  assert.ok(!names.some((n) => n.startsWith('multi_modal_projector.')));

  const checkpoint = openCheckpoint(dir);
  const out = fresh();
  try {
    assert.equal(checkpoint.config.vision_config!.init_pos_emb_time, 4);
    assert.equal(checkpoint.naming.toCheckpoint('multi_modal_projector.linear_2.weight'), 'mm_projector.proj.2.weight');
    await convertCheckpoint(dir, out, { quant: 'none' });
    const pkg = openPackage(out);
    // Every vision tensor, bit for bit (BF16 widened both sides), under Loupe's names.
    for (const { name } of checkpointTensors(checkpoint.config).filter((t) => !t.name.startsWith('language_model.'))) {
      assert.deepEqual(pkg.get(name).data, checkpoint.get(name).data, name);
    }
    assert.equal(pkg.get('multi_modal_projector.linear_1.weight').shape.join('x'), '128x128');
  } finally {
    checkpoint.close();
  }
});

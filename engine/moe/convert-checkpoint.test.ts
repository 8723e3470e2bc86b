import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from './checkpoint.ts';
import { convertCheckpoint } from './convert-checkpoint.ts';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';
import { writeReleaseCheckpoint } from '../../testing/moe/quantised-checkpoint.ts';
import { releaseWeights } from '../../testing/moe/reference/release-weights.ts';
import { isQuantisedInPackage, openPackage, type PackageProgress } from './package.ts';
import { quantLayout, quantise } from './quant.ts';
import { isLoupeError } from '../errors.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-convert-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const hf = join(root, 'hf');

test.before(async () => {
  await writeTestCheckpoint(hf, {
    seed: 11,
    qLoraRank: 32,
    shards: 2,
    tokenizer: (dir) => {
      writeFileSync(join(dir, 'tiktoken.model'), 'IQ== 0\n');
      writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ added_tokens_decoder: { '768': { content: '[BOS]' }, '789': { content: '<|media_pad|>' } } }) + '\n');
    },
  });
});

test('unquantised, the package holds the checkpoint bit for bit, one file per layer', async () => {
  const out = join(root, 'none');
  const events: PackageProgress[] = [];
  const written = await convertCheckpoint(hf, out, { quant: 'none', tokenizer: { specialTokens: { '<|media_pad|>': 789 } }, onProgress: (p) => events.push(p) });
  assert.deepEqual(readdirSync(join(out, 'weights')).sort(), ['embed.safetensors', 'head.safetensors', 'layer-000.safetensors', 'layer-001.safetensors', 'layer-002.safetensors', 'vision.safetensors']);
  assert.deepEqual(readdirSync(join(out, 'tokenizer')).sort(), ['tiktoken.model', 'tokenizer_config.json']);
  assert.ok(events.length > 0 && events.at(-1)!.fraction === 1);
  assert.ok(events.every((e, i) => i === 0 || e.bytesWritten >= events[i - 1]!.bytesWritten));

  const checkpoint = openCheckpoint(hf);
  const pkg = openPackage(out);
  assert.equal(pkg.manifest.quantisation.bits, null);
  assert.deepEqual(pkg.manifest.tokenizer, { files: ['tokenizer/tiktoken.model', 'tokenizer/tokenizer_config.json'], specialTokens: { '<|media_pad|>': 789 }, chatTemplate: 'kimi-vl' });
  assert.equal(written.tensors, checkpoint.tensors.length);
  assert.deepEqual(pkg.names(), checkpoint.tensors.map((t) => t.name));
  for (const { name } of checkpoint.tensors) {
    assert.equal(pkg.storage(name), checkpoint.entry(name).dtype, name);
    assert.deepEqual(pkg.get(name), checkpoint.get(name), name);
  }
  assert.equal(pkg.raw('language_model.model.norm.weight').dtype, 'BF16');
  assert.equal(pkg.manifest.tensors['language_model.model.layers.1.mlp.experts.5.up_proj.weight']!.file, 'weights/layer-001.safetensors');
  pkg.close();
  checkpoint.close();
});

for (const quant of ['int8', 'int4'] as const) {
  test(`${quant}: the decoder's projections are quantised within half a step, the rest exact`, async () => {
    const out = join(root, quant);
    await convertCheckpoint(hf, out, { quant });
    const checkpoint = openCheckpoint(hf);
    const pkg = openPackage(out);
    let quantised = 0;
    for (const { name, shape } of checkpoint.tensors) {
      const original = checkpoint.get(name).data;
      if (!isQuantisedInPackage(name, shape)) {
        assert.deepEqual(pkg.get(name).data, original, name);
        continue;
      }
      quantised++;
      assert.equal(pkg.storage(name), quant);
      const q = pkg.quantised(name);
      assert.deepEqual(q, quantise(original, shape[0]!, shape[1]!, quant === 'int4' ? 4 : 8, 32), name);
      const back = pkg.get(name).data;
      const { blocksPerRow } = quantLayout(q.N, q.K, q.bits, q.blockSize);
      for (let i = 0; i < back.length; i++) {
        const scale = q.scales[Math.floor(i / q.K) * blocksPerRow + Math.floor((i % q.K) / q.blockSize)]!;
        assert.ok(Math.abs(back[i]! - original[i]!) <= scale / 2 + 1e-6 * Math.abs(original[i]!), `${name}[${i}]`);
      }
    }
    // Attention (q_a, q_b, kv_a, kv_b, o) ×3, the dense MLP (3), 2 MoE layers × (8 experts + shared) × 3, lm_head.
    assert.equal(quantised, 5 * 3 + 3 + 2 * 9 * 3 + 1);
    assert.ok(!pkg.isQuantised('language_model.model.layers.1.mlp.gate.weight'), 'the router stays float');
    assert.ok(!pkg.isQuantised('multi_modal_projector.linear_1.weight'));
    assert.ok(pkg.stats.bytesRead > 0);
    pkg.close();
    checkpoint.close();
  });
}

test('a cancelled conversion leaves no package behind', async () => {
  const out = join(root, 'cancelled');
  const abort = new AbortController();
  await assert.rejects(
    convertCheckpoint(hf, out, {
      onProgress: (p) => {
        if (p.fraction > 0.3) abort.abort();
      },
      signal: abort.signal,
    }),
    (e) => isLoupeError(e) && e.code === 'CANCELLED',
  );
  assert.ok(!existsSync(join(out, 'manifest.json')));
  assert.deepEqual(readdirSync(join(out, 'weights')), []);
  assert.throws(() => openPackage(out), (e) => isLoupeError(e) && e.code === 'MODEL_NOT_FOUND');
});

test('converting over an existing package needs overwrite', async () => {
  const out = join(root, 'twice');
  await convertCheckpoint(hf, out, { quant: 'int8' });
  await assert.rejects(convertCheckpoint(hf, out), (e) => isLoupeError(e) && e.code === 'OUTPUT_EXISTS');
  await convertCheckpoint(hf, out, { quant: 'int4', overwrite: true });
  assert.equal(openPackage(out).manifest.quantisation.bits, 4);
});

// Published releases: FP8 blocks (DeepSeek-V3, Kimi K2) and compressed-tensors int4 (Kimi K2.5).

const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

test('an FP8 release converts: each projection quantised from its exact FP8 values (no BF16 in between), unquantised as those values in F32', async () => {
  const fp8 = join(root, 'fp8-release');
  await writeReleaseCheckpoint(fp8, 'fp8', { seed: 12, qLoraRank: 32, shards: 2, configOverrides: { text_config: { intermediate_size: 200 } } });
  const checkpoint = openCheckpoint(fp8);
  for (const quant of ['int4', 'int8', 'none'] as const) {
    const out = join(root, `fp8-${quant}`);
    await convertCheckpoint(fp8, out, { quant });
    const pkg = openPackage(out);
    for (const { name, shape } of checkpoint.tensors) {
      const fromFp8 = checkpoint.stored(name).kind === 'fp8-block';
      const values = checkpoint.get(name).data;
      if (quant !== 'none' && isQuantisedInPackage(name, shape)) {
        assert.deepEqual(pkg.quantised(name), quantise(values, shape[0]!, shape[1]!, quant === 'int4' ? 4 : 8, 32), name);
      } else {
        assert.equal(pkg.storage(name), fromFp8 ? 'F32' : checkpoint.entry(name).dtype, name);
        assert.deepEqual(bytesOf(pkg.get(name).data), bytesOf(values), name);
      }
    }
    pkg.close();
  }
  checkpoint.close();
});

test('an int4 release converts losslessly: each routed expert dequantises bit for bit to the checkpoint\'s own scale × (q − 8), as the reference decodes it', async () => {
  const int4 = join(root, 'int4-release');
  await writeReleaseCheckpoint(int4, 'int4', { seed: 13, qLoraRank: 32 });
  const checkpoint = openCheckpoint(int4);
  const reference = releaseWeights(checkpoint);
  for (const quant of ['int4', 'int8', 'none'] as const) {
    const out = join(root, `int4-${quant}`);
    await convertCheckpoint(int4, out, { quant });
    const pkg = openPackage(out);
    assert.equal(pkg.manifest.quantisation.blockSize, 32);
    let experts = 0;
    for (const { name, shape } of checkpoint.tensors) {
      const stored = checkpoint.stored(name);
      const own = reference.get(name).data;
      if (stored.kind === 'int4-packed') {
        experts++;
        const back = pkg.get(name).data;
        for (let i = 0; i < own.length; i++) assert.ok(Object.is(back[i], own[i]), `${quant} ${name}[${i}]: ${back[i]} ≠ ${own[i]}`);
        if (quant === 'int4') assert.deepEqual(pkg.quantised(name).qweight, checkpoint.readBytes(stored.packed), 'the codes are the checkpoint\'s bytes');
        if (quant === 'none') assert.equal(pkg.storage(name), 'F32');
      } else if (quant !== 'none' && isQuantisedInPackage(name, shape)) {
        assert.deepEqual(pkg.quantised(name), quantise(own, shape[0]!, shape[1]!, quant === 'int4' ? 4 : 8, 32), name);
      } else assert.deepEqual(pkg.raw(name).bytes, checkpoint.readBytes(name), name);
    }
    assert.equal(experts, 2 * 8 * 3);
    pkg.close();
  }
  checkpoint.close();
});

test('an int4 release keeps its group size as the package block size; another block size is refused before anything is written', async () => {
  const int4 = join(root, 'int4-group64');
  await writeReleaseCheckpoint(int4, 'int4', { seed: 14, groupSize: 64 });
  const out = join(root, 'int4-group64-pkg');
  const written = await convertCheckpoint(int4, out, { quant: 'int4' });
  assert.equal(written.manifest.quantisation.blockSize, 64);
  const checkpoint = openCheckpoint(int4);
  const pkg = openPackage(out);
  const name = 'language_model.model.layers.1.mlp.experts.2.gate_proj.weight';
  assert.deepEqual(bytesOf(pkg.get(name).data), bytesOf(checkpoint.get(name).data));
  pkg.close();
  checkpoint.close();
  const refusedOut = join(root, 'int4-block32');
  await assert.rejects(convertCheckpoint(int4, refusedOut, { quant: 'int4', blockSize: 32 }), (e) => isLoupeError(e) && e.code === 'MODEL_UNSUPPORTED' && e.message.includes('groups of 64') && e.message.includes('--quant none'));
  assert.ok(!existsSync(refusedOut));
});

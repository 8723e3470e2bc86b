// Placement of the tiny test package (3 decoder layers, the first dense, 8 routed experts in each
// of the 2 MoE layers, 2 active a token) under several budgets, from its manifest's stored sizes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestModel } from '../../../testing/moe/test-models.ts';
import { LoupeError } from '../../errors.ts';
import { openPackage } from '../package.ts';
import { estimateDecode } from './decode-estimate.ts';
import { placeModel, type PlacementRequest, type SizedWeight } from './placement.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-placement-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

let model: Promise<{ config: PlacementRequest['config']; tensors: SizedWeight[] }> | undefined;
const tiny = () =>
  (model ??= createTestModel(join(root, 'tiny'), { size: 'tiny' }).then(({ dir }) => {
    const pkg = openPackage(dir);
    const sized = { config: pkg.config.text_config, tensors: pkg.names().map((name) => ({ name, bytes: pkg.storedBytes(name) })) };
    pkg.close();
    return sized;
  }));

const CONTEXT = 64;
const bytesOf = (tensors: SizedWeight[], pattern: RegExp) => tensors.filter((t) => pattern.test(t.name)).reduce((s, t) => s + t.bytes, 0);
const EXPERTS = /\.mlp\.experts\.\d+\./;

test('without a GPU everything is on the CPU, every expert in RAM when it fits', async () => {
  const { config, tensors } = await tiny();
  const p = placeModel({ config, tensors, ramBytes: 2 ** 30, contextTokens: CONTEXT });
  assert.equal(p.gpu, null);
  assert.equal(p.layersOnGpu, 0);
  assert.ok(p.groups.every((g) => g.place === 'ram'), JSON.stringify(p.groups));
  assert.deepEqual(p.experts.hitShare, { gpu: 0, ram: 1, disk: 0 });
  assert.deepEqual(p.perToken.gpu, { dense: 0, kv: 0, experts: 0 });
  // KV cache: 64 tokens × (kv_lora_rank 32 + rope 8) float32 values × 3 layers.
  assert.equal(p.kv.bytes, CONTEXT * 40 * 4 * 3);
  // Every stored byte and the KV cache are placed once.
  const total = tensors.reduce((s, t) => s + t.bytes, 0) + p.kv.bytes;
  assert.equal(p.groups.reduce((s, g) => s + g.bytes, 0), total);
  assert.equal(p.ram.usedBytes, total);
  // A token reads both active experts of each MoE layer from RAM.
  assert.equal(p.perToken.cpu.experts, 2 * p.experts.bytesEach * 2);
});

test('a RAM budget short of the experts leaves the rest to be read from the files', async () => {
  const { config, tensors } = await tiny();
  const resident = tensors.reduce((s, t) => s + t.bytes, 0) - bytesOf(tensors, EXPERTS) + CONTEXT * 40 * 4 * 3;
  const p = placeModel({ config, tensors, ramBytes: resident + 5 * (bytesOf(tensors, EXPERTS) / 16) + 100, contextTokens: CONTEXT });
  assert.equal(p.experts.bytesEach, bytesOf(tensors, EXPERTS) / 16);
  assert.deepEqual(p.experts.byLayer.map((l) => l.ram), [[0, 1, 2], [0, 1]], 'spread evenly over the layers');
  assert.deepEqual(p.groups.find((g) => g.kind === 'routed-experts' && g.place === 'disk')?.count, 11);
  assert.equal(p.experts.hitShare.disk, 1 - 5 / 16);
  assert.throws(() => placeModel({ config, tensors, ramBytes: resident - 1, contextTokens: CONTEXT }), (e: unknown) => e instanceof LoupeError && e.code === 'INVALID_ARGUMENT' && /needs .* of RAM/.test(e.message));
});

test('with ample GPU memory the dense part and KV cache go there, and the hottest experts fill what is left', async () => {
  const { config, tensors } = await tiny();
  const probe = placeModel({ config, tensors, gpuMemBytes: 2 ** 30, ramBytes: 2 ** 30, contextTokens: CONTEXT });
  const vision = bytesOf(tensors, /^(vision_tower|multi_modal_projector)\./);
  const embedding = bytesOf(tensors, /embed_tokens/);
  assert.equal(probe.denseAndKvBytes, tensors.reduce((s, t) => s + t.bytes, 0) - bytesOf(tensors, EXPERTS) - vision - embedding + probe.kv.bytes);
  assert.equal(probe.layersOnGpu, 3);
  assert.deepEqual(probe.notOnGpu, []);
  assert.ok(probe.groups.filter((g) => g.kind !== 'embedding').every((g) => g.place === 'gpu'), 'all but the embedding on the GPU');
  assert.equal(probe.groups.find((g) => g.kind === 'embedding')?.place, 'ram');

  // Room for the dense part, KV cache, vision tower and exactly three experts.
  const gpuMemBytes = probe.denseAndKvBytes + vision + 3 * (bytesOf(tensors, EXPERTS) / 16) + 10;
  const even = placeModel({ config, tensors, gpuMemBytes, ramBytes: 2 ** 30, contextTokens: CONTEXT });
  assert.deepEqual(even.experts.byLayer, [{ layer: 1, gpu: [0, 1], ram: [2, 3, 4, 5, 6, 7] }, { layer: 2, gpu: [0], ram: [1, 2, 3, 4, 5, 6, 7] }]);
  assert.equal(even.gpu!.leftBytes, 10);
  assert.equal(even.experts.hitShare.gpu, (2 / 8 + 1 / 8) / 2);

  // With usage counts the three most used experts go, wherever they are.
  const usage = { 1: [0, 0, 0, 0, 0, 9, 0, 0], 2: [1, 1, 1, 1, 1, 1, 50, 40] };
  const hot = placeModel({ config, tensors, gpuMemBytes, ramBytes: 2 ** 30, contextTokens: CONTEXT, expertUsage: usage });
  assert.deepEqual(hot.experts.byLayer.map((l) => l.gpu), [[5], [6, 7]]);
  assert.equal(hot.experts.usage, 'given');
  assert.equal(hot.experts.hitShare.gpu, (9 / 9 + 90 / 96) / 2);
  // A token's active experts are read on the GPU in that share, the rest from RAM.
  const active = 2 * (bytesOf(tensors, EXPERTS) / 16) * 2;
  assert.equal(hot.perToken.gpu.experts, hot.experts.hitShare.gpu * active);
  assert.ok(Math.abs(hot.perToken.cpu.experts - (1 - hot.experts.hitShare.gpu) * active) < 1e-6);
});

test('a GPU too small for the dense part takes whole layers while they fit; one that holds no layer is refused', async () => {
  const { config, tensors } = await tiny();
  const block = (layer: number) => bytesOf(tensors, new RegExp(`^language_model\\.model\\.layers\\.${layer}\\.`)) - bytesOf(tensors, new RegExp(`^language_model\\.model\\.layers\\.${layer}\\.mlp\\.experts\\.`));
  const kvLayer = CONTEXT * 40 * 4;
  const p = placeModel({ config, tensors, gpuMemBytes: block(0) + kvLayer + block(1) + kvLayer + 1, ramBytes: 2 ** 30, contextTokens: CONTEXT });
  assert.equal(p.layersOnGpu, 2);
  assert.equal(p.notOnGpu.length, 2);
  assert.match(p.notOnGpu[0]!, /^decoder layers 2–2 \(dense part and KV cache/);
  assert.match(p.notOnGpu[1]!, /final norm and LM head/);
  assert.equal(p.perToken.gpu.kv, 2 * kvLayer);
  assert.equal(p.perToken.cpu.kv, kvLayer);
  assert.equal(p.groups.find((g) => g.kind === 'attention' && g.place === 'ram')?.count, 1);

  assert.throws(
    () => placeModel({ config, tensors, gpuMemBytes: block(0), ramBytes: 2 ** 30, contextTokens: CONTEXT }),
    (e: unknown) => e instanceof LoupeError && e.code === 'INVALID_ARGUMENT' && /holds not even decoder layer 0's dense part and KV cache for 64 tokens/.test(e.message),
  );
});

test('the expected decode speed divides each device’s bytes by its bandwidth', async () => {
  const { config, tensors } = await tiny();
  const cpuOnly = placeModel({ config, tensors, ramBytes: 2 ** 30, contextTokens: CONTEXT });
  const e = estimateDecode(cpuOnly, { cpuGBps: 10, diskGBps: 2 });
  const bytes = cpuOnly.perToken.cpu.dense + cpuOnly.perToken.cpu.kv + cpuOnly.perToken.cpu.experts;
  assert.equal(e.bytesPerToken.cpu, bytes);
  assert.ok(Math.abs(e.sequentialTokPerS - 10e9 / bytes) < 1e-9 * e.sequentialTokPerS);

  const withGpu = placeModel({ config, tensors, gpuMemBytes: 2 ** 20, ramBytes: 2 ** 30, contextTokens: CONTEXT });
  assert.throws(() => estimateDecode(withGpu, { cpuGBps: 10, diskGBps: 2 }), /no GPU bandwidth/);
  const g = estimateDecode(withGpu, { gpuGBps: 1000, cpuGBps: 10, diskGBps: 2 });
  assert.ok(Math.abs(1 / g.sequentialTokPerS - (g.seconds.gpu + g.seconds.cpu + g.seconds.disk)) < 1e-15);
  assert.equal(1 / g.overlappedTokPerS, Math.max(g.seconds.gpu, g.seconds.cpu + g.seconds.disk));
  assert.ok(g.sequentialTokPerS > e.sequentialTokPerS, 'the dense part read at GPU speed');
});

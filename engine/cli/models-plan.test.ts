// `loupe models plan` as a user runs it: a real process on the tiny test package.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { loupe } from '../../testing/run-loupe.ts';
import { availableDevices } from '../moe/runtime/ort-session.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-plan-cli-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const tiny = join(root, 'tiny');
const created = createTestModel(tiny, { size: 'tiny' });
const GIVEN = ['--gpu-bandwidth', '3350', '--ram-bandwidth', '20', '--disk-bandwidth', '1.5'];

test('models plan puts the dense part and KV cache on the GPU and says what it expects; --json gives the same plan', async () => {
  await created;
  const usage = join(root, 'usage.json');
  writeFileSync(usage, JSON.stringify({ 1: [0, 0, 0, 0, 0, 0, 0, 9], 2: [5, 0, 0, 0, 0, 0, 0, 0] }));
  const json = await loupe('models', 'plan', tiny, '--gpu-mem', '200KiB', '--gpu-reserve', '0', '--ram', '1GiB', '--context', '64', '--expert-usage', usage, ...GIVEN, '--json');
  assert.equal(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout);
  assert.equal(r.placement.layersOnGpu, 3);
  assert.deepEqual(r.placement.notOnGpu, []);
  assert.equal(r.placement.gpu.budgetBytes, 200 * 1024);
  assert.equal(r.placement.kv.bytes, 64 * 40 * 4 * 3);
  assert.equal(r.bandwidths.gpu.gbps, 3350);
  assert.equal(r.bandwidths.disk.source, 'given with --disk-bandwidth');
  // The leftover VRAM takes the two used experts first.
  const onGpu = r.placement.experts.byLayer.map((l: { gpu: number[] }) => l.gpu);
  assert.ok(onGpu[0].includes(7) && onGpu[1].includes(0), JSON.stringify(onGpu));
  assert.equal(r.placement.experts.usage, 'given');
  const bytes = r.estimate.bytesPerToken;
  assert.ok(Math.abs(1 / r.estimate.sequentialTokPerS - (bytes.gpu / 3350e9 + bytes.cpu / 20e9 + bytes.disk / 1.5e9)) < 1e-12);

  const text = await loupe('models', 'plan', tiny, '--gpu-mem', '200KiB', '--gpu-reserve', '0', '--ram', '1GiB', '--context', '64', ...GIVEN);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^attention \+ norms +3 layers +\S+ KiB +GPU$/m);
  assert.match(text.stdout, /^embedding +\S+ KiB +CPU \(RAM\)$/m);
  assert.match(text.stdout, /^On the GPU: the dense part and KV cache of all 3 layers and the head/m);
  assert.match(text.stdout, new RegExp(`^Expected decode: ${r.estimate.sequentialTokPerS.toFixed(1)} tok/s`, 'm'));
  assert.match(text.stdout, /GPU then CPU within each layer/);
});

test('models plan without a GPU places everything on the CPU; bad values exit 2 saying what to do', async () => {
  await created;
  const cpu = await loupe('models', 'plan', tiny, '--ram', '1GiB', '--ram-bandwidth', '20', '--json');
  assert.equal(cpu.code, 0, cpu.stderr);
  const r = JSON.parse(cpu.stdout);
  assert.equal(r.placement.gpu, null);
  assert.ok(r.placement.groups.every((g: { place: string }) => g.place === 'ram'));
  assert.equal(r.bandwidths.gpu, undefined);

  const size = await loupe('models', 'plan', tiny, '--gpu-mem', '24XB');
  assert.equal(size.code, 2);
  assert.match(size.stderr, /expected a size: .* e\.g\. 24GiB/);
  const small = await loupe('models', 'plan', tiny, '--gpu-mem', '4KiB', '--gpu-reserve', '0', ...GIVEN);
  assert.equal(small.code, 2);
  assert.match(small.stderr, /holds not even decoder layer 0's dense part and KV cache for 8192 tokens .* Give more GPU memory, a shorter context/);
});

test('models plan asks for the GPU bandwidth where no CUDA device can measure it', { skip: availableDevices().includes('cuda') && 'CUDA is usable here: the plan measures it' }, async () => {
  await created;
  const r = await loupe('models', 'plan', tiny, '--gpu-mem', '1GiB', '--ram-bandwidth', '20');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /give it with --gpu-bandwidth <GB\/s>/);
});

// The GPU path on a machine where onnxruntime's CUDA provider is usable (scripts/gpu-check.sh
// runs this there); elsewhere each test is skipped and says why. With the CPU fallback refused,
// a graph that loads runs wholly on the GPU.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestModel } from '../../../testing/moe/test-models.ts';
import { buildModel, node } from '../onnx-graph.ts';
import { MoeEngine } from './engine.ts';
import { quantLayout, quantise } from '../quant.ts';
import { measureDeviceBandwidth } from './device-bandwidth.ts';
import { OrtSession, availableDevices, tensor, type Device } from './ort-session.ts';

const skip = !availableDevices().includes('cuda') && "no CUDA provider usable here: onnxruntime-node's CUDA binaries, CUDA 12 and cuDNN 9 are needed (see the README)";

/** x [1, K] · Wᵀ with W [N, K] int4 in MatMulNBits, the engine's weight format, on `device`. */
function matMulNBits(device: Device, x: Float32Array, W: Float32Array, N: number, K: number): Float32Array {
  const q = quantise(W, N, K, 4, 32);
  const model = buildModel({
    nodes: [node('MatMulNBits', ['x', 'b', 's', 'z'], ['y'], { K, N, bits: 4, block_size: 32, accuracy_level: 0 }, 'com.microsoft')],
    inputs: [{ name: 'x', type: 'float32', dims: [1, K] }],
    outputs: [{ name: 'y', type: 'float32', dims: [1, N] }],
    initializers: [
      { name: 'b', type: 'uint8', dims: quantLayout(N, K, 4, 32).qweightShape, bytes: q.qweight },
      { name: 's', type: 'float32', dims: [q.scales.length], bytes: q.scales },
      { name: 'z', type: 'uint8', dims: [q.zeroPoints.length], bytes: q.zeroPoints },
    ],
  });
  const session = new OrtSession(model, { device, threads: 1 }, `an int4 projection on ${device}`);
  try {
    return session.run({ x: tensor(x, [1, K]) }).y!.data as Float32Array;
  } finally {
    session.release();
  }
}

test('an int4 MatMulNBits loads on CUDA with no CPU fallback and matches the CPU', { skip }, () => {
  const N = 256;
  const K = 512;
  const W = Float32Array.from({ length: N * K }, (_, i) => Math.sin(i * 0.37) * 0.05);
  const x = Float32Array.from({ length: K }, (_, i) => Math.cos(i * 0.11));
  const gpu = matMulNBits('cuda', x, W, N, K);
  const cpu = matMulNBits('cpu', x, W, N, K);
  const worst = Math.max(...cpu.map((v, i) => Math.abs(v - gpu[i]!)));
  assert.ok(worst < 1e-3, `largest difference ${worst}`);
});

test('the bandwidth probe reads GPU memory', { skip }, () => {
  const r = measureDeviceBandwidth('cuda', 256 * 2 ** 20, 3);
  assert.equal(r.samples.length, 3);
  assert.ok(r.samples.every((g) => Number.isFinite(g) && g > 0));
});

test('the engine with CUDA (dense units and hot experts on the GPU) decodes the tokens the CPU does', { skip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-cuda-'));
  try {
    await createTestModel(join(dir, 'tiny'), { size: 'tiny' });
    const tokens = [5, 17, 42, 7, 99, 3];
    const runs = [];
    for (const accelerator of ['none', 'cuda'] as const) {
      const engine = await MoeEngine.open(join(dir, 'tiny'), { accuracyLevel: 0, accelerator });
      runs.push(engine.generate({ tokens, maxTokens: 8 }, () => {}).tokens);
      engine.close();
    }
    assert.deepEqual(runs[1], runs[0]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

import test from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { buildModel, node } from './onnx-graph.ts';

test('a built graph runs: INTS and FLOAT attributes, an embedded and an external initializer', async () => {
  const bias = new Float32Array([-4, -1, 0.5]);
  const scale = new Float32Array([2]);
  const model = buildModel({
    nodes: [
      node('Transpose', ['x'], ['xt'], { perm: [1, 0] }),
      node('Add', ['xt', 'bias'], ['shifted']),
      node('Mul', ['shifted', 'scale'], ['scaled']),
      // alpha written as { float } because 1 would otherwise be an INT attribute.
      node('LeakyRelu', ['scaled'], ['y'], { alpha: { float: 1 } }),
      node('LeakyRelu', ['scaled'], ['z'], { alpha: 0.25 }),
    ],
    inputs: [{ name: 'x', type: 'float32', dims: [3, 'n'] }],
    outputs: [
      { name: 'y', type: 'float32', dims: ['n', 3] },
      { name: 'z', type: 'float32', dims: ['n', 3] },
    ],
    initializers: [
      { name: 'bias', type: 'float32', dims: [3], external: { location: 'bias.bin', offset: 0, length: 12 } },
      { name: 'scale', type: 'float32', dims: [1], bytes: scale },
    ],
  });
  const session = await ort.InferenceSession.create(model, { externalData: [{ path: 'bias.bin', data: new Uint8Array(bias.buffer) }] });
  const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
  const { y, z } = await session.run({ x });
  await session.release();
  assert.deepEqual(y!.dims, [2, 3]);
  // xt = [[1, 3, 5], [2, 4, 6]]; + bias, × 2 = [[-6, 4, 11], [-4, 6, 13]]; negatives × alpha.
  assert.deepEqual([...(y!.data as Float32Array)], [-6, 4, 11, -4, 6, 13]);
  assert.deepEqual([...(z!.data as Float32Array)], [-1.5, 4, 11, -1, 6, 13]);
});

test('an initializer whose bytes do not fit its dims is refused when building', () => {
  assert.throws(
    () => buildModel({ nodes: [], inputs: [], outputs: [], initializers: [{ name: 'w', type: 'float32', dims: [2, 2], bytes: new Float32Array(3) }] }),
    /initializer w: 12 bytes .*\(needs 16\)/,
  );
});

// Sessions as the engine makes them: on the CPU they load and run; on an accelerator the CPU
// fallback is refused (checked here through onnxruntime itself, since no GPU is needed to see
// that it honours the setting), and a load failure names the node or operators at fault.
import test from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { LoupeError } from '../../errors.ts';
import { buildModel, node, type ElementTypeName } from '../onnx-graph.ts';
import { measureDeviceBandwidth } from './device-bandwidth.ts';
import { OrtSession, explainLoadFailure, sessionOptionsFor, tensor } from './ort-session.ts';

const unary = (op: string, type: ElementTypeName) =>
  buildModel({
    nodes: [{ ...node(op, ['a'], ['b']), name: `the_${op.toLowerCase()}` }],
    inputs: [{ name: 'a', type, dims: [2] }],
    outputs: [{ name: 'b', type, dims: [2] }],
  });

test('an accelerator session refuses the CPU fallback; a CPU session keeps it', () => {
  for (const device of ['cuda', 'webgpu'] as const) assert.equal((sessionOptionsFor({ device, threads: 1 }).extra as any).session.disable_cpu_ep_fallback, '1', device);
  assert.equal((sessionOptionsFor({ device: 'cpu', threads: 1 }).extra as any).session.disable_cpu_ep_fallback, undefined);
});

test('onnxruntime honours the refusal, and the failure lists the graph’s operators', async () => {
  const model = unary('Relu', 'float32');
  // The CUDA options with the CPU as the only provider: every node would need the fallback.
  const options = { ...sessionOptionsFor({ device: 'cuda', threads: 1 }), executionProviders: ['cpu'] };
  const refusal = await ort.InferenceSession.create(model, options).then(
    () => assert.fail('the session loaded with its CPU fallback refused'),
    (e: Error) => e.message,
  );
  const explained = explainLoadFailure(refusal, 'cuda', model);
  assert.match(explained, /some of its nodes have no cuda kernel/);
  assert.match(explained, /the graph's operators are Relu\./);
});

test('a CPU session loads and runs', () => {
  const session = new OrtSession(unary('Relu', 'float32'), { device: 'cpu', threads: 1 }, 'a relu');
  try {
    assert.deepEqual([...(session.run({ a: tensor(new Float32Array([-1, 2]), [2]) }).b!.data as Float32Array)], [0, 2]);
  } finally {
    session.release();
  }
});

test('a node the device has no kernel for is named, as MODEL_UNSUPPORTED', () => {
  // onnxruntime's CPU provider has no bfloat16 Sqrt.
  assert.throws(
    () => new OrtSession(unary('Sqrt', 'bfloat16'), { device: 'cpu', threads: 1 }, 'a square root'),
    (e: unknown) => e instanceof LoupeError && e.code === 'MODEL_UNSUPPORTED' && /could not load a square root on cpu: node 'the_sqrt' \(operator Sqrt, opset \d+\) has no cpu kernel/.test(e.message),
  );
});

test('the device bandwidth probe reads its weights where they live and reports each pass', () => {
  const r = measureDeviceBandwidth('cpu', 4 * 2 ** 20, 3);
  assert.equal(r.bytes, 4 * 2 ** 20);
  assert.equal(r.samples.length, 3);
  assert.ok(r.samples.every((g) => Number.isFinite(g) && g > 0));
  assert.equal(r.gbps, [...r.samples].sort((a, b) => a - b)[1]);
});

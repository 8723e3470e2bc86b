// The int4 kernel against onnxruntime's MatMulNBits, which reads the same stored bytes: one
// weight of awkward widths (a partial last block, an odd number of blocks), and a tiny package's
// routed experts run from their files, at both accuracy levels; and the committed .wasm is what
// its C source builds to.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPackage } from '../../package.ts';
import { quantise } from '../../quant.ts';
import { createTestModel } from '../../../../testing/moe/test-models.ts';
import { Builder, expertStem, mlpGraph } from '../graphs.ts';
import { OrtSession, tensor } from '../ort-session.ts';
import { packageWeights } from '../package-weights.ts';
import { STORED_MAX_ROWS, StoredExperts } from '../stored-expert.ts';
import { Int4Kernel, KERNEL_WEIGHT_LIMIT, kernelPartBytes } from './int4-gemv.ts';

/** The clang that built the committed int4-gemv.wasm (Debian 12's). */
const KERNEL_CLANG = '14.0.6';

const work = mkdtempSync(join(tmpdir(), 'loupe-int4-kernel-'));

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 30 - 1;
  });
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

test('one weight, K = 200 (7 blocks, the last partial): the kernel computes what MatMulNBits computes, at both accuracy levels', () => {
  const [N, K, rows] = [37, 200, 3];
  const w = quantise(random(N * K, 7), N, K, 4, 32);
  const x = random(rows * K, 11);
  for (const accuracyLevel of [0, 4] as const) {
    const g = new Builder({ get: () => assert.fail('no float weights'), quantised: () => w }, { accuracyLevel });
    const model = g.model([{ name: 'x', type: 'float32', dims: ['m', K] }], [{ name: 'y', type: 'float32', dims: ['m', N], from: g.linear('x', 'w') }]);
    const session = OrtSession.of(model, { device: 'cpu', threads: 1 }, 'one MatMulNBits');
    const expected = session.run({ x: tensor(x, [rows, K]) }).y!.data as Float32Array;
    session.release();

    const kernel = new Int4Kernel(accuracyLevel);
    const sizes = kernelPartBytes(N, K);
    const base = kernel.allocate(sizes.qweight + sizes.scales + sizes.zeroPoints)!;
    const memory = kernel.bytes;
    memory.set(w.qweight, base);
    memory.set(new Uint8Array(w.scales.buffer, w.scales.byteOffset, w.scales.byteLength), base + sizes.qweight);
    memory.set(w.zeroPoints, base + sizes.qweight + sizes.scales);
    const y = kernel.matVec({ N, K, qweight: base, scales: base + sizes.qweight, zeroPoints: base + sizes.qweight + sizes.scales }, x, rows);
    assert.ok(maxDiff(y, expected) <= 1e-5 * maxAbs(expected), `accuracy ${accuracyLevel}: max |Δ| ${maxDiff(y, expected)} of ${maxAbs(expected)}`);
  }
});

test("a tiny package's routed experts, run by the kernel from the package's files, give their onnxruntime sessions' outputs", async () => {
  const dir = join(work, 'tiny');
  await createTestModel(dir, { size: 'tiny' });
  const pkg = openPackage(dir);
  try {
    const c = pkg.config.text_config;
    const weights = packageWeights(pkg);
    for (const accuracyLevel of [0, 4] as const) {
      const experts = new StoredExperts(weights, accuracyLevel);
      for (const [layer, expert, rows] of [[1, 0, 1], [1, 3, 5], [c.num_hidden_layers - 1, c.n_routed_experts - 1, 2]] as const) {
        const stem = expertStem(layer, expert);
        assert.ok(experts.takes(stem, rows) && !experts.takes(stem, STORED_MAX_ROWS + 1));
        const x = random(rows * c.hidden_size, layer * 100 + expert);
        const session = OrtSession.of(mlpGraph(weights, c, stem, { accuracyLevel }), { device: 'cpu', threads: 1 }, stem);
        const expected = session.run({ x: tensor(x, [rows, c.hidden_size]) }).out!.data as Float32Array;
        session.release();
        const y = experts.run(stem, x, rows);
        assert.ok(maxDiff(y, expected) <= 1e-5 * maxAbs(expected), `${stem}, accuracy ${accuracyLevel}: max |Δ| ${maxDiff(y, expected)} of ${maxAbs(expected)}`);
      }
      experts.close();
    }
  } finally {
    pkg.close();
  }
});

test('the committed int4-gemv.wasm is what scripts/build-int4-kernel.sh builds from int4-gemv.c', (t) => {
  const clang = spawnSync('clang', ['--version'], { encoding: 'utf8' });
  if (clang.status !== 0) return t.skip('clang is not installed (Debian: apt-get install clang lld)');
  // Another compiler version builds other (equally valid) bytes.
  if (!clang.stdout.includes(`clang version ${KERNEL_CLANG}`)) return t.skip(`the committed .wasm was built by clang ${KERNEL_CLANG}, not ${clang.stdout.split('\n')[0]}`);
  const out = join(work, 'rebuilt.wasm');
  const build = spawnSync('sh', [new URL('../../../../scripts/build-int4-kernel.sh', import.meta.url).pathname, out], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  assert.ok(readFileSync(out).equals(readFileSync(new URL('./int4-gemv.wasm', import.meta.url))), 'int4-gemv.wasm differs from its source: run scripts/build-int4-kernel.sh and commit it');
});

test("the kernel's weight regions: a region given back is handed out again for weights of its size, and weights past the memory's limit are refused, not grown into", () => {
  const kernel = new Int4Kernel(4);
  const a = kernel.allocate(5000)!;
  const b = kernel.allocate(5000)!;
  assert.notEqual(a, b);
  const taken = kernel.weightBytes;
  kernel.free(a, 5000);
  assert.equal(kernel.allocate(4999), a, 'the same size (after alignment) reuses the region');
  assert.equal(kernel.weightBytes, taken);
  assert.ok(kernel.allocate(9000)! >= b + 5000, 'another size takes new room');
  assert.equal(kernel.allocate(KERNEL_WEIGHT_LIMIT), undefined);
});

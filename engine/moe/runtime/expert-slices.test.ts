// Experts held as stored bytes are cut into one slice a shard: the slices' parts of a weight are
// its rows and columns exactly, their stored bytes add up to the whole's, and an engine whose
// shards hold slices decodes as one that holds whole experts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestModel } from '../../../testing/moe/test-models.ts';
import { openPackage } from '../package.ts';
import { weightBlocks, weightRows } from '../quant-slices.ts';
import { dequantise, quantise } from '../quant.ts';
import { MoeEngine } from './engine.ts';
import { expertSlices, slicedWeights } from './expert-slices.ts';
import { expertStem } from './graphs.ts';
import { packageWeights } from './package-weights.ts';

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 30 - 1;
  });
}

test('a weight\'s rows and its blocks of columns (from an odd block, to a partial last one) dequantise to the same values as the whole\'s, int4 and int8', () => {
  const [N, K] = [6, 200]; // 7 blocks of 32, the last 8 wide
  for (const bits of [4, 8] as const) {
    const q = quantise(random(N * K, bits), N, K, bits, 32);
    const whole = dequantise(q);
    for (const [first, end] of [[0, 3], [3, 7], [1, 2], [0, 7]] as const) {
      const part = dequantise(weightBlocks(q, first, end));
      const width = Math.min(end * 32, K) - first * 32;
      for (let n = 0; n < N; n++) assert.deepEqual(part.subarray(n * width, (n + 1) * width), whole.subarray(n * K + first * 32, n * K + first * 32 + width), `int${bits}, blocks ${first}–${end}, row ${n}`);
    }
    assert.deepEqual(dequantise(weightRows(q, 2, 3)), whole.subarray(2 * K, 5 * K));
  }
});

const ids = Array.from({ length: 64 }, (_, i) => (i * 37 + 5) % 700);

test('experts sliced between shards: the slices\' stored bytes add up to each expert\'s, and two or three shards of slices decode as one shard of whole experts', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'loupe-expert-slices-')), 'tiny');
  // Experts three blocks wide, so that they cut three ways.
  await createTestModel(dir, { size: 'tiny', textConfig: { moe_intermediate_size: 96 } });
  const pkg = openPackage(dir);
  try {
    const weights = packageWeights(pkg);
    const c = pkg.config.text_config;
    const slices = expertSlices(weights, c, 3)!;
    assert.deepEqual(slices.map((s) => [s.start, s.end]), [[0, 1], [1, 2], [2, 3]]);
    assert.equal(expertSlices(weights, c, 4), undefined, 'four slices of three blocks');
    const stem = expertStem(c.first_k_dense_replace, 1);
    const sum = (p: string) => slices.reduce((n, s) => n + slicedWeights(weights, s).storedBytes(`${stem}.${p}.weight`), 0);
    for (const p of ['gate_proj', 'up_proj']) assert.equal(sum(p), weights.storedBytes(`${stem}.${p}.weight`), p);
    // A down projection's int4 zero points go two blocks a byte: a slice of one block pads its row's byte.
    assert.equal(sum('down_proj'), weights.storedBytes(`${stem}.down_proj.weight`) + c.hidden_size);
  } finally {
    pkg.close();
  }

  // Float32 activations: at accuracy level 4 onnxruntime's int8 arithmetic moves logits by about
  // 1e-2 between a whole expert's session and its slices' (the kernel's own stay within 1e-5).
  const run = async (expertThreads: number) => {
    const engine = await MoeEngine.open(dir, { accelerator: 'none', expertForm: 'stored', expertThreads, accuracyLevel: 0 });
    try {
      const result = engine.generate({ tokens: ids, maxTokens: 8, promptLogits: true }, () => {});
      return { result, experts: engine.stats().experts };
    } finally {
      engine.close();
    }
  };
  const one = await run(1);
  for (const shards of [2, 3]) {
    const sliced = await run(shards);
    assert.deepEqual(sliced.result.tokens, one.result.tokens, `${shards} shards`);
    const diff = sliced.result.promptLogits!.reduce((m, v, i) => Math.max(m, Math.abs(v - one.result.promptLogits![i]!)), 0);
    assert.ok(diff < 1e-4, `${shards} shards: prompt logits differ by ${diff}`);
    // Every shard runs its slice of every routed expert, and together they hold each expert once.
    const [pool, whole] = [sliced.experts.pools[0]!, one.experts.pools[0]!];
    assert.equal(pool.runs, shards * whole.runs);
    // (each slice of a down projection pads its rows' last zero-point byte: under 1% here)
    assert.ok(pool.usedBytes >= whole.usedBytes && pool.usedBytes < whole.usedBytes * 1.01, `${pool.usedBytes} bytes held against ${whole.usedBytes}`);
    // The 64-token prompt gives some experts more rows than the kernel takes: sessions of slices, built for that use.
    assert.ok(pool.builds > 0 && pool.builds === shards * whole.builds, `${pool.builds} builds against ${whole.builds}`);
  }
});

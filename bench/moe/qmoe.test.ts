// The QMoE baseline against the runtime on tiny random models: with the runtime's own int4 values
// QMoE's output is the per-expert MatMulNBits sessions' weighted sum to float rounding; with its
// symmetric requantisation, the same sum over those requantised values; experts that are not
// chosen, or weigh 0, leave the output unchanged bit for bit.
import test from 'node:test';
import assert from 'node:assert/strict';
import { isMoeLayer, type ModelConfig, type TextConfig } from '../../engine/moe/config.ts';
import { LoupeError } from '../../engine/errors.ts';
import { dequantise, quantise, type QuantisedWeight } from '../../engine/moe/quant.ts';
import { mlp } from '../../testing/moe/reference/decoder.ts';
import { linear } from '../../testing/moe/reference/ops.ts';
import { MemoryWeights, randomWeights, tinyConfig } from '../../testing/moe/reference/random-weights.ts';
import { SeededRandom as Rng } from '../../engine/moe/random.ts';
import type { ModelPackage } from '../../engine/moe/package.ts';
import type { Tensor } from '../../engine/moe/tensor.ts';
import { RuntimeDecoder } from '../../engine/moe/runtime/decoder.ts';
import { expertStem, mlpGraph, routerBias, type RuntimeWeights } from '../../engine/moe/runtime/graphs.ts';
import { OrtSession, tensor } from '../../engine/moe/runtime/ort-session.ts';
import type { Routing } from '../../engine/moe/runtime/routing.ts';
import { QmoeExperts, QmoeLayer, qmoeDecode, quantiseSymmetric, replayRouting } from './qmoe.ts';

const isExpertWeight = (name: string) => /\.mlp\.experts\.\d+\.(gate|up|down)_proj\.weight$/.test(name);

/** Routed experts stored int4 in MatMulNBits' layout (block `blockSize`), as the runtime reads a package; the rest float. */
class Int4Experts implements RuntimeWeights {
  private readonly q = new Map<string, QuantisedWeight>();

  constructor(
    readonly source: MemoryWeights,
    readonly blockSize: number,
  ) {}

  get(name: string): Tensor {
    const q = this.quantised(name);
    return q ? { shape: [q.N, q.K], data: dequantise(q) } : this.source.get(name);
  }

  quantised(name: string): QuantisedWeight | undefined {
    if (!isExpertWeight(name)) return undefined;
    let q = this.q.get(name);
    if (!q) {
      const t = this.source.get(name);
      this.q.set(name, (q = quantise(t.data, t.shape[0]!, t.shape[1]!, 4, this.blockSize)));
    }
    return q;
  }

  storedBytes(name: string): number {
    const q = this.quantised(name);
    return q ? q.qweight.byteLength + q.scales.byteLength + q.zeroPoints.byteLength : this.source.get(name).data.byteLength;
  }
}

/** Only the float values (dequantised where stored int4): QMoE has to quantise them itself. */
const floatsOnly = (w: Pick<RuntimeWeights, 'get'>): RuntimeWeights => ({ get: (n) => w.get(n), quantised: () => undefined });

/** The model with other widths (randomWeights only needs consistent shapes). */
function resized(hidden: number, intermediate: number): ModelConfig {
  const c = tinyConfig({ withVision: false });
  return { ...c, text_config: { ...c.text_config, hidden_size: hidden, moe_intermediate_size: intermediate } };
}

function randomRows(tokens: number, width: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: tokens * width }, () => rng.normal());
}

/** The router's choice for x's rows, through the model's own gate. */
function routeRows(q: QmoeLayer, w: RuntimeWeights, c: TextConfig, x: Float32Array, tokens: number): Routing {
  return q.route(linear(x, tokens, w.get(`language_model.model.layers.${q.layer}.mlp.gate.weight`)));
}

/** What the runtime computes for the routed experts: each chosen expert's MatMulNBits session on its row, weighted, summed in float32. */
function perExpertSum(w: RuntimeWeights, c: TextConfig, layer: number, x: Float32Array, tokens: number, routing: Routing): Float32Array {
  const H = c.hidden_size;
  const out = new Float32Array(tokens * H);
  const sessions = new Map<number, OrtSession>();
  routing.experts.forEach((chosen, t) =>
    chosen.forEach((e, k) => {
      let s = sessions.get(e);
      if (!s) sessions.set(e, (s = new OrtSession(mlpGraph(w, c, expertStem(layer, e), { accuracyLevel: 0 }).model, { device: 'cpu', threads: 1 }, `expert ${e}`)));
      const y = s.run({ x: tensor(x.slice(t * H, (t + 1) * H), [1, H]) }).out!.data as Float32Array;
      for (let d = 0; d < H; d++) out[t * H + d]! += routing.weights[t]![k]! * y[d]!;
    }),
  );
  for (const s of sessions.values()) s.release();
  return out;
}

/** The same sum in plain JavaScript over given float weights (the reference's expert MLP). */
function referenceSum(w: MemoryWeights, c: TextConfig, layer: number, x: Float32Array, tokens: number, routing: Routing): Float32Array {
  const H = c.hidden_size;
  const out = new Float32Array(tokens * H);
  const source = { has: (n: string) => w.has(n), get: (n: string) => w.get(n) };
  routing.experts.forEach((chosen, t) =>
    chosen.forEach((e, k) => {
      const y = mlp(source, `model.layers.${layer}.mlp.experts.${e}`, x.slice(t * H, (t + 1) * H), 1);
      for (let d = 0; d < H; d++) out[t * H + d]! += routing.weights[t]![k]! * y[d]!;
    }),
  );
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
function rmsRelative(a: Float32Array, ref: Float32Array): number {
  let e = 0;
  let r = 0;
  for (let i = 0; i < a.length; i++) {
    e += (a[i]! - ref[i]!) ** 2;
    r += ref[i]! ** 2;
  }
  return Math.sqrt(e / r);
}
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

const TOKENS = 6;

test('asymmetric QMoE equals the sum of the per-expert MatMulNBits outputs on the same int4 weights within 1e-5 (relative to the largest output)', () => {
  // Block 16 on hidden 32 / intermediate 16: fc1 block-wise, fc2 one block a row (per-channel zero
  // points under a block-wise fc1). Block 32: both per-channel. Hidden 40 / intermediate 24: both
  // block-wise with a partial last block (MatMulNBits pads it, QMoE must not).
  const cases: Array<[string, ModelConfig, number]> = [
    ['hidden 32, intermediate 16, block 16', tinyConfig({ withVision: false }), 16],
    ['hidden 32, intermediate 16, block 32', tinyConfig({ withVision: false }), 32],
    ['hidden 40, intermediate 24, block 16', resized(40, 24), 16],
  ];
  for (const [what, config, blockSize] of cases) {
    const c = config.text_config;
    const w = new Int4Experts(randomWeights(config, 3), blockSize);
    for (const layer of [1, 2]) {
      const q = new QmoeLayer(w, c, layer, { threads: 1, quantisation: 'asymmetric' });
      assert.equal(q.blockSize, blockSize, 'the stored block size is kept');
      const x = randomRows(TOKENS, c.hidden_size, 10 + layer);
      const routing = routeRows(q, w, c, x, TOKENS);
      const distinct = new Set(routing.experts.map((chosen) => [...chosen].sort().join()));
      assert.ok(distinct.size >= 3, `${what}: the tokens route differently (${distinct.size} distinct choices)`);
      const expected = perExpertSum(w, c, layer, x, TOKENS, routing);
      const got = q.run(x, TOKENS, routing);
      const diff = maxDiff(got, expected);
      assert.ok(diff <= 1e-5 * Math.max(1, maxAbs(expected)), `${what}, layer ${layer}: max |Δ| ${diff} (max |out| ${maxAbs(expected)})`);
      q.release();

      // Requantising the dequantised values lands on the same int4 grid: the same output.
      const fromFloats = new QmoeLayer(floatsOnly(w), c, layer, { threads: 1, quantisation: 'asymmetric', blockSize });
      const again = fromFloats.run(x, TOKENS, routing);
      assert.ok(maxDiff(again, got) <= 1e-5 * Math.max(1, maxAbs(expected)), `${what}: stored bytes and requantised floats agree`);
      fromFloats.release();
    }
  }
});

test('symmetric QMoE (the default) equals the sum of the experts on its requantised weights within 1e-5, and the float model within int4 error', () => {
  for (const [config, blockSize] of [
    [tinyConfig({ withVision: false }), 16],
    [resized(40, 24), 16],
  ] as const) {
    const c = config.text_config;
    const source = randomWeights(config, 4);
    const layer = 1;
    const q = new QmoeLayer(floatsOnly(source), c, layer, { threads: 1, blockSize });
    assert.equal(q.quantisation, 'symmetric');
    // The float weights as QMoE holds them: quantised symmetrically, dequantised as (q − 8)·scale.
    const requantised = new MemoryWeights();
    for (const [name, t] of source.tensors) {
      if (!isExpertWeight(name)) {
        requantised.set(name, t);
        continue;
      }
      const [N, K] = t.shape as [number, number];
      const m = quantiseSymmetric(t.data, N, K, blockSize);
      const blocks = Math.ceil(K / blockSize);
      const data = new Float32Array(N * K);
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < K; k++) {
          const nibble = (m.weights[n * Math.ceil(K / 2) + (k >> 1)]! >> ((k & 1) * 4)) & 15;
          data[n * K + k] = (nibble - 8) * m.scales[n * blocks + Math.floor(k / blockSize)]!;
        }
      }
      requantised.set(name, { shape: t.shape, data });
    }
    const x = randomRows(TOKENS, c.hidden_size, 7);
    const routing = routeRows(q, floatsOnly(source), c, x, TOKENS);
    const got = q.run(x, TOKENS, routing);
    const onItsWeights = referenceSum(requantised, c, layer, x, TOKENS, routing);
    const scale = Math.max(1, maxAbs(onItsWeights));
    assert.ok(maxDiff(got, onItsWeights) <= 1e-5 * scale, `max |Δ| ${maxDiff(got, onItsWeights)} against its own int4 weights`);
    // int4 is coarse at these widths: ~14% RMS either way (asymmetric included) on these models.
    const onFloats = referenceSum(source, c, layer, x, TOKENS, routing);
    const rel = rmsRelative(got, onFloats);
    assert.ok(rel <= 0.25, `RMS error ${rel} relative to the float weights' output`);
    q.release();
  }
});

test('an expert that is not chosen, or is chosen with weight 0, does not contribute: changing its weights leaves the output unchanged', () => {
  const config = tinyConfig({ withVision: false });
  const c = config.text_config;
  const source = randomWeights(config, 8);
  const layer = 2;
  const base = new QmoeLayer(floatsOnly(source), c, layer, { threads: 1 });
  const tokens = 2;
  const x = randomRows(tokens, c.hidden_size, 9);
  const routing = routeRows(base, floatsOnly(source), c, x, tokens);
  const used = new Set(routing.experts.flatMap((chosen) => [...chosen]));
  const unused = Array.from({ length: c.n_routed_experts }, (_, e) => e).find((e) => !used.has(e))!;
  assert.ok(unused !== undefined);
  // One of token 0's experts that token 1 does not use weighs 0.
  const slot = [...routing.experts[0]!].findIndex((e) => !routing.experts[1]!.includes(e));
  assert.ok(slot >= 0);
  const zeroExpert = routing.experts[0]![slot]!;
  const zeroed: Routing = { experts: routing.experts, weights: routing.weights.map((w, t) => (t === 0 ? Float32Array.from(w, (v, k) => (k === slot ? 0 : v)) : w)) };

  const changed = (expert: number) => {
    const w = new MemoryWeights();
    const rng = new Rng(99);
    for (const [name, t] of source.tensors) {
      w.set(name, name.startsWith(`${expertStem(layer, expert)}.`) ? { shape: t.shape, data: Float32Array.from(t.data, () => 10 * rng.normal()) } : t);
    }
    return new QmoeLayer(floatsOnly(w), c, layer, { threads: 1 });
  };
  const expected = base.run(x, tokens, routing);
  const other = changed(unused);
  assert.deepEqual(other.run(x, tokens, routing), expected, `expert ${unused}, not chosen`);
  other.release();

  const withZero = base.run(x, tokens, zeroed);
  assert.notDeepEqual(withZero, expected, 'the zero weight matters');
  const zeroChanged = changed(zeroExpert);
  assert.deepEqual(zeroChanged.run(x, tokens, zeroed), withZero, `expert ${zeroExpert}, chosen with weight 0`);
  assert.notDeepEqual(zeroChanged.run(x, tokens, routing), expected, 'with its weight it does contribute');
  zeroChanged.release();
  base.release();
});

test('QmoeExperts runs a step through every MoE layer as the layers do one by one, and counts the expert bytes read; replayed choices weigh scaling / k', () => {
  const config = tinyConfig({ withVision: false });
  const c = config.text_config;
  const w = new Int4Experts(randomWeights(config, 12), 16);
  const moe = new QmoeExperts(w, c, { threads: 1 });
  assert.deepEqual(moe.layers, [1, 2]);
  const inputs = moe.layers.map((layer) => {
    const x = randomRows(1, c.hidden_size, layer);
    return { layer, x, routing: routeRows(moe.layer(layer), w, c, x, 1) };
  });
  const outputs = moe.step(inputs);
  inputs.forEach((input, i) => assert.deepEqual(outputs[i], moe.layer(input.layer).run(input.x, 1, input.routing)));
  assert.equal(moe.traffic.runs, 2);
  assert.equal(moe.traffic.weightBytes, 2 * c.num_experts_per_tok * moe.layer(1).expertBytes);
  // int4 gate, up and down of 16×32 with one float scale per block of 16: 3·256 + 3·32·4 bytes.
  assert.equal(moe.layer(1).expertBytes, 3 * 256 + 3 * 32 * 4);

  const replay = replayRouting(inputs[0]!.routing.experts, c);
  assert.deepEqual(replay.experts, inputs[0]!.routing.experts);
  assert.deepEqual([...replay.weights[0]!], Array(c.num_experts_per_tok).fill(Math.fround(c.routed_scaling_factor / c.num_experts_per_tok)));
  assert.equal(moe.step([{ ...inputs[0]!, routing: replay }])[0]!.length, c.hidden_size);
  moe.release();
});

test('QMoE refuses what it cannot express: a hidden size within one block under a wider intermediate; a routing of another k', () => {
  const config = resized(32, 64);
  const c = config.text_config;
  const w = floatsOnly(randomWeights(config, 1));
  assert.throws(() => new QmoeLayer(w, c, 1, { threads: 1, blockSize: 32 }), (e: unknown) => e instanceof LoupeError && e.code === 'MODEL_UNSUPPORTED');
  const q = new QmoeLayer(w, c, 1, { threads: 1, blockSize: 16 });
  const x = randomRows(1, c.hidden_size, 1);
  assert.throws(() => q.run(x, 1, { experts: [Int32Array.of(0, 1)], weights: [Float32Array.of(1, 1)] }), /exactly 3 experts/);
  assert.throws(() => q.run(x, 1, { experts: [], weights: [] }), /a routing of 0 tokens for 1 rows/);
  q.release();
  assert.ok(w.get(routerBias(1)).data.length === c.n_routed_experts);
});

test('qmoeDecode times a greedy decode of the engine, then QMoE on the same steps\' experts in place of the routed experts\' sessions', () => {
  const config = tinyConfig({ withVision: false });
  const c = config.text_config;
  const w = new Int4Experts(randomWeights(config, 14), 16);
  // The two parts of an engine it uses: the package's weights and config, and the decoder.
  const pkg = { config, get: (n: string) => w.get(n), isQuantised: (n: string) => isExpertWeight(n), quantised: (n: string) => w.quantised(n)! } as unknown as ModelPackage;
  const decoder = new RuntimeDecoder(w, c, { accuracyLevel: 0, threads: 1, pools: [{ device: 'cpu', budgetBytes: 1 << 30, policy: 'frequency' }] });
  const r = qmoeDecode({ pkg, decoder }, [5, 17, 42], 4);
  assert.equal(r.tokens, 4);
  assert.ok(r.routedMs > 0 && r.routedMs < r.runtimeMs, `routed experts ${r.routedMs} ms of ${r.runtimeMs}`);
  assert.ok(r.qmoeMs > 0 && Number.isFinite(r.qmoeTokPerS) && r.qmoeTokPerS > 0);
  assert.equal(r.runtimeTokPerS, (4 * 1000) / r.runtimeMs);
  assert.equal(r.qmoeTokPerS, (4 * 1000) / (r.runtimeMs - r.routedMs + r.qmoeMs));
  const moeLayers = Array.from({ length: c.num_hidden_layers }, (_, l) => l).filter((l) => isMoeLayer(c, l)).length;
  assert.equal(r.qmoeBytesPerToken, moeLayers * c.num_experts_per_tok * (3 * 256 + 3 * 32 * 4), 'k experts a layer a token');
  assert.equal(decoder.position, 0, 'the decoder is left reset');
  decoder.release();
});

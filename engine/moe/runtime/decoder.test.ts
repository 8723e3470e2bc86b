// The runtime decoder against the plain reference, on tiny random models: the same logits
// (unquantised, and int4 against the reference on the same dequantised weights), whether the
// prompt is read at once or token by token, and the same tokens wherever the experts ran.
import test from 'node:test';
import assert from 'node:assert/strict';
import { isMoeLayer, type ModelConfig } from '../config.ts';
import { dequantise, quantise, type QuantisedWeight } from '../quant.ts';
import { decoderForward, embed } from '../../../testing/moe/reference/decoder.ts';
import { MemoryWeights, randomWeights, tinyConfig } from '../../../testing/moe/reference/random-weights.ts';
import { argmax } from '../sampling.ts';
import type { Tensor, WeightSource } from '../tensor.ts';
import { RuntimeDecoder, type DecoderOptions, type DecoderWeights } from './decoder.ts';

/** Linear weights of the decoder the runtime runs quantised (routers and norms stay float). */
const isQuantisedLinear = (name: string, t: Tensor) =>
  t.shape.length === 2 && name.startsWith('language_model.') && !name.includes('embed_tokens') && !name.endsWith('mlp.gate.weight');

/** The model's weights as the runtime reads them, int4-quantised when asked (block 16, so tiny widths have several blocks). */
class TestWeights implements DecoderWeights {
  private readonly q = new Map<string, QuantisedWeight>();

  constructor(
    private readonly source: MemoryWeights,
    private readonly quantised4 = false,
  ) {}

  get(name: string): Tensor {
    const q = this.quantised(name);
    return q ? { shape: [q.N, q.K], data: dequantise(q) } : this.source.get(name);
  }

  quantised(name: string): QuantisedWeight | undefined {
    if (!this.quantised4) return undefined;
    const t = this.source.get(name);
    if (!isQuantisedLinear(name, t)) return undefined;
    let q = this.q.get(name);
    if (!q) this.q.set(name, (q = quantise(t.data, t.shape[0]!, t.shape[1]!, 4, 16)));
    return q;
  }

  storedBytes(name: string): number {
    const q = this.quantised(name);
    return q ? q.qweight.byteLength + q.scales.byteLength + q.zeroPoints.byteLength : this.source.get(name).data.byteLength;
  }

  /** What the reference reads: the dequantised values of every quantised weight. */
  asReference(): WeightSource {
    return { has: (n) => this.source.has(n), get: (n) => this.get(n) };
  }
}

const CPU_ONLY: DecoderOptions = { accuracyLevel: 0, threads: 1, pools: [{ device: 'cpu', budgetBytes: 1 << 30, policy: 'frequency' }] };

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const prompt = [5, 17, 42, 8, 63, 1, 77, 30, 12, 90, 4];

function check(config: ModelConfig, weights: TestWeights, what: string) {
  const text = config.text_config;
  const reference = decoderForward(weights.asReference(), text, embed(weights.asReference(), text, prompt)).logits.data;
  const V = text.vocab_size;

  const atOnce = new RuntimeDecoder(weights, text, CPU_ONLY);
  const all = atOnce.forward(atOnce.embed(prompt), prompt.length, { allLogits: true });
  assert.ok(maxDiff(all.logits, reference) < 1e-3, `${what}, prefill: max |Δ| ${maxDiff(all.logits, reference)}`);
  atOnce.release();

  // Three tokens read at once, then one at a time through the cache.
  const stepwise = new RuntimeDecoder(weights, text, CPU_ONLY);
  const first = stepwise.forward(stepwise.embed(prompt.slice(0, 3)), 3, { allLogits: true });
  assert.ok(maxDiff(first.logits, reference.subarray(0, 3 * V)) < 1e-3);
  for (let t = 3; t < prompt.length; t++) {
    const step = stepwise.forward(stepwise.embed([prompt[t]!]), 1);
    const diff = maxDiff(step.logits, reference.subarray(t * V, (t + 1) * V));
    assert.ok(diff < 1e-3, `${what}, decode at ${t}: max |Δ| ${diff}`);
  }
  assert.equal(stepwise.position, prompt.length);
  stepwise.release();
}

test('runtime logits match the reference within 1e-3: q_proj and q_a/q_b layouts, all at once and through the cache', () => {
  for (const qLoraRank of [null, 16]) {
    const config = tinyConfig({ qLoraRank, withVision: false });
    check(config, new TestWeights(randomWeights(config, 21)), `q_lora_rank ${qLoraRank}`);
  }
});

test('int4 weights: runtime logits match the reference on the same dequantised weights within 1e-3', () => {
  const config = tinyConfig({ qLoraRank: 16, withVision: false });
  check(config, new TestWeights(randomWeights(config, 5), true), 'int4');
});

test('the same greedy tokens wherever the experts run: any budget, either policy, none admitted at all', () => {
  const config = tinyConfig({ withVision: false });
  const text = config.text_config;
  const weights = new TestWeights(randomWeights(config, 9), true);
  const expertBytes = weights.storedBytes('language_model.model.layers.1.mlp.experts.0.gate_proj.weight') * 3;
  const placements: Array<[string, DecoderOptions['pools']]> = [
    ['everything on the CPU pool', CPU_ONLY.pools],
    ['a small accelerator pool, frequency', [{ device: 'cpu', budgetBytes: 3 * expertBytes, policy: 'frequency' }, { device: 'cpu', budgetBytes: 6 * expertBytes, policy: 'frequency' }]],
    ['a small accelerator pool, LRU', [{ device: 'cpu', budgetBytes: 2 * expertBytes, policy: 'lru' }, { device: 'cpu', budgetBytes: 4 * expertBytes, policy: 'lru' }]],
    ['no pool admits any expert', [{ device: 'cpu', budgetBytes: 0, policy: 'frequency' }]],
  ];
  const runs = placements.map(([what, pools]) => {
    const d = new RuntimeDecoder(weights, text, { ...CPU_ONLY, pools });
    let logits = d.forward(d.embed(prompt), prompt.length).logits;
    const tokens: number[] = [];
    for (let i = 0; i < 12; i++) {
      tokens.push(argmax(logits));
      logits = d.forward(d.embed([tokens.at(-1)!]), 1).logits;
    }
    const stats = d.expertStats();
    d.release();
    return { what, tokens, stats };
  });
  for (const r of runs.slice(1)) assert.deepEqual(r.tokens, runs[0]!.tokens, r.what);
  const small = runs[1]!.stats.pools[0]!;
  assert.ok(small.evictions > 0 && small.usedBytes <= small.budgetBytes, `the small pool evicted (${small.evictions}) and kept to its budget`);
  assert.ok(runs[3]!.stats.transientRuns > 0 && runs[3]!.stats.pools[0]!.hits === 0);
  const moeLayers = Array.from({ length: text.num_hidden_layers }, (_, l) => l).filter((l) => isMoeLayer(text, l)).length;
  const uses = runs[0]!.stats.pools[0]!.hits + runs[0]!.stats.pools[0]!.misses;
  assert.ok(uses >= 13 * moeLayers * text.num_experts_per_tok, `every chosen expert ran (${uses} uses)`);
});

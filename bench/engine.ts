// `loupe bench engine`: the local MoE engine's speed on a bench model, against the machine's
// memory bandwidth measured in the same run. Decoding an MoE model reads each token's active
// weights once, so the bandwidth roofline is what decode speed is measured against:
// rooflineShare = bytes of weights read per token × tokens/s ÷ bandwidth.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FrequencyPolicy, LruPolicy, hitRate, replay } from '../engine/moe/expert-cache.ts';
import { skewedTrace } from '../testing/moe/routing-trace.ts';
import { MoeEngine, type EngineOptions } from '../engine/moe/runtime/engine.ts';
import { createTestModel } from '../testing/moe/test-models.ts';
import { isMoeLayer } from '../engine/moe/config.ts';
import { measureBandwidth } from './moe/bandwidth.ts';
import { qmoeDecodeTokPerS } from './moe/qmoe.ts';
import { visionThroughput } from './moe/vision.ts';
import { median } from './stats.ts';

export interface EngineBenchOptions {
  /** A model package; the bench model (written once into `cacheDir`) when absent. */
  modelDir?: string;
  cacheDir: string;
  engine: EngineOptions;
  /** Decoded tokens timed per run. */
  decodeTokens: number;
  promptTokens: number;
  repeats: number;
  onLine?: (line: string) => void;
}

export interface EngineBenchResult {
  model: { dir: string; bytes: number; layers: number; experts: number; topK: number; hidden: number };
  decodeTokPerS: number;
  prefillTokPerS: number;
  bytesPerToken: number;
  bandwidthGBps: number;
  rooflineShare: number;
  qmoeDecodeTokPerS: number;
  visionPatchesPerS: number;
  ttftMs: number;
  peakRssMB: number;
  /** Weights the engine held loaded when peakRssMB was taken: what lazy loading brought in. */
  workingSetMB: number;
  cacheHitRate: number;
  lruHitRate: number;
  /** How each figure was taken, for the reader of the JSON. */
  notes: Record<string, string>;
}

const MB = 1024 * 1024;

export async function runEngineBench(o: EngineBenchOptions): Promise<EngineBenchResult> {
  const say = o.onLine ?? (() => {});
  const dir = o.modelDir ?? join(o.cacheDir, 'bench-model');
  if (!o.modelDir && !existsSync(join(dir, 'manifest.json'))) {
    say(`writing the bench model into ${dir}…`);
    await createTestModel(dir, { size: 'bench' });
  }
  const open0 = performance.now();
  const engine = await MoeEngine.open(dir, o.engine);
  const t = engine.pkg.config.text_config;
  const prompt = Array.from({ length: o.promptTokens }, (_, i) => (i * 7919 + 11) % (t.vocab_size - 256));
  // Time to first token from a cold engine: prefill of the prompt, experts loaded as they are first routed to.
  engine.generate({ tokens: prompt, maxTokens: 1 }, () => {});
  const ttftMs = performance.now() - open0;
  say(`time to first token (opening the package included) ${ttftMs.toFixed(0)} ms for ${o.promptTokens} prompt tokens`);

  const decodeRates: number[] = [];
  const prefillRates: number[] = [];
  const perToken: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const run = engine.generate({ tokens: prompt, maxTokens: o.decodeTokens + 1 }, () => {});
    // The last token is sampled but not run through the model: decode steps are one fewer.
    const decoded = run.tokens.length - 1;
    decodeRates.push((decoded * 1000) / run.timings.decodeMs);
    prefillRates.push((o.promptTokens * 1000) / run.timings.prefillMs);
    perToken.push(run.weightBytes.decode / decoded);
    say(`run ${r + 1}: prefill ${prefillRates.at(-1)!.toFixed(0)} tok/s, decode ${decodeRates.at(-1)!.toFixed(1)} tok/s, ${(perToken.at(-1)! / MB).toFixed(1)} MB of weights per token`);
  }
  const decodeTokPerS = median(decodeRates);
  const bytesPerToken = median(perToken);
  const stats = engine.stats();
  // The engine's own high-water mark: the QMoE baseline, the bandwidth probe and the vision bench allocate more.
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const workingSetMB = engine.decoder.residentWeightBytes() / MB;
  say(`peak RSS ${peakRssMB.toFixed(0)} MB with ${workingSetMB.toFixed(0)} MB of weights loaded`);
  const qmoe = qmoeDecodeTokPerS(engine, prompt, o.decodeTokens);
  say(`decode with the fused QMoE operator for the routed experts: ${qmoe.toFixed(1)} tok/s`);
  const modelBytes = Object.values(engine.pkg.manifest.files).reduce((a, f) => a + f.bytes, 0);
  engine.close();

  const bandwidth = measureBandwidth();
  const roofline = `ReduceSum over ${(bandwidth.bytes / 2 ** 30).toFixed(1)} GiB: ${bandwidth.singleThreadGBps.toFixed(1)} GB/s with 1 thread, ${bandwidth.multiThreadGBps.toFixed(1)} with ${bandwidth.threads} (the better is the roofline)`;
  say(`memory bandwidth ${bandwidth.gbps.toFixed(1)} GB/s (${roofline})`);

  const vision = visionThroughput({ width: 1280, height: 800, threads: o.engine.threads ?? 1 });
  say(`vision encoder: ${vision.patchesPerS.toFixed(0)} patches/s on a 1280×800 screenshot (${vision.patches} patches)`);

  // Cache policies on a skewed routing trace shaped like the model, at the accelerator pool's share of it.
  const layers = Array.from({ length: t.num_hidden_layers }, (_, l) => l).filter((l) => isMoeLayer(t, l));
  const trace = skewedTrace({ layers, experts: t.n_routed_experts, topK: t.num_experts_per_tok, tokens: 2000, skew: 0.9, driftEvery: 64, seed: 1, predictionAccuracy: 0.7 });
  // Every expert of the model is the same size, so sizes and the budget are counted in experts.
  const budget = Math.round(layers.length * t.n_routed_experts * 0.25);
  const plain = trace.map((s) => s.map(({ layer, experts }) => ({ layer, experts })));
  const cacheHitRate = hitRate(replay(new FrequencyPolicy(budget), trace, () => 1));
  const lruHitRate = hitRate(replay(new LruPolicy(budget), plain, () => 1));

  return {
    model: { dir, bytes: modelBytes, layers: t.num_hidden_layers, experts: t.n_routed_experts, topK: t.num_experts_per_tok, hidden: t.hidden_size },
    decodeTokPerS,
    prefillTokPerS: median(prefillRates),
    bytesPerToken,
    bandwidthGBps: bandwidth.gbps,
    rooflineShare: (bytesPerToken * decodeTokPerS) / (bandwidth.gbps * 1e9),
    qmoeDecodeTokPerS: qmoe,
    visionPatchesPerS: vision.patchesPerS,
    ttftMs,
    peakRssMB,
    workingSetMB,
    cacheHitRate,
    lruHitRate,
    notes: {
      decode: `median of ${o.repeats} runs of ${o.decodeTokens} greedy tokens after a ${o.promptTokens}-token prompt, warm engine, accuracy level ${o.engine.accuracyLevel ?? 4}, ${o.engine.threads ?? 1} thread(s) per session`,
      workingSet: `the weights of the sessions built (attention, MLPs, head) and the experts the pools hold, out of ${(modelBytes / MB).toFixed(0)} MB in the package: the rest stays in the files`,
      bytesPerToken: 'weights the decode step ran (attention, dense or shared MLP, the routed experts, the head), counted per session run',
      roofline,
      pools: JSON.stringify(stats.experts.pools.map((p) => ({ device: p.device, budgetMB: p.budgetBytes / MB, hitRate: +hitRate(p).toFixed(3) }))),
      cache: `skewed trace (Zipf 0.9, drifting every 64 tokens, 2000 tokens, ${layers.length} MoE layers × ${t.n_routed_experts} experts, top-${t.num_experts_per_tok}), a quarter of the experts resident; frequency-aware with prefetch from a 70%-accurate prediction vs LRU`,
    },
  };
}

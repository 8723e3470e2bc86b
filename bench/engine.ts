// `loupe bench engine`: the local MoE engine's speed on a bench model with Kimi-VL-A3B's widths,
// against the machine's memory bandwidth measured in the same run. Decoding an MoE model must
// read each token's active weights once, so the bandwidth roofline is what decode speed is
// measured against: rooflineShare = (stored bytes a decoded token must read) ÷ bandwidth ÷
// (seconds per token), the bytes counted from the package and the engine's own routing of each
// decoded token (moe/token-bytes.ts), never from what the runtime builds.
import { availableParallelism } from 'node:os';
import { MoeEngine, type EngineOptions, type GenerateRequest } from '../engine/moe/runtime/engine.ts';
import { randomImage } from '../testing/moe/reference/random-weights.ts';
import { isMoeLayer } from '../engine/moe/config.ts';
import { hitRate } from '../engine/moe/expert-cache.ts';
import { lastLevelCache, measureBandwidth } from '../engine/moe/runtime/memory-bandwidth.ts';
import { benchModel } from './moe/bench-model.ts';
import { hitRatesAtBudget, routingSkew, syntheticCacheFigures, tokenTrace, type PolicyHitRates, type RoutingSkew } from './moe/cache-replay.ts';
import { memorySnapshot, resetPeakRss } from './moe/memory.ts';
import { qmoeDecodeTokPerS } from './moe/qmoe.ts';
import { tokenBytes, type ForwardRouting } from './moe/token-bytes.ts';
import { visionThroughput } from './moe/vision.ts';
import { median } from './stats.ts';

/** The screenshot whose time to first token is reported: a laptop-sized design. */
const SCREENSHOT = { width: 1280, height: 800 };

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
  model: { dir: string; bytes: number; layers: number; experts: number; topK: number; hidden: number; visionLayers?: number };
  decodeTokPerS: number;
  prefillTokPerS: number;
  /** Stored bytes a decoded token must read: dense weights, one embedding row, its routed experts. */
  bytesPerToken: number;
  /** What the runtime's sessions ran per decoded token, float32 expansions included; not used for the roofline. */
  runtimeBytesPerToken: number;
  bandwidthGBps: number;
  rooflineShare: number;
  qmoeDecodeTokPerS: number;
  visionPatchesPerS?: number;
  /** Cold: opening the package, building sessions and the prompt's prefill. */
  ttftMs: number;
  /** Warm engine: a 1280×800 screenshot's preprocessing, vision encoding and the prompt's prefill. */
  ttftScreenshotMs?: number;
  screenshotPromptTokens?: number;
  peakRssMB: number;
  rssMB: number;
  /** Weights the engine held loaded when peakRssMB was taken. */
  beforeOpenRssMB: number;
  workingSetMB: number;
  /** The engine's own routing replayed through the frequency-aware policy and LRU at equal budget. */
  cacheHitRate: number;
  lruHitRate: number;
  routingSkew: RoutingSkew;
  /** The same policies on a synthetic skewed trace. */
  synthetic: { withoutPrediction: PolicyHitRates; withPrediction: PolicyHitRates };
  /** How each figure was taken, for the reader of the JSON. */
  notes: Record<string, string>;
}

/** Sizes are printed in MiB (the JSON's …MB fields too); bandwidth in GB/s, 10⁹ bytes a second. */
const MB = 1024 * 1024;

/** Token ids of a prompt that differs from run to run, outside the special tokens at the vocabulary's end. */
const promptOf = (length: number, run: number, vocab: number) => Array.from({ length }, (_, i) => (i * 7919 + 11 + run * 104729) % (vocab - 256));

export async function runEngineBench(o: EngineBenchOptions): Promise<EngineBenchResult> {
  const say = o.onLine ?? (() => {});
  const dir = o.modelDir ?? (await benchModel(o.cacheDir, say));
  // From here the RSS high-water mark is the engine's.
  const peakWasReset = resetPeakRss();
  // What the process held before the engine opened (the CLI's modules, the bench's own): the peak less this is the engine's.
  const beforeOpenRssMB = memorySnapshot(peakWasReset).rssMB;
  const open0 = performance.now();
  const engine = await MoeEngine.open(dir, o.engine);
  const t = engine.pkg.config.text_config;
  const bytes = tokenBytes(engine.pkg);
  // Every forward pass's routing, in the order the engine ran them: the cache figures replay it.
  const forwards: ForwardRouting[] = [];
  const generate = (request: GenerateRequest) => {
    const run = engine.generate({ ...request, recordRouting: true }, () => {});
    forwards.push(...run.routing!);
    return run;
  };

  // Time to first token from a cold engine: prefill of the prompt, experts loaded as they are first routed to.
  generate({ tokens: promptOf(o.promptTokens, 0, t.vocab_size), maxTokens: 1 });
  const ttftMs = performance.now() - open0;
  say(`time to first token, cold (opening the package included): ${ttftMs.toFixed(0)} ms for ${o.promptTokens} prompt tokens`);

  const decodeRates: number[] = [];
  const prefillRates: number[] = [];
  const modelBytes: number[] = [];
  const runtimeBytes: number[] = [];
  const expertWays: string[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const before = engine.stats().experts;
    const run = generate({ tokens: promptOf(o.promptTokens, r + 1, t.vocab_size), maxTokens: o.decodeTokens + 1 });
    expertWays.push(expertWaysOf(before, engine.stats().experts));
    // The last token is sampled but not run through the model: decode steps are one fewer, and routing[0] is the prefill's.
    const steps = run.routing!.slice(1);
    decodeRates.push((steps.length * 1000) / run.timings.decodeMs);
    prefillRates.push((o.promptTokens * 1000) / run.timings.prefillMs);
    modelBytes.push(steps.reduce((sum, step) => sum + bytes.ofStep(step), 0) / steps.length);
    runtimeBytes.push(run.weightBytes.decode / steps.length);
    say(`run ${r + 1}: prefill ${prefillRates.at(-1)!.toFixed(0)} tok/s, decode ${decodeRates.at(-1)!.toFixed(2)} tok/s; a decoded token must read ${(modelBytes.at(-1)! / MB).toFixed(1)} MiB as stored (the runtime's sessions ran ${(runtimeBytes.at(-1)! / MB).toFixed(1)} MiB); experts: ${expertWays.at(-1)}`);
  }
  const decodeTokPerS = median(decodeRates);
  const bytesPerToken = median(modelBytes);

  // Memory right after generation, before anything else the bench allocates (vision, QMoE, the bandwidth buffer).
  const memory = memorySnapshot(peakWasReset);
  const workingSetMB = engine.decoder.residentWeightBytes() / MB;
  const engineRssMB = memory.peakRssMB - beforeOpenRssMB;
  say(`peak RSS ${memory.peakRssMB.toFixed(0)} MiB (since ${memory.peakSince}; RSS now ${memory.rssMB.toFixed(0)} MiB) against ${workingSetMB.toFixed(0)} MiB of weights loaded: ×${(memory.peakRssMB / workingSetMB).toFixed(2)}; the process held ${beforeOpenRssMB.toFixed(0)} MiB before the engine opened, so the engine's own peak is ${engineRssMB.toFixed(0)} MiB, ×${(engineRssMB / workingSetMB).toFixed(2)}`);

  const vision = engine.pkg.config.vision_config;
  let screenshot: { ms: number; promptTokens: number } | undefined;
  if (vision) {
    // Warm the vision runtime (weights, sessions) on a small picture, so the screenshot is timed on a warm engine.
    const request = (width: number, height: number): GenerateRequest => ({
      messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Write this page as HTML and CSS.' }] }],
      images: [{ rgba: randomImage(width, height, 5), width, height }],
      maxTokens: 1,
    });
    generate(request(56, 56));
    const image = request(SCREENSHOT.width, SCREENSHOT.height);
    const start = performance.now();
    const run = generate(image);
    screenshot = { ms: performance.now() - start, promptTokens: run.promptTokens };
    say(`time to first token for a ${SCREENSHOT.width}×${SCREENSHOT.height} screenshot, warm engine: ${screenshot.ms.toFixed(0)} ms (preprocessing, vision encoder, prefill of ${run.promptTokens} prompt tokens)`);
  }

  const qmoe = qmoeDecodeTokPerS(engine, promptOf(o.promptTokens, 1, t.vocab_size), o.decodeTokens);
  say(`decode with the fused QMoE operator for the routed experts: ${qmoe.toFixed(2)} tok/s`);

  const patches = vision ? visionThroughput({ pkg: engine.pkg, ...SCREENSHOT, threads: o.engine.threads ?? availableParallelism() }) : undefined;
  if (patches) say(`vision encoder (the package's ${patches.layers}-layer tower): ${patches.patchesPerS.toFixed(0)} patches/s on a ${SCREENSHOT.width}×${SCREENSHOT.height} screenshot (${patches.patches} patches)`);

  const stats = engine.stats();
  const packageBytes = Object.values(engine.pkg.manifest.files).reduce((a, f) => a + f.bytes, 0);
  engine.close();

  const cache = lastLevelCache();
  const bandwidth = measureBandwidth();
  const roofline = `ReduceSum over ${(bandwidth.bytes / 2 ** 30).toFixed(2)} GiB (${cache ? `4 × the ${(cache.bytes / MB).toFixed(0)} MiB L${cache.level} cache, from ${cache.source}` : 'the last-level cache size unknown'}): ${bandwidth.singleThreadGBps.toFixed(1)} GB/s with 1 thread, ${bandwidth.multiThreadGBps.toFixed(1)} with ${bandwidth.threads}; the better is the roofline`;
  say(`memory bandwidth ${bandwidth.gbps.toFixed(1)} GB/s (${roofline})`);
  const rooflineShare = (bytesPerToken * decodeTokPerS) / (bandwidth.gbps * 1e9);
  say(`roofline share ${rooflineShare.toFixed(3)}: ${(bytesPerToken / MB).toFixed(1)} MiB a token (${(bytes.dense / MB).toFixed(1)} MiB dense, the rest routed experts) ÷ ${bandwidth.gbps.toFixed(1)} GB/s ÷ ${(1000 / decodeTokPerS).toFixed(0)} ms a token`);

  // Cache policies on the engine's own routing, at a quarter of the routed experts' bytes.
  const layers = Array.from({ length: t.num_hidden_layers }, (_, l) => l).filter((l) => isMoeLayer(t, l));
  const trace = tokenTrace(forwards);
  const expertBytes = layers.reduce((sum, l) => sum + Array.from({ length: t.n_routed_experts }, (_, e) => bytes.expert(l, e)).reduce((a, b) => a + b, 0), 0);
  const budgetBytes = expertBytes / 4;
  const own = hitRatesAtBudget(trace, budgetBytes, bytes.expert);
  const skew = routingSkew(trace, t.n_routed_experts);
  const budgetLine = `a quarter of the routed experts' stored bytes (${(budgetBytes / MB).toFixed(0)} MiB, ${Math.round((layers.length * t.n_routed_experts) / 4)} of ${layers.length * t.n_routed_experts} experts)`;
  say(`expert cache on the engine's own routing (${trace.length} tokens), ${budgetLine}: frequency-aware ${own.frequency.toFixed(3)}, LRU ${own.lru.toFixed(3)}`);
  say(`routing skew: the hottest quarter of each layer's experts got ${(skew.hottestQuarterShare * 100).toFixed(1)}% of the uses (25% if uniform), normalised entropy ${skew.normalisedEntropy.toFixed(3)} (1 if uniform)`);
  const synthetic = syntheticCacheFigures({ layers, experts: t.n_routed_experts, topK: t.num_experts_per_tok, budgetExperts: Math.round((layers.length * t.n_routed_experts) / 4) });
  say(`SYNTHETIC trace, no prediction: frequency-aware ${synthetic.withoutPrediction.frequency.toFixed(3)}, LRU ${synthetic.withoutPrediction.lru.toFixed(3)}; both given the same prediction: frequency-aware ${synthetic.withPrediction.frequency.toFixed(3)}, LRU ${synthetic.withPrediction.lru.toFixed(3)}`);

  const threads = o.engine.threads ?? availableParallelism();
  return {
    model: { dir, bytes: packageBytes, layers: t.num_hidden_layers, experts: t.n_routed_experts, topK: t.num_experts_per_tok, hidden: t.hidden_size, ...(vision && { visionLayers: vision.num_hidden_layers }) },
    decodeTokPerS,
    prefillTokPerS: median(prefillRates),
    bytesPerToken,
    runtimeBytesPerToken: median(runtimeBytes),
    bandwidthGBps: bandwidth.gbps,
    rooflineShare,
    qmoeDecodeTokPerS: qmoe,
    ...(patches && { visionPatchesPerS: patches.patchesPerS }),
    ttftMs,
    ...(screenshot && { ttftScreenshotMs: screenshot.ms, screenshotPromptTokens: screenshot.promptTokens }),
    peakRssMB: memory.peakRssMB,
    rssMB: memory.rssMB,
    beforeOpenRssMB,
    workingSetMB,
    cacheHitRate: own.frequency,
    lruHitRate: own.lru,
    routingSkew: skew,
    synthetic: { withoutPrediction: synthetic.withoutPrediction, withPrediction: synthetic.withPrediction },
    notes: {
      decodeTokPerS: `median of ${o.repeats} runs of ${o.decodeTokens} greedy tokens, each after its own ${o.promptTokens}-token prompt, warm engine, accuracy level ${o.engine.accuracyLevel ?? 4}, ${threads} thread(s) (the engine's --threads), experts shared out between ${engine.decoder.expertThreads} thread(s), the CPU's held as ${stats.experts.pools.at(-1)!.form === 'stored' ? 'their stored bytes, run by the int4 kernel' : 'onnxruntime sessions'}`,
      prefillTokPerS: `the same runs' prompts, median`,
      bytesPerToken: `stored bytes a decoded token must read, from the package's manifest and the engine's routing of each decoded token: every decoder weight outside the routed experts (attention and its norms, routers, the dense MLP or shared experts, final norm, LM head; ${(bytes.dense / MB).toFixed(1)} MiB with one ${(bytes.embeddingRow / 1024).toFixed(1)} KiB embedding row) plus the distinct routed experts chosen; median over runs of the per-run mean`,
      runtimeBytesPerToken: "weights the runtime's sessions ran per decoded token as it counts them (graph initializers, float32 expansions included): shown to explain the old figure, not used for rooflineShare",
      bandwidthGBps: roofline,
      rooflineShare: 'bytesPerToken ÷ bandwidthGBps ÷ seconds per decoded token (1 / decodeTokPerS)',
      qmoeDecodeTokPerS: "the same decode with onnxruntime's fused QMoE operator for the routed experts (symmetric int4), everything else the runtime's as timed",
      visionPatchesPerS: patches
        ? `the package's own vision tower (${patches.layers} MoonViT layers, ${patches.threads} thread(s)), merger and projector on a random ${SCREENSHOT.width}×${SCREENSHOT.height} picture after the package's preprocessing (${patches.patches} patches, ${patches.tokens} tokens); best of 2 encodes after a warm-up`
        : 'the package has no vision encoder',
      ttftMs: `cold: opening the package, building the sessions, and the ${o.promptTokens}-token prompt's prefill with experts loaded as first routed to`,
      ttftScreenshotMs: screenshot
        ? `warm engine (sessions built, vision runtime warmed on a 56×56 picture): a random ${SCREENSHOT.width}×${SCREENSHOT.height} screenshot in a chat prompt, preprocessing, vision encoder and the prefill of its ${screenshot.promptTokens} prompt tokens, to the first token`
        : 'the package has no vision encoder',
      peakRssMB: `the RSS high-water mark (VmHWM) ${memory.peakSince === 'reset' ? 'since just before the engine opened' : 'of the whole process (it could not be reset)'}, read right after the decode runs, in MiB; rssMB is the RSS at that moment`,
      beforeOpenRssMB: "the RSS just before the engine opened (the CLI's and the bench's own modules): peakRssMB less this is what the engine itself took at its peak",
      workingSetMB: `weights the engine held loaded at that moment (the sessions built, the experts the pools hold), out of ${(packageBytes / MB).toFixed(0)} MiB in the package`,
      expertsPerRun: `how each timed run (prompt and decode) ran its routed experts: ${expertWays.join('; ')}`,
      pools: JSON.stringify(stats.experts.pools.map((p) => ({ device: p.device, form: p.form, budgetMB: p.budgetBytes / MB, hitRate: +hitRate(p).toFixed(3) }))),
      cacheHitRate: `the engine's own routing during this benchmark (every forward pass in order: ${trace.length} tokens, a prefill's tokens one by one), replayed through the frequency-aware policy from empty at ${budgetLine}; no prediction`,
      lruHitRate: 'the same trace and budget through LRU',
      routingSkew: "how unevenly the engine's routing used the experts: the share of uses that went to the hottest quarter of each layer's experts (0.25 if uniform) and the entropy of expert use over log(experts) (1 if uniform); random weights give little skew for a cache policy to exploit",
      synthetic: `SYNTHETIC, not the engine's routing: ${synthetic.trace}; each policy without a prediction and with the same prediction prefetched`,
    },
  };
}

type ExpertStats = ReturnType<MoeEngine['stats']>['experts'];

/** Between two readings of the expert stats: how the pools ran their experts, and how the experts outside them ran. */
function expertWaysOf(before: ExpertStats, after: ExpertStats): string {
  const pools = (pick: (p: ExpertStats['pools'][number]) => number) => after.pools.reduce((n, p) => n + pick(p), 0) - before.pools.reduce((n, p) => n + pick(p), 0);
  const outside = after.transientRuns - before.transientRuns;
  const stored = after.storedRuns - before.storedRuns;
  return (
    `in the pools ${pools((p) => p.runs)} runs (${pools((p) => p.storedRuns)} of them by the int4 kernel on stored bytes), ${pools((p) => p.misses - p.bypasses)} experts admitted, ${pools((p) => p.builds)} sessions built; ` +
    `outside them ${outside} runs (${stored} by the int4 kernel, ${outside - stored} in a session built for that use), ${(after.transientMs - before.transientMs).toFixed(0)} ms`
  );
}

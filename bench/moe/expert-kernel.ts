// `loupe bench expert-kernel`: one routed expert of the bench model (hidden 2048, expert width
// 1408, int4 block 32) on one decoded token, run each way the engine can run it: its onnxruntime
// session (1 and 2 threads), the session's build (what an expert no pool admits used to cost on
// every use), and the int4 kernel on the stored bytes, with the weights already in its memory
// and read from the (page-cached) package file on each call. Median ms a call, and the stored
// bytes a call reads over that time.
import { openPackage } from '../../engine/moe/package.ts';
import { expertStem, mlpGraph } from '../../engine/moe/runtime/graphs.ts';
import { OrtSession, tensor } from '../../engine/moe/runtime/ort-session.ts';
import { packageWeights } from '../../engine/moe/runtime/package-weights.ts';
import { StoredExperts } from '../../engine/moe/runtime/stored-expert.ts';
import { benchModel } from './bench-model.ts';
import { median, round } from '../stats.ts';

export interface ExpertKernelBenchOptions {
  modelDir?: string;
  cacheDir: string;
  /** Timed calls of each way (builds: a tenth of them). */
  calls: number;
  onLine: (line: string) => void;
}

export interface WayFigures {
  medianMs: number;
  /** Stored bytes a call reads ÷ the median time. */
  gbPerS: number;
}

export interface ExpertKernelBenchResult {
  expert: string;
  hidden: number;
  expertWidth: number;
  storedBytesPerExpert: number;
  calls: number;
  /** Per MatMulNBits accuracy level (4: int8 activations, 0: float32). */
  accuracy: Record<'4' | '0', Record<'session1Thread' | 'session2Threads' | 'sessionBuild' | 'kernelLoaded' | 'kernelFromFile', WayFigures>>;
  kernel2Threads: string;
}

function timed(calls: number, run: () => void): number {
  run(); // the first call pays for allocations and page faults
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export async function runExpertKernelBench(options: ExpertKernelBenchOptions): Promise<ExpertKernelBenchResult> {
  const pkg = openPackage(options.modelDir ?? (await benchModel(options.cacheDir, options.onLine)));
  try {
    const c = pkg.config.text_config;
    const weights = packageWeights(pkg);
    const layer = c.first_k_dense_replace;
    const stem = expertStem(layer, 0);
    const bytes = ['gate_proj', 'up_proj', 'down_proj'].reduce((n, p) => n + pkg.storedBytes(`${stem}.${p}.weight`), 0);
    const x = Float32Array.from({ length: c.hidden_size }, (_, i) => Math.sin(i));
    const figures = (ms: number): WayFigures => ({ medianMs: round(ms, 4), gbPerS: round(bytes / (ms / 1000) / 1e9, 2) });
    const accuracy = {} as ExpertKernelBenchResult['accuracy'];
    for (const level of [4, 0] as const) {
      const graph = () => mlpGraph(weights, c, stem, { accuracyLevel: level });
      const session = (threads: number) => {
        const s = OrtSession.of(graph(), { device: 'cpu', threads }, stem);
        const ms = timed(options.calls, () => s.run({ x: tensor(x, [1, c.hidden_size]) }));
        s.release();
        return ms;
      };
      const experts = new StoredExperts(weights, level);
      const placed = experts.load(stem);
      accuracy[level] = {
        session1Thread: figures(session(1)),
        session2Threads: figures(session(2)),
        sessionBuild: figures(timed(Math.max(3, Math.round(options.calls / 10)), () => OrtSession.of(graph(), { device: 'cpu', threads: 1 }, stem).release())),
        kernelLoaded: figures(timed(options.calls, () => experts.apply(placed, x, 1))),
        kernelFromFile: figures(timed(options.calls, () => experts.run(stem, x, 1))),
      };
      experts.close();
      for (const [way, f] of Object.entries(accuracy[level])) options.onLine(`accuracy ${level}  ${way.padEnd(16)} ${f.medianMs.toFixed(3).padStart(8)} ms  ${f.gbPerS.toFixed(2).padStart(6)} GB/s`);
    }
    return {
      expert: stem,
      hidden: c.hidden_size,
      expertWidth: c.moe_intermediate_size,
      storedBytesPerExpert: bytes,
      calls: options.calls,
      accuracy,
      kernel2Threads: 'not built: the kernel runs in one thread (the engine runs one expert shard per thread)',
    };
  } finally {
    pkg.close();
  }
}

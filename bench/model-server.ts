// `loupe bench swarm`: a model server's swarm against the scripted chat server (a real HTTP
// server on loopback answering from a script): how many segments are lost under injected faults
// (429s, timeouts, garbage answers), and how much faster segments go in parallel than one by
// one. The pages are synthetic (stacked blocks, testing/model-server/synthetic-page.ts) and the
// server's latency is set, so the figures measure the orchestration, not a model.
import { clientFor, writeWithModelServer, type ModelServerRun } from '../engine/model-server/write.ts';
import type { RenderPool } from '../engine/render/pool.ts';
import { startScriptedServer, type ScriptedReply } from '../testing/openai/scripted-server.ts';
import { answerFor, blankPng, blockOf, syntheticPage } from '../testing/model-server/synthetic-page.ts';
import { median } from '../engine/stats.ts';

export interface SwarmBenchOptions {
  /** Segments in the fault run (pages of `blocksPerPage` blocks). */
  segments: number;
  blocksPerPage: number;
  concurrency: number;
  /** The scripted server's answer latency, ms. */
  latencyMs: number;
  /** Shares of requests answered with a 429, a hang (the client times out) and garbage. */
  faults: { rateLimited: number; timeout: number; garbage: number };
  /** Timed runs of the speed-up comparison (the median is reported). */
  repeats: number;
  pool: RenderPool;
  onLine?: (line: string) => void;
}

export interface SwarmBenchResult {
  faultRun: { segments: number; fromModel: number; fellBack: number; lost: number; requests: number; injected: Record<string, number>; reasons: Record<string, number> };
  speedUp: { segments: number; concurrency: number; latencyMs: number; sequentialMs: number; parallelMs: number; ratio: number; ideal: number; ratioOverConcurrency: number };
}

export async function runSwarmBench(o: SwarmBenchOptions): Promise<SwarmBenchResult> {
  const faultRun = await faultRunOf(o);
  o.onLine?.(`fault run: ${faultRun.segments} segments, ${faultRun.fromModel} from the model, ${faultRun.fellBack} fell back to perception, ${faultRun.lost} lost; ${faultRun.requests} requests (injected ${JSON.stringify(faultRun.injected)})`);
  const speedUp = await speedUpOf(o);
  o.onLine?.(`speed-up: ${speedUp.segments} segments at ${speedUp.latencyMs} ms each: sequential ${speedUp.sequentialMs} ms, concurrency ${speedUp.concurrency} ${speedUp.parallelMs} ms, ×${speedUp.ratio} (${speedUp.ratioOverConcurrency} × C; ideal ×${speedUp.ideal})`);
  return { faultRun, speedUp };
}

/** Pages through the swarm until `segments` segments have gone, with faults drawn from a seeded generator. */
async function faultRunOf(o: SwarmBenchOptions): Promise<SwarmBenchResult['faultRun']> {
  const random = seeded(1);
  const injected = { rateLimited: 0, timeout: 0, garbage: 0, answered: 0 };
  const server = await startScriptedServer((request): ScriptedReply => {
    const r = random();
    const { rateLimited, timeout, garbage } = o.faults;
    if (r < rateLimited) return injected.rateLimited++, { kind: 'status', status: 429, retryAfterS: 1 };
    if (r < rateLimited + timeout) return injected.timeout++, { kind: 'hang' };
    if (r < rateLimited + timeout + garbage) return injected.garbage++, { kind: 'garbage', latencyMs: o.latencyMs };
    injected.answered++;
    return { kind: 'answer', content: answerFor(blockOf(request.text) ?? 'unknown'), latencyMs: o.latencyMs };
  });
  const totals = { segments: 0, fromModel: 0, fellBack: 0, lost: 0, requests: 0 };
  const reasons: Record<string, number> = {};
  try {
    for (let page = 0; totals.segments < o.segments; page++) {
      const blocks = Math.min(o.blocksPerPage, o.segments - totals.segments);
      const { segments, html, requests } = await swarmPage(server.baseUrl, page, blocks, o.concurrency, 1000, o.pool);
      totals.requests += requests;
      for (const [i, s] of segments.entries()) {
        totals.segments++;
        const title = `Block ${i} of page ${page}`;
        // Lost: the page holds neither the model's markup for the segment nor perception's text of it.
        const fromModel = html.includes(`data-answer="${title}"`);
        const fromPerception = !fromModel && html.includes(title);
        if (s.state === 'model' && fromModel) totals.fromModel++;
        else if (s.state === 'perception' && fromPerception) {
          totals.fellBack++;
          const reason = (s.reason ?? '').replace(/\d+(\.\d+)?/g, 'N').slice(0, 80);
          reasons[reason] = (reasons[reason] ?? 0) + 1;
        } else totals.lost++;
      }
    }
  } finally {
    await server.close();
  }
  return { ...totals, injected, reasons };
}

async function speedUpOf(o: SwarmBenchOptions): Promise<SwarmBenchResult['speedUp']> {
  const server = await startScriptedServer((request) => ({ kind: 'answer', content: answerFor(blockOf(request.text) ?? 'unknown'), latencyMs: o.latencyMs }));
  const sequential: number[] = [];
  const parallel: number[] = [];
  const segments = o.concurrency * 6;
  try {
    // Interleaved, so that drift on a shared machine falls on both alike.
    for (let i = 0; i < o.repeats; i++) {
      for (const [concurrency, into] of [[1, sequential], [o.concurrency, parallel]] as const) {
        const started = performance.now();
        await swarmPage(server.baseUrl, i, segments, concurrency, 10_000, o.pool);
        into.push(performance.now() - started);
      }
    }
  } finally {
    await server.close();
  }
  const [s, p] = [median(sequential), median(parallel)];
  const ratio = s / p;
  return { segments, concurrency: o.concurrency, latencyMs: o.latencyMs, sequentialMs: Math.round(s), parallelMs: Math.round(p), ratio: round(ratio), ideal: o.concurrency, ratioOverConcurrency: round(ratio / o.concurrency) };
}

async function swarmPage(baseUrl: string, page: number, blocks: number, concurrency: number, timeoutMs: number, pool: RenderPool) {
  const design = syntheticPage(page, blocks);
  const designPng = await blankPng(design);
  const run: ModelServerRun = { kind: 'openai', server: { kind: 'openai', baseUrl, model: 'scripted', strategy: 'swarm', concurrency, timeoutMs } };
  const client = clientFor(run);
  const { width, height } = design.viewport;
  const written = await writeWithModelServer({
    image: { name: `synthetic-${page}.png`, width, height, rgba: Buffer.alloc(0) },
    designPng,
    design,
    blocks: [],
    stack: 'html-css',
    pool,
    run,
    client,
  });
  const html = String(written.generated.code.files.find((f) => f.path === 'index.html')!.contents);
  return { segments: written.segments, html, requests: client.stats.requests };
}

/** mulberry32: the same faults on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (v: number) => Math.round(v * 100) / 100;

// The routed experts of a layer, split into two shards by expert id (even, odd), each with its
// own expert store holding half of every pool's budget. One decoding thread reads weights at
// about half the rate the memory can deliver, so the odd shard can run in a second thread
// (expert-shard-worker.ts) while the decoding thread runs the even one: the experts of a token
// are read by both cores at once. Each shard sums its experts in id order and the two sums are
// added in shard order, so the result is the same whether the odd shard runs here or there.
import { receiveMessageOnPort, MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { TextConfig } from '../config.ts';
import { expertKey, type ExpertKey } from '../expert-cache.ts';
import { startTsWorker } from '../../threads/ts-worker.ts';
import type { EngineOptions } from './engine.ts';
import { ExpertStore, type PoolOptions } from './expert-store.ts';
import { expertStem, mlpGraph, type GraphOptions } from './graphs.ts';
import type { DecoderWeights } from './decoder.ts';
import { tensor } from './ort-session.ts';

export const SHARDS = 2;
export const shardOf = (expert: number) => expert % SHARDS;

/** One expert's work in a layer: the rows routed to it and their weights. */
export interface ExpertUse {
  expert: number;
  rows: number[];
  weights: number[];
}

/** Each shard's pools: the same devices and policies, half the budget. */
export const shardPools = (pools: readonly PoolOptions[]): PoolOptions[] => pools.map((p) => ({ ...p, budgetBytes: Math.floor(p.budgetBytes / SHARDS) }));

export function shardStore(weights: DecoderWeights, c: TextConfig, pools: readonly PoolOptions[], graph: GraphOptions, threads: number): ExpertStore {
  return new ExpertStore(
    {
      build: (layer, e) => mlpGraph(weights, c, expertStem(layer, e), graph),
      bytes: (layer, e) => ['gate_proj', 'up_proj', 'down_proj'].reduce((sum, p) => sum + weights.storedBytes(`${expertStem(layer, e)}.${p}.weight`), 0),
    },
    shardPools(pools),
    threads,
  );
}

/** Σ weight · expert(row) over `uses` (in expert id order) as [rows, hidden], and the weight bytes read. */
export function runShard(store: ExpertStore, layer: number, uses: readonly ExpertUse[], y: Float32Array, rows: number, hidden: number): { sum: Float32Array; bytes: number } {
  const sum = new Float32Array(rows * hidden);
  const step = new Set<ExpertKey>(uses.map((u) => expertKey(layer, u.expert)));
  let bytes = 0;
  for (const u of [...uses].sort((a, b) => a.expert - b.expert)) {
    const x = new Float32Array(u.rows.length * hidden);
    u.rows.forEach((r, i) => x.set(y.subarray(r * hidden, (r + 1) * hidden), i * hidden));
    const out = store.run(layer, u.expert, step, (session) => session.run({ x: tensor(x, [u.rows.length, hidden]) }).out!.data as Float32Array);
    bytes += store.bytesOf(layer, u.expert);
    u.rows.forEach((r, i) => {
      const w = u.weights[i]!;
      for (let d = 0; d < hidden; d++) sum[r * hidden + d]! += w * out[i * hidden + d]!;
    });
  }
  return { sum, bytes };
}

// Shared memory layout: control words, the job (layer, uses as expert/count/rows), the job's
// weights, the input rows and the output sums.
const CONTROL = { command: 0, done: 1, bytesLow: 2, bytesHigh: 3 } as const;
export const COMMAND = { idle: 0, job: 1, stats: 2, stop: 3 } as const;

export interface ShardBuffers {
  control: SharedArrayBuffer;
  job: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
}

export function shardBuffers(maxRows: number, topK: number, hidden: number): ShardBuffers {
  const entries = maxRows * topK;
  return {
    control: new SharedArrayBuffer(4 * 4),
    job: new SharedArrayBuffer(4 * (3 + 2 * entries + entries)),
    weights: new SharedArrayBuffer(4 * entries),
    input: new SharedArrayBuffer(4 * maxRows * hidden),
    output: new SharedArrayBuffer(4 * maxRows * hidden),
  };
}

/** Job layout in Int32: [layer, rows, uses, then per use: expert, count, rows…]; weights in order. */
export function writeJob(b: ShardBuffers, layer: number, rows: number, uses: readonly ExpertUse[]): void {
  const job = new Int32Array(b.job);
  const weights = new Float32Array(b.weights);
  job[0] = layer;
  job[1] = rows;
  job[2] = uses.length;
  let at = 3;
  let w = 0;
  for (const u of uses) {
    job[at++] = u.expert;
    job[at++] = u.rows.length;
    for (let i = 0; i < u.rows.length; i++) {
      job[at++] = u.rows[i]!;
      weights[w++] = u.weights[i]!;
    }
  }
}

export function readJob(b: ShardBuffers): { layer: number; rows: number; uses: ExpertUse[] } {
  const job = new Int32Array(b.job);
  const weights = new Float32Array(b.weights);
  const uses: ExpertUse[] = [];
  let at = 3;
  let w = 0;
  for (let k = 0; k < job[2]!; k++) {
    const expert = job[at++]!;
    const count = job[at++]!;
    const rows = Array.from(job.subarray(at, at + count));
    at += count;
    uses.push({ expert, rows, weights: Array.from(weights.subarray(w, w + count)) });
    w += count;
  }
  return { layer: job[0]!, rows: job[1]!, uses };
}

/** The odd shard in a worker thread, driven through shared memory (no event-loop turn per layer). */
export class ShardWorker {
  private readonly control: Int32Array;
  private buffers: ShardBuffers;
  private maxRows: number;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    buffers: ShardBuffers,
    maxRows: number,
    private readonly topK: number,
    private readonly hidden: number,
  ) {
    this.buffers = buffers;
    this.maxRows = maxRows;
    this.control = new Int32Array(buffers.control);
  }

  /** Starts the worker on the model package in `dir`; resolves once it has opened it. */
  static async start(dir: string, options: EngineOptions, pools: readonly PoolOptions[], c: TextConfig): Promise<ShardWorker> {
    const maxRows = 64;
    const buffers = shardBuffers(maxRows, c.num_experts_per_tok, c.hidden_size);
    const { port1, port2 } = new MessageChannel();
    const worker = startTsWorker(new URL('./expert-shard-worker.ts', import.meta.url), { dir, options, pools, buffers });
    worker.postMessage({ port: port2 }, [port2]);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(`the expert worker could not start: ${m.error}`))));
      worker.once('error', reject);
    });
    return new ShardWorker(worker, port1, buffers, maxRows, c.num_experts_per_tok, c.hidden_size);
  }

  private command(command: number): void {
    Atomics.store(this.control, CONTROL.done, 0);
    Atomics.store(this.control, CONTROL.command, command);
    Atomics.notify(this.control, CONTROL.command);
  }

  private wait(): void {
    while (Atomics.load(this.control, CONTROL.done) === 0) Atomics.wait(this.control, CONTROL.done, 0);
  }

  /** Hands the worker its experts for this layer; returns at once. */
  submit(layer: number, uses: readonly ExpertUse[], y: Float32Array, rows: number): void {
    if (rows > this.maxRows) this.grow(rows);
    new Float32Array(this.buffers.input).set(y.subarray(0, rows * this.hidden));
    writeJob(this.buffers, layer, rows, uses);
    this.command(COMMAND.job);
  }

  /** Waits for the submitted job: the shard's sums [rows, hidden] and the weight bytes it read. */
  result(rows: number): { sum: Float32Array; bytes: number } {
    this.wait();
    const bytes = Atomics.load(this.control, CONTROL.bytesLow) + Atomics.load(this.control, CONTROL.bytesHigh) * 2 ** 32;
    return { sum: new Float32Array(this.buffers.output, 0, rows * this.hidden).slice(), bytes };
  }

  /** Larger buffers for a longer prompt, handed to the worker before its next job. */
  private grow(rows: number): void {
    this.maxRows = Math.max(rows, this.maxRows * 2);
    const next = shardBuffers(this.maxRows, this.topK, this.hidden);
    // The control words stay where the worker waits on them.
    next.control = this.buffers.control;
    this.buffers = next;
    this.port.postMessage({ buffers: next });
    // The worker takes the new buffers when it next wakes: make it wake for nothing first.
    this.command(COMMAND.idle);
    this.wait();
  }

  stats(): ReturnType<ExpertStore['stats']> {
    this.command(COMMAND.stats);
    this.wait();
    return receiveMessageOnPort(this.port)!.message as ReturnType<ExpertStore['stats']>;
  }

  close(): Promise<number> {
    this.command(COMMAND.stop);
    return new Promise((resolve) => this.worker.once('exit', resolve));
  }
}

export { CONTROL };

// The routed experts of a layer, split into shards by expert id (expert e in shard e mod S), one
// shard per core: shard 0 runs in the decoding thread, each other one in a worker thread of its
// own (expert-shard-worker.ts), each with its own expert store holding its share of every pool's
// budget. One thread reads weights at about half the rate the memory can deliver, so a token's
// experts are read by every core at once. Each shard hands back every expert's own output, and
// the decoding thread weighs and adds them in expert id order, so the result is the same bit for
// bit whatever the number of shards.
import { receiveMessageOnPort, MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { isMoeLayer, type TextConfig } from '../config.ts';
import { expertKey, type ExpertKey } from '../expert-cache.ts';
import { startTsWorker } from '../../threads/ts-worker.ts';
import type { EngineOptions } from './engine.ts';
import { ExpertStore, type PoolOptions } from './expert-store.ts';
import { expertStem, mlpGraph, type GraphOptions } from './graphs.ts';
import type { DecoderWeights } from './decoder.ts';
import { StoredExperts } from './stored-expert.ts';

/** One expert's work in a layer: the rows routed to it and their weights. */
export interface ExpertUse {
  expert: number;
  rows: number[];
  weights: number[];
}

/** Each shard's pools: the same devices and policies, an equal share of each budget. */
export const shardPools = (pools: readonly PoolOptions[], shards: number): PoolOptions[] => pools.map((p) => ({ ...p, budgetBytes: Math.floor(p.budgetBytes / shards) }));

/** Splits a layer's expert uses (in expert id order) by shard. */
export function byShard(uses: readonly ExpertUse[], shards: number): ExpertUse[][] {
  const parts = Array.from({ length: shards }, (): ExpertUse[] => []);
  for (const u of uses) parts[u.expert % shards]!.push(u);
  return parts;
}

/**
 * A shard's expert store; its sessions get the threads the shards leave (one each when there is
 * a shard per core). Experts no pool admits run from their stored bytes in the shard's own kernel
 * (on up to STORED_MAX_ROWS rows; more rows build a session for that use).
 */
export function shardStore(weights: DecoderWeights, c: TextConfig, pools: readonly PoolOptions[], graph: GraphOptions, shards: number, threads: number): ExpertStore {
  const stored = new StoredExperts(weights, graph.accuracyLevel);
  const bytes = (layer: number, e: number) => expertBytes(weights, layer, e);
  return new ExpertStore(
    {
      build: (layer, e) => mlpGraph(weights, c, expertStem(layer, e), graph),
      bytes,
      runStored: (layer, e, x, rows) => (stored.takes(expertStem(layer, e), rows) ? stored.run(expertStem(layer, e), x, rows) : undefined),
      runHeld: (layer, e, x, rows) => (stored.takes(expertStem(layer, e), rows) ? stored.runHeld(expertStem(layer, e), x, rows) : undefined),
      kernelTakes: (layer, e) => stored.takes(expertStem(layer, e), 1),
      drop: (layer, e) => stored.drop(expertStem(layer, e)),
      kernelBytes: () => stored.weightBytes(),
      close: () => stored.close(),
    },
    shardPools(pools, shards),
    Math.max(1, Math.floor(threads / shards)),
    routedExpertBytes(weights, c) / shards,
  );
}

/** The stored bytes of one routed expert's three weights. */
const expertBytes = (weights: DecoderWeights, layer: number, e: number) => ['gate_proj', 'up_proj', 'down_proj'].reduce((sum, p) => sum + weights.storedBytes(`${expertStem(layer, e)}.${p}.weight`), 0);

/** The stored bytes of every routed expert of the model. */
export function routedExpertBytes(weights: DecoderWeights, c: TextConfig): number {
  let all = 0;
  for (let layer = 0; layer < c.num_hidden_layers; layer++) if (isMoeLayer(c, layer)) for (let e = 0; e < c.n_routed_experts; e++) all += expertBytes(weights, layer, e);
  return all;
}

/**
 * Runs each use's expert on its rows of y [rows, hidden], writing the outputs one after another
 * (use by use, row by row) into `out`; returns the weight bytes read.
 */
export function runShard(store: ExpertStore, layer: number, uses: readonly ExpertUse[], y: Float32Array, hidden: number, out: Float32Array): number {
  const step = new Set<ExpertKey>(uses.map((u) => expertKey(layer, u.expert)));
  let bytes = 0;
  let at = 0;
  for (const u of uses) {
    const x = new Float32Array(u.rows.length * hidden);
    u.rows.forEach((r, i) => x.set(y.subarray(r * hidden, (r + 1) * hidden), i * hidden));
    out.set(store.run(layer, u.expert, step, x, u.rows.length, hidden), at);
    at += u.rows.length * hidden;
    bytes += store.bytesOf(layer, u.expert);
  }
  return bytes;
}

/** Rows × hidden values a shard's outputs take for `uses`. */
export const outputLength = (uses: readonly ExpertUse[], hidden: number) => uses.reduce((n, u) => n + u.rows.length, 0) * hidden;

// Shared memory layout: control words, the job (layer, uses as expert/count/rows), the input rows
// and the experts' outputs.
const CONTROL = { command: 0, done: 1, bytesLow: 2, bytesHigh: 3 } as const;
export const COMMAND = { idle: 0, job: 1, stats: 2, stop: 3 } as const;

export interface ShardBuffers {
  control: SharedArrayBuffer;
  job: SharedArrayBuffer;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
}

export function shardBuffers(maxRows: number, topK: number, hidden: number): ShardBuffers {
  const entries = maxRows * topK;
  return {
    control: new SharedArrayBuffer(4 * 4),
    job: new SharedArrayBuffer(4 * (2 + 2 * entries + entries)),
    input: new SharedArrayBuffer(4 * maxRows * hidden),
    output: new SharedArrayBuffer(4 * entries * hidden),
  };
}

/** Job layout in Int32: [layer, uses, then per use: expert, count, rows…]. */
export function writeJob(b: ShardBuffers, layer: number, uses: readonly ExpertUse[]): void {
  const job = new Int32Array(b.job);
  job[0] = layer;
  job[1] = uses.length;
  let at = 2;
  for (const u of uses) {
    job[at++] = u.expert;
    job[at++] = u.rows.length;
    for (const r of u.rows) job[at++] = r;
  }
}

/** The job as the worker reads it; the weights stay with the decoding thread, which applies them. */
export function readJob(b: ShardBuffers): { layer: number; uses: ExpertUse[] } {
  const job = new Int32Array(b.job);
  const uses: ExpertUse[] = [];
  let at = 2;
  for (let k = 0; k < job[1]!; k++) {
    const expert = job[at++]!;
    const count = job[at++]!;
    uses.push({ expert, rows: Array.from(job.subarray(at, at + count)), weights: [] });
    at += count;
  }
  return { layer: job[0]!, uses };
}

/** One shard in a worker thread, driven through shared memory (no event-loop turn per layer). */
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

  /** Starts the worker on the model package in `dir`, as one of `shards`; resolves once it has opened it. */
  static async start(dir: string, options: EngineOptions, pools: readonly PoolOptions[], c: TextConfig, shards: number, threads: number): Promise<ShardWorker> {
    const maxRows = 64;
    const buffers = shardBuffers(maxRows, c.num_experts_per_tok, c.hidden_size);
    const { port1, port2 } = new MessageChannel();
    const worker = startTsWorker(new URL('./expert-shard-worker.ts', import.meta.url), { dir, options, pools, shards, threads, buffers });
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
    writeJob(this.buffers, layer, uses);
    this.command(COMMAND.job);
  }

  /** Waits for the submitted job: the experts' outputs (as runShard writes them) and the weight bytes read. */
  result(uses: readonly ExpertUse[]): { out: Float32Array; bytes: number } {
    this.wait();
    const bytes = Atomics.load(this.control, CONTROL.bytesLow) + Atomics.load(this.control, CONTROL.bytesHigh) * 2 ** 32;
    return { out: new Float32Array(this.buffers.output, 0, outputLength(uses, this.hidden)), bytes };
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

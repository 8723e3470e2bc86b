// A shard's thread: opens the model package, keeps its own expert store, and runs the jobs
// the decoding thread writes into shared memory, waking on an Atomics notify rather than a
// message, so a layer's hand-over costs microseconds.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { openPackage } from '../package.ts';
import type { EngineOptions } from './engine.ts';
import { packageWeights } from './package-weights.ts';
import { COMMAND, CONTROL, readJob, runShard, shardStore, type ShardBuffers } from './expert-shards.ts';
import type { PoolOptions } from './expert-store.ts';

const { dir, options, pools, shards, threads } = workerData as { dir: string; options: EngineOptions; pools: PoolOptions[]; shards: number; threads: number; buffers: ShardBuffers };
let buffers = (workerData as { buffers: ShardBuffers }).buffers;
const control = new Int32Array(buffers.control);

parentPort!.once('message', ({ port }: { port: MessagePort }) => {
  try {
    const pkg = openPackage(dir);
    const c = pkg.config.text_config;
    const store = shardStore(packageWeights(pkg), c, pools, { accuracyLevel: options.accuracyLevel ?? 4 }, shards, threads);
    parentPort!.postMessage({ ready: true });
    // A layer no later than the last one starts the next token: the pools' clocks advance then, as the decoding thread's do once a token.
    let lastLayer = Infinity;
    for (;;) {
      Atomics.wait(control, CONTROL.command, COMMAND.idle);
      const command = Atomics.exchange(control, CONTROL.command, COMMAND.idle);
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) buffers = (m.message as { buffers: ShardBuffers }).buffers;
      if (command === COMMAND.stop) {
        store.release();
        pkg.close();
        break;
      }
      if (command === COMMAND.job) {
        const { layer, uses } = readJob(buffers);
        if (layer <= lastLayer && lastLayer !== Infinity) store.tick();
        lastLayer = layer;
        const bytes = runShard(store, layer, uses, new Float32Array(buffers.input), c.hidden_size, new Float32Array(buffers.output));
        Atomics.store(control, CONTROL.bytesLow, bytes % 2 ** 32);
        Atomics.store(control, CONTROL.bytesHigh, Math.floor(bytes / 2 ** 32));
      } else if (command === COMMAND.stats) port.postMessage(store.stats());
      Atomics.store(control, CONTROL.done, 1);
      Atomics.notify(control, CONTROL.done);
    }
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  port.close();
});

// onnxruntime sessions run synchronously. The public `session.run` only defers the same native
// call to the next turn of the event loop, which costs 20–30 µs a call; a decoded token makes
// about ten calls per layer, so the engine calls the native binding directly (onnxruntime-node
// is pinned to 1.30.x for that). The engine runs in a worker thread, where blocking is fine.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import type { Binding } from 'onnxruntime-node/dist/binding.js';
import { LoupeError } from '../../errors.ts';
import { buildModel, node } from '../onnx-graph.ts';

const require = createRequire(import.meta.url);
const { binding, initOrt } = require('onnxruntime-node/dist/binding.js') as typeof import('onnxruntime-node/dist/binding.js');

export type Feeds = Record<string, ort.Tensor>;
export type Fetched = Record<string, ort.Tensor>;

/** Where a session runs: the CPU, or an accelerator's execution provider. */
export type Device = 'cpu' | 'cuda' | 'webgpu';

export interface SessionOptions {
  device: Device;
  /** Threads of the session's own pool; 1 lets several sessions run side by side in workers. */
  threads: number;
  /** The folder the model's external initializers are relative to (a model given as bytes has none of its own). */
  externalFolder?: string;
}

const PROVIDERS: Record<Device, string> = { cpu: 'cpu', cuda: 'cuda', webgpu: 'webgpu' };

// Failures reach the engine as exceptions with onnxruntime's message; its own log would only
// repeat them on stderr (a missing CUDA library is a normal answer to "is there a GPU?").
ort.env.logLevel = 'fatal';

let probed: Device[] | undefined;

const CUDA_PROVIDER: Partial<Record<NodeJS.Platform, string>> = { linux: 'libonnxruntime_providers_cuda.so', win32: 'onnxruntime_providers_cuda.dll' };

/**
 * The accelerators usable here (the CPU always is): each is tried with a one-node model, since
 * the build lists CUDA and WebGPU whether or not this machine has their drivers. WebGPU on Linux
 * goes through Vulkan, whose absence the WebGPU runtime reports on stderr itself, so there it is
 * used only when asked for by name.
 */
export function availableDevices(): Device[] {
  if (!probed) {
    const add = buildModel({
      nodes: [node('Add', ['a', 'a'], ['b'])],
      inputs: [{ name: 'a', type: 'float32', dims: [1] }],
      outputs: [{ name: 'b', type: 'float32', dims: [1] }],
    });
    // CUDA's provider ships only when onnxruntime-node's install downloaded it (see the README);
    // without its library there is nothing to try, and trying only logs the failure.
    const cuda = existsSync(join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch, CUDA_PROVIDER[process.platform] ?? ''));
    const candidates: Device[] = [...(cuda ? (['cuda'] as const) : []), ...(process.platform === 'linux' ? [] : (['webgpu'] as const))];
    probed = candidates.filter((device) => {
      try {
        new OrtSession(add, { device, threads: 1 }, 'a probe').release();
        return true;
      } catch {
        return false;
      }
    });
  }
  return probed;
}

export class OrtSession {
  private readonly session: Binding.InferenceSession;
  private readonly fetches: Record<string, null>;
  readonly inputNames: string[];
  readonly outputNames: string[];

  constructor(
    model: Uint8Array,
    readonly options: SessionOptions,
    /** For messages: what the session computes. */
    readonly what: string,
  ) {
    initOrt();
    this.session = new binding.InferenceSession();
    try {
      this.session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
        executionProviders: [PROVIDERS[options.device]],
        intraOpNumThreads: options.threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // Hundreds of sessions each keeping an arena for their few activations cost more memory than
        // allocating them afresh costs time (measured: 130 MB less on the bench model, no slower).
        enableCpuMemArena: false,
        // Many small sessions each with spinning threads starve each other on a few cores.
        extra: { session: { intra_op: { allow_spinning: '0' }, ...(options.externalFolder ? { model_external_initializers_file_folder_path: options.externalFolder } : {}) } },
      });
    } catch (error) {
      throw new LoupeError('MODEL_UNSUPPORTED', `onnxruntime could not load ${what} on ${options.device}: ${(error as Error).message}`, { cause: error });
    }
    this.inputNames = this.session.inputMetadata.map((m) => m.name);
    this.outputNames = this.session.outputMetadata.map((m) => m.name);
    this.fetches = Object.fromEntries(this.outputNames.map((n) => [n, null]));
  }

  run(feeds: Feeds): Fetched {
    return this.session.run(feeds, this.fetches, {}) as Fetched;
  }

  release(): void {
    this.session.dispose();
  }
}

export const tensor = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);
export const int64Tensor = (values: readonly number[], dims: readonly number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);

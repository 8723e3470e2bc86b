// onnxruntime sessions run synchronously. The public `session.run` only defers the same native
// call to the next turn of the event loop, which costs 20–30 µs a call; a decoded token makes
// about ten calls per layer, so the engine calls the native binding directly (onnxruntime-node
// is pinned to 1.30.x for that). The engine runs in a worker thread, where blocking is fine.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import './ort-offline.ts';
import ort from 'onnxruntime-node';
import type { Binding } from 'onnxruntime-node/dist/binding.js';
import { LoupeError } from '../../errors.ts';
import onnxProto from 'onnx-proto';
import { buildModel, node } from '../onnx-graph.ts';

const require = createRequire(import.meta.url);
const { onnx } = onnxProto;
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

/**
 * What the binding is given for a session. On an accelerator, onnxruntime would quietly run any
 * node its provider has no kernel for on the CPU, copying tensors across at every such node,
 * and the work would still count as the accelerator's: disable_cpu_ep_fallback makes the load
 * fail instead, so a graph runs wholly where it was placed or not at all.
 */
export function sessionOptionsFor(options: SessionOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [PROVIDERS[options.device]],
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Hundreds of sessions each keeping an arena for their few activations cost more memory than
    // allocating them afresh costs time (measured: 130 MB less on the bench model, no slower).
    enableCpuMemArena: false,
    extra: {
      session: {
        // Many small sessions each with spinning threads starve each other on a few cores.
        intra_op: { allow_spinning: '0' },
        ...(options.device === 'cpu' ? {} : { disable_cpu_ep_fallback: '1' }),
        ...(options.externalFolder ? { model_external_initializers_file_folder_path: options.externalFolder } : {}),
      },
    },
  };
}

const NO_KERNEL = /Could not find an implementation for (\S+)\((\d+)\) node with name '([^']*)'/;
const FALLBACK_REFUSED = /assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled/;

/** The distinct operators of a model (domain-qualified outside the default one), in graph order. */
export function operatorsOf(model: Uint8Array): string[] {
  const graph = onnx.ModelProto.decode(model).graph;
  return [...new Set((graph?.node ?? []).map((n) => (n.domain ? `${n.domain}.${n.opType}` : n.opType!)))];
}

/**
 * onnxruntime's reason, put so that a person knows which node or operator the device cannot
 * run. A node with no kernel anywhere is named in onnxruntime's own message; a refused CPU
 * fallback is not (onnxruntime logs the nodes it placed on the CPU only at its verbose level),
 * so the graph's operators are listed: one of them has no kernel on that device.
 */
export function explainLoadFailure(message: string, device: Device, model: Uint8Array): string {
  const missing = NO_KERNEL.exec(message);
  if (missing) return `node '${missing[3]}' (operator ${missing[1]}, opset ${missing[2]}) has no ${device} kernel. (${message})`;
  if (FALLBACK_REFUSED.test(message)) {
    return `some of its nodes have no ${device} kernel, and Loupe does not let them fall back to the CPU unseen. onnxruntime does not name them; the graph's operators are ${operatorsOf(model).join(', ')}. Either ${device}'s provider failed to load (then every node lacks a kernel), or one of these operators has no ${device} kernel: run it on the CPU (--accelerator none). (${message})`;
  }
  return message;
}

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
      this.session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, sessionOptionsFor(options));
    } catch (error) {
      throw new LoupeError('MODEL_UNSUPPORTED', `onnxruntime could not load ${what} on ${options.device}: ${explainLoadFailure((error as Error).message, options.device, model)}`, { cause: error });
    }
    this.inputNames = this.session.inputMetadata.map((m) => m.name);
    this.outputNames = this.session.outputMetadata.map((m) => m.name);
    this.fetches = Object.fromEntries(this.outputNames.map((n) => [n, null]));
  }

  /** A session of a built graph, its external initializers read from the folder the graph names. */
  static of(graph: { model: Uint8Array; externalFolder?: string }, options: Omit<SessionOptions, 'externalFolder'>, what: string): OrtSession {
    return new OrtSession(graph.model, { ...options, ...(graph.externalFolder ? { externalFolder: graph.externalFolder } : {}) }, what);
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

// `loupe models plan <package>`: where each part of a model package goes under the GPU and RAM
// budgets given (engine/moe/runtime/placement.ts), and the decode speed the bytes each device
// must read allow at its bandwidth (decode-estimate.ts), for people or (--json) scripts.
import { existsSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';
import { LoupeError } from '../errors.ts';
import { estimateDecode, type DecodeEstimate } from '../moe/runtime/decode-estimate.ts';
import { placeModel, type Placement, type PlacedGroup, type Place } from '../moe/runtime/placement.ts';
import { bytesText } from './models-inspect.ts';
import { parseGBps, parsePositiveInt, parseSize } from './options.ts';

export const DEFAULT_CONTEXT = 8192;
/** Reading experts from the package's files when no --disk-bandwidth is given: an NVMe SSD's order of magnitude, assumed, not measured. */
export const DEFAULT_DISK_GBPS = 2;
const GiB = 2 ** 30;

interface PlanFlags {
  gpuMem?: number;
  gpuReserve?: number;
  ram?: number;
  context: number;
  expertUsage?: string;
  gpuBandwidth?: number;
  ramBandwidth?: number;
  diskBandwidth?: number;
  json?: boolean;
}

interface Bandwidth {
  gbps: number;
  /** Where the figure comes from, in words. */
  source: string;
}

export interface PlanReport {
  dir: string;
  model: { layers: number; moeLayers: number; routedExperts: number; activatedExperts: number; hidden: number };
  placement: Placement;
  bandwidths: { gpu?: Bandwidth; cpu: Bandwidth; disk: Bandwidth };
  estimate: DecodeEstimate;
  assumptions: string[];
}

/** Activations and onnxruntime's workspace need room beside the weights: a tenth of the GPU, at most 1 GiB, unless --gpu-reserve says. */
const defaultReserve = (gpuMem: number) => Math.min(GiB, Math.floor(gpuMem / 10));

const UsageFile = z.record(z.string().regex(/^\d+$/), z.array(z.number().nonnegative()));

function readUsage(path: string): Record<number, number[]> {
  if (!existsSync(path)) throw new LoupeError('INPUT_NOT_FOUND', `${path}: no such expert usage file. Give a JSON file of per-layer counts, e.g. {"1": [12, 0, 5, …]}.`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LoupeError('INPUT_CORRUPT', `${path}: not valid JSON (${(e as Error).message}).`, { cause: e });
  }
  const parsed = UsageFile.safeParse(json);
  if (!parsed.success) throw new LoupeError('INPUT_CORRUPT', `${path}: expected {"<MoE layer>": [a count per routed expert, …], …}.`);
  return Object.fromEntries(Object.entries(parsed.data).map(([layer, counts]) => [Number(layer), counts]));
}

/** The CPU's bandwidth: given, or measured as the engine benchmark measures it. */
async function cpuBandwidth(given: number | undefined): Promise<Bandwidth> {
  if (given !== undefined) return { gbps: given, source: 'given with --ram-bandwidth' };
  // onnxruntime is loaded only to measure a bandwidth (here and for the GPU's), not for one given.
  const { measureBandwidth } = await import('../moe/runtime/memory-bandwidth.ts');
  const r = measureBandwidth();
  return { gbps: r.gbps, source: `measured: ReduceSum over ${bytesText(r.bytes)}, ${r.singleThreadGBps.toFixed(1)} GB/s with 1 thread, ${r.multiThreadGBps.toFixed(1)} with ${r.threads}, the better taken` };
}

async function gpuBandwidth(given: number | undefined): Promise<Bandwidth> {
  if (given !== undefined) return { gbps: given, source: 'given with --gpu-bandwidth' };
  const [{ availableDevices }, { measureDeviceBandwidth }] = await Promise.all([import('../moe/runtime/ort-session.ts'), import('../moe/runtime/device-bandwidth.ts')]);
  if (!availableDevices().includes('cuda')) {
    throw new LoupeError('INVALID_ARGUMENT', 'no CUDA device is usable here to measure the GPU\'s bandwidth: give it with --gpu-bandwidth <GB/s> (an H100 SXM\'s HBM3 is rated 3350 GB/s), or install the CUDA provider (see the README).');
  }
  const r = measureDeviceBandwidth('cuda');
  return { gbps: r.gbps, source: `measured: a float32 matrix of ${bytesText(r.bytes)} in GPU memory times a vector, median of ${r.samples.length} runs` };
}

export async function planModel(dir: string, flags: PlanFlags): Promise<PlanReport> {
  const { openPackage } = await import('../moe/package.ts');
  const pkg = openPackage(dir);
  const tensors = pkg.names().map((name) => ({ name, bytes: pkg.storedBytes(name) }));
  const c = pkg.config.text_config;
  pkg.close();
  const gpuMem = flags.gpuMem ?? 0;
  if (flags.gpuReserve !== undefined && flags.gpuReserve >= gpuMem) throw new LoupeError('INVALID_ARGUMENT', `--gpu-reserve (${bytesText(flags.gpuReserve)}) leaves nothing of --gpu-mem (${bytesText(gpuMem)}): give less, or more GPU memory.`);
  const placement = placeModel({
    config: c,
    tensors,
    gpuMemBytes: gpuMem,
    gpuReserveBytes: flags.gpuReserve ?? defaultReserve(gpuMem),
    ramBytes: flags.ram ?? totalmem(),
    contextTokens: flags.context,
    ...(flags.expertUsage ? { expertUsage: readUsage(flags.expertUsage) } : {}),
  });
  const bandwidths = {
    ...(placement.gpu ? { gpu: await gpuBandwidth(flags.gpuBandwidth) } : {}),
    cpu: await cpuBandwidth(flags.ramBandwidth),
    disk: flags.diskBandwidth !== undefined ? { gbps: flags.diskBandwidth, source: 'given with --disk-bandwidth' } : { gbps: DEFAULT_DISK_GBPS, source: 'assumed, an NVMe SSD: give --disk-bandwidth' },
  };
  const estimate = estimateDecode(placement, { gpuGBps: bandwidths.gpu?.gbps, cpuGBps: bandwidths.cpu.gbps, diskGBps: bandwidths.disk.gbps });
  const assumptions = [
    'only weight and KV-cache reads are counted (no compute, no copies between devices): the speeds are upper bounds',
    `the KV cache is full (${flags.context} tokens) and read whole for each token, ${placement.kv.bytesPerValue}-byte values as the runtime caches them`,
    `GPU then CPU within each layer (dense part, then experts), one after the other, as the engine runs them; overlapped, the slower device alone would set the pace`,
    placement.experts.usage === 'given' ? 'expert hits follow the usage counts given' : 'every expert is equally likely to be routed to (no usage counts given), so the hottest experts are spread evenly over the layers',
  ];
  const moeLayers = placement.experts.moeLayers.length;
  return { dir, model: { layers: c.num_hidden_layers, moeLayers, routedExperts: c.n_routed_experts, activatedExperts: c.num_experts_per_tok, hidden: c.hidden_size }, placement, bandwidths, estimate, assumptions };
}

const KIND: Record<PlacedGroup['kind'], [string, string]> = {
  embedding: ['embedding', ''],
  attention: ['attention + norms', 'layer'],
  'dense-mlp': ['dense MLP', 'layer'],
  router: ['routers', 'layer'],
  'shared-experts': ['shared experts', 'layer'],
  head: ['final norm + LM head', ''],
  'kv-cache': ['KV cache', 'layer'],
  vision: ['vision tower', ''],
  'routed-experts': ['routed experts', 'expert'],
};
const PLACE: Record<Place, string> = { gpu: 'GPU', ram: 'CPU (RAM)', disk: 'files, read when routed to' };
const share = (x: number) => `${(x * 100).toFixed(1)} %`;
const gbps = (b: Bandwidth) => `${b.gbps.toFixed(1)} GB/s (${b.source})`;

export function planText(r: PlanReport): string {
  const p = r.placement;
  const lines = [`${r.dir}: ${r.model.layers} decoder layers (${r.model.moeLayers} MoE), ${r.model.routedExperts} routed experts a layer, ${r.model.activatedExperts} active a token`];
  lines.push(
    `Budgets: ${p.gpu ? `GPU ${bytesText(p.gpu.budgetBytes)} (${bytesText(p.gpu.reserveBytes)} of it kept for activations)` : 'no GPU'}, RAM ${bytesText(p.ram.budgetBytes)}; KV cache for ${p.kv.contextTokens} tokens (${p.kv.bytesPerTokenPerLayer} B a token a layer)`,
  );
  lines.push('');
  const rows = p.groups.map((g) => {
    const [name, unit] = KIND[g.kind];
    return [name, unit ? `${g.count} ${unit}${g.count === 1 ? '' : 's'}` : '', bytesText(g.bytes), PLACE[g.place]];
  });
  const table = [['unit', 'count', 'bytes', 'where'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) lines.push(row.map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
  lines.push('');
  lines.push(`Left: ${p.gpu ? `GPU ${bytesText(p.gpu.leftBytes)}, ` : ''}RAM ${bytesText(p.ram.leftBytes)}`);
  if (p.gpu) {
    lines.push(
      p.notOnGpu.length === 0
        ? `On the GPU: the dense part and KV cache of all ${p.layers} layers and the head (${bytesText(p.denseAndKvBytes)}).`
        : `On the GPU: the dense part and KV cache of layers 0–${p.layersOnGpu - 1} of ${p.layers}; not fitting (${bytesText(p.denseAndKvBytes)} would hold it all): ${p.notOnGpu.join('; ')}.`,
    );
  }
  const t = p.perToken;
  const e = r.estimate;
  lines.push(`Bytes read per decoded token (expert reads: ${share(p.experts.hitShare.gpu)} GPU, ${share(p.experts.hitShare.ram)} RAM, ${share(p.experts.hitShare.disk)} files):`);
  if (p.gpu) lines.push(`  GPU   ${bytesText(e.bytesPerToken.gpu)} (dense ${bytesText(t.gpu.dense)}, KV ${bytesText(t.gpu.kv)}, experts ${bytesText(t.gpu.experts)}) at ${gbps(r.bandwidths.gpu!)}`);
  lines.push(`  CPU   ${bytesText(e.bytesPerToken.cpu)} (dense ${bytesText(t.cpu.dense)}, KV ${bytesText(t.cpu.kv)}, experts ${bytesText(t.cpu.experts)}) at ${gbps(r.bandwidths.cpu)}`);
  lines.push(`  files ${bytesText(e.bytesPerToken.disk)} (experts) at ${gbps(r.bandwidths.disk)}`);
  lines.push(`Expected decode: ${e.sequentialTokPerS.toFixed(1)} tok/s (${(1000 / e.sequentialTokPerS).toPrecision(3)} ms a token); overlapped: ${e.overlappedTokPerS.toFixed(1)} tok/s.`);
  lines.push('Assuming:');
  for (const a of r.assumptions) lines.push(`  - ${a}`);
  return lines.join('\n') + '\n';
}

export function registerPlan(models: Command): void {
  models
    .command('plan')
    .description('where each part of a model package goes under GPU and RAM budgets (dense part and KV cache on the GPU, routed experts in RAM, the hottest in the VRAM left), and the decode speed that allows')
    .argument('<package>', 'the model package folder')
    .option('--gpu-mem <size>', 'GPU memory for the engine, e.g. 24GiB (a plain number is GiB; none: no GPU)', parseSize)
    .option('--gpu-reserve <size>', 'of the GPU memory, what activations and the runtime need beside the weights (default a tenth, at most 1 GiB)', parseSize)
    .option('--ram <size>', "RAM for the engine, e.g. 64GiB (default: this machine's)", parseSize)
    .option('--context <tokens>', `tokens the KV cache holds (default ${DEFAULT_CONTEXT})`, parsePositiveInt, DEFAULT_CONTEXT)
    .option('--expert-usage <file>', 'JSON of per-layer routing counts, {"<layer>": [count per expert]}: the most used experts go to the GPU first')
    .option('--gpu-bandwidth <GB/s>', 'GPU memory bandwidth (default: measured on a usable CUDA device)', parseGBps)
    .option('--ram-bandwidth <GB/s>', 'CPU memory bandwidth (default: measured)', parseGBps)
    .option('--disk-bandwidth <GB/s>', `read bandwidth of the package's disk (default ${DEFAULT_DISK_GBPS}, assumed)`, parseGBps)
    .option('--json', 'print the plan as JSON')
    .action(async (dir: string, flags: PlanFlags) => {
      const report = await planModel(dir, flags);
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : planText(report));
    });
}

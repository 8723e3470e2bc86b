// Where each part of a model goes, the way KTransformers and llama.cpp (`-ot exps=CPU`,
// `--n-cpu-moe`) place a Mixture-of-Experts model: with a GPU, everything every token runs
// through (attention with its norms, routers, shared experts, dense MLP layers, final norm and
// LM head) and the KV cache live on it, since they are read for every token and hold all the
// attention compute; the routed experts, each read only when routed to, stay in RAM and run on
// the CPU cores; what VRAM is left holds the hottest experts. The token embedding stays on the
// CPU, as llama.cpp keeps it: a token reads one of its rows. What RAM cannot hold is read from the
// package's files when routed to. Without a GPU, everything is on the CPU.
//
// If the dense part and the KV cache do not fit the GPU, whole decoder layers go there in order
// while they fit (llama.cpp's -ngl), the head after them, and the rest stays on the CPU; a GPU
// that holds not even one layer is refused, with the bytes it would need.
//
// Pure: sizes come from the package's manifest (stored bytes, as the runtime holds them), so a
// plan costs no weights read.
import { LoupeError } from '../../errors.ts';
import { isMoeLayer, type TextConfig } from '../config.ts';

export type Place = 'gpu' | 'ram' | 'disk';

export type UnitKind = 'embedding' | 'attention' | 'dense-mlp' | 'router' | 'shared-experts' | 'head' | 'kv-cache' | 'vision' | 'routed-experts';

export interface SizedWeight {
  name: string;
  /** Stored bytes (a quantised weight's parts together). */
  bytes: number;
}

export interface PlacementRequest {
  config: TextConfig;
  tensors: readonly SizedWeight[];
  /** Bytes of GPU memory for the engine; 0 or absent: no GPU. */
  gpuMemBytes?: number;
  /** Of the GPU memory, bytes kept free for activations and the runtime's workspace. */
  gpuReserveBytes?: number;
  ramBytes: number;
  /** Tokens the KV cache is sized for. */
  contextTokens: number;
  /** Bytes of one cached value: 4, as the runtime caches float32. */
  kvBytesPerValue?: number;
  /** Per MoE layer, how often each expert was routed to (e.g. from a trace); absent: experts are spread evenly over the layers. */
  expertUsage?: Readonly<Record<number, readonly number[]>>;
}

export interface PlacedGroup {
  kind: UnitKind;
  place: Place;
  /** Units of this kind in this place: layers, experts, or 1. */
  count: number;
  bytes: number;
}

export interface DeviceMemory {
  budgetBytes: number;
  usedBytes: number;
  leftBytes: number;
}

/** Bytes a decoded token makes each device read. */
export interface TokenBytes {
  dense: number;
  kv: number;
  /** Expected: the active experts' stored bytes times the share of hits on this device. */
  experts: number;
}

export interface Placement {
  gpu: (DeviceMemory & { reserveBytes: number }) | null;
  ram: DeviceMemory;
  groups: PlacedGroup[];
  /** Decoder layers whose dense part and KV cache are on the GPU (llama.cpp's -ngl), of all. */
  layersOnGpu: number;
  layers: number;
  /** What of the dense part and KV cache did not fit the GPU, in words; empty when all did (or there is no GPU). */
  notOnGpu: string[];
  /** Bytes the dense part and KV cache take together, for a GPU to hold them all. */
  denseAndKvBytes: number;
  kv: { contextTokens: number; bytesPerValue: number; bytesPerTokenPerLayer: number; bytes: number };
  experts: {
    bytesEach: number;
    perLayer: number;
    activePerToken: number;
    moeLayers: number[];
    /** Per MoE layer: the experts on the GPU and in RAM; the rest are read from the files. */
    byLayer: Array<{ layer: number; gpu: number[]; ram: number[] }>;
    /** Expected share of expert reads served by each place, over all MoE layers. */
    hitShare: Record<Place, number>;
    /** Whether the shares come from given usage counts or from an even spread. */
    usage: 'given' | 'even';
  };
  perToken: { gpu: TokenBytes; cpu: TokenBytes; disk: TokenBytes };
}

interface Unit {
  kind: Exclude<UnitKind, 'kv-cache' | 'routed-experts'>;
  layer?: number;
}

const LAYER = /^language_model\.model\.layers\.(\d+)\.(.*)$/;
const EXPERT = /^mlp\.experts\.(\d+)\./;

/** Which unit a tensor belongs to; routed experts answer with their expert's index. */
function unitOf(name: string): Unit | { kind: 'routed-experts'; layer: number; expert: number } {
  const m = LAYER.exec(name);
  if (m) {
    const layer = Number(m[1]);
    const rest = m[2]!;
    const expert = EXPERT.exec(rest);
    if (expert) return { kind: 'routed-experts', layer, expert: Number(expert[1]) };
    if (rest.startsWith('mlp.shared_experts.')) return { kind: 'shared-experts', layer };
    if (rest.startsWith('mlp.gate.')) return { kind: 'router', layer };
    if (rest.startsWith('mlp.')) return { kind: 'dense-mlp', layer };
    return { kind: 'attention', layer };
  }
  if (name === 'language_model.model.embed_tokens.weight') return { kind: 'embedding' };
  if (name === 'language_model.model.norm.weight' || name === 'language_model.lm_head.weight') return { kind: 'head' };
  if (name.startsWith('vision_tower.') || name.startsWith('multi_modal_projector.')) return { kind: 'vision' };
  throw new Error(`placement: ${name} belongs to no unit the engine runs`);
}

const sum = (xs: Iterable<number>) => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

export function placeModel(request: PlacementRequest): Placement {
  const c = request.config;
  const gpuBudget = request.gpuMemBytes ?? 0;
  const reserve = gpuBudget > 0 ? (request.gpuReserveBytes ?? 0) : 0;
  const kvBytesPerValue = request.kvBytesPerValue ?? 4;

  // Sizes by unit: per layer the dense block, per (layer, expert) the expert.
  const layerDense = new Map<number, Partial<Record<UnitKind, number>>>();
  const expertBytes = new Map<number, Map<number, number>>();
  let embedding = 0;
  let head = 0;
  let vision = 0;
  let hasLmHead = false;
  for (const t of request.tensors) {
    const u = unitOf(t.name);
    if (u.kind === 'routed-experts') {
      const inLayer = expertBytes.get(u.layer) ?? new Map<number, number>();
      inLayer.set(u.expert, (inLayer.get(u.expert) ?? 0) + t.bytes);
      expertBytes.set(u.layer, inLayer);
    } else if (u.layer !== undefined) {
      const block = layerDense.get(u.layer) ?? {};
      block[u.kind] = (block[u.kind] ?? 0) + t.bytes;
      layerDense.set(u.layer, block);
    } else if (u.kind === 'embedding') embedding += t.bytes;
    else if (u.kind === 'head') {
      head += t.bytes;
      hasLmHead ||= t.name === 'language_model.lm_head.weight';
    } else vision += t.bytes;
  }
  // A tied head is the embedding itself: it goes wherever the head goes.
  const embeddingIsHead = !hasLmHead;
  if (embeddingIsHead) head += embedding;

  const layers = c.num_hidden_layers;
  const kvBytesPerTokenPerLayer = (c.kv_lora_rank + c.qk_rope_head_dim) * kvBytesPerValue;
  const kvPerLayer = request.contextTokens * kvBytesPerTokenPerLayer;
  const blockBytes = (layer: number) => sum(Object.values(layerDense.get(layer) ?? {}));
  const denseAndKvBytes = sum(Array.from({ length: layers }, (_, l) => blockBytes(l) + kvPerLayer)) + head;

  // GPU: the dense part and KV cache, layer by layer while they fit, the head after them.
  let gpuUsed = 0;
  let layersOnGpu = 0;
  let headOnGpu = false;
  let visionOnGpu = false;
  const notOnGpu: string[] = [];
  if (gpuBudget > 0) {
    const room = gpuBudget - reserve;
    if (denseAndKvBytes <= room) {
      layersOnGpu = layers;
      headOnGpu = true;
      gpuUsed = denseAndKvBytes;
    } else {
      while (layersOnGpu < layers && gpuUsed + blockBytes(layersOnGpu) + kvPerLayer <= room) gpuUsed += blockBytes(layersOnGpu++) + kvPerLayer;
      if (layersOnGpu === 0) {
        throw new LoupeError(
          'INVALID_ARGUMENT',
          `${gib(room)} of GPU memory${reserve ? ` (after ${gib(reserve)} kept for activations)` : ''} holds not even decoder layer 0's dense part and KV cache for ${request.contextTokens} tokens (${gib(blockBytes(0) + kvPerLayer)}); all ${layers} layers and the head need ${gib(denseAndKvBytes)}. Give more GPU memory, a shorter context, or no GPU memory to plan for the CPU alone.`,
        );
      }
      headOnGpu = gpuUsed + head <= room;
      if (headOnGpu) gpuUsed += head;
      if (layersOnGpu < layers) notOnGpu.push(`decoder layers ${layersOnGpu}–${layers - 1} (dense part and KV cache, ${gib(sum(Array.from({ length: layers - layersOnGpu }, (_, i) => blockBytes(layersOnGpu + i) + kvPerLayer)))})`);
      if (!headOnGpu) notOnGpu.push(`the final norm and LM head (${gib(head)})`);
    }
    visionOnGpu = vision > 0 && gpuUsed + vision <= room;
    if (visionOnGpu) gpuUsed += vision;
  }

  // RAM: whatever dense part is not on the GPU, then experts.
  const cpuDense =
    (embeddingIsHead ? 0 : embedding) +
    sum(Array.from({ length: layers - layersOnGpu }, (_, i) => blockBytes(layersOnGpu + i) + kvPerLayer)) +
    (headOnGpu ? 0 : head) +
    (visionOnGpu ? 0 : vision);
  if (cpuDense > request.ramBytes) {
    const parts = [
      ...(embeddingIsHead ? [] : ['the embedding']),
      ...(layersOnGpu < layers ? [`decoder layers ${layersOnGpu}–${layers - 1} with their KV cache`] : []),
      ...(headOnGpu ? [] : ['the head']),
      ...(vision > 0 && !visionOnGpu ? ['the vision tower'] : []),
    ];
    throw new LoupeError(
      'INVALID_ARGUMENT',
      `what stays resident on the CPU (${parts.join(', ')}) needs ${gib(cpuDense)} of RAM, and ${gib(request.ramBytes)} was given. Give more RAM or GPU memory, or a shorter context.`,
    );
  }

  // Experts: ranked hottest first, into what the GPU has left, then RAM; the rest on disk.
  const moeLayers = Array.from({ length: layers }, (_, l) => l).filter((l) => isMoeLayer(c, l));
  const perLayer = c.n_routed_experts;
  const bytesEach = Math.max(0, ...[...expertBytes.values()].flatMap((m) => [...m.values()]));
  const usage = request.expertUsage;
  const countOf = (layer: number, expert: number) => usage?.[layer]?.[expert] ?? 0;
  const ranked = moeLayers.flatMap((layer) => Array.from({ length: perLayer }, (_, expert) => ({ layer, expert })));
  if (usage) ranked.sort((a, b) => countOf(b.layer, b.expert) - countOf(a.layer, a.expert) || a.layer - b.layer || a.expert - b.expert);
  // Evenly: expert 0 of every layer, then expert 1 of every layer, …
  else ranked.sort((a, b) => a.expert - b.expert || a.layer - b.layer);
  const fits = (left: number) => (bytesEach > 0 ? Math.max(0, Math.floor(left / bytesEach)) : 0);
  const onGpu = gpuBudget > 0 ? Math.min(ranked.length, fits(gpuBudget - reserve - gpuUsed)) : 0;
  const inRam = Math.min(ranked.length - onGpu, fits(request.ramBytes - cpuDense));
  const byLayer = moeLayers.map((layer) => ({ layer, gpu: [] as number[], ram: [] as number[] }));
  const slot = new Map(byLayer.map((b) => [b.layer, b]));
  ranked.forEach(({ layer, expert }, i) => {
    if (i < onGpu) slot.get(layer)!.gpu.push(expert);
    else if (i < onGpu + inRam) slot.get(layer)!.ram.push(expert);
  });
  for (const b of byLayer) {
    b.gpu.sort((x, y) => x - y);
    b.ram.sort((x, y) => x - y);
  }

  // Expected share of a layer's expert reads each place serves: by usage counts where given.
  const shareIn = (layer: number, experts: readonly number[]) => {
    const total = usage ? sum(Array.from({ length: perLayer }, (_, e) => countOf(layer, e))) : 0;
    return total > 0 ? sum(experts.map((e) => countOf(layer, e))) / total : experts.length / perLayer;
  };
  const share = { gpu: 0, ram: 0, disk: 0 };
  for (const b of byLayer) {
    const gpu = shareIn(b.layer, b.gpu);
    const ram = shareIn(b.layer, b.ram);
    share.gpu += gpu / byLayer.length;
    share.ram += ram / byLayer.length;
    share.disk += Math.max(0, 1 - gpu - ram) / byLayer.length;
  }
  const active = Math.min(c.num_experts_per_tok, perLayer);
  const activeBytes = active * bytesEach * moeLayers.length;

  // A token reads every dense weight of its device once, the whole KV cache (at a full context),
  // one embedding row, and its active experts.
  const denseOf = (from: number, to: number) => sum(Array.from({ length: to - from }, (_, i) => blockBytes(from + i)));
  const embeddingRow = embeddingIsHead ? 0 : embedding / c.vocab_size;
  const perToken = {
    gpu: { dense: denseOf(0, layersOnGpu) + (headOnGpu ? head : 0), kv: layersOnGpu * kvPerLayer, experts: share.gpu * activeBytes },
    cpu: { dense: denseOf(layersOnGpu, layers) + (headOnGpu ? 0 : head) + embeddingRow, kv: (layers - layersOnGpu) * kvPerLayer, experts: share.ram * activeBytes },
    disk: { dense: 0, kv: 0, experts: share.disk * activeBytes },
  };

  // The table: bytes of each kind by place.
  const groups: PlacedGroup[] = [];
  const add = (kind: UnitKind, place: Place, count: number, bytes: number) => {
    if (count > 0) groups.push({ kind, place, count, bytes });
  };
  if (!embeddingIsHead) add('embedding', 'ram', 1, embedding);
  const layerKinds: UnitKind[] = ['attention', 'dense-mlp', 'router', 'shared-experts'];
  for (const kind of layerKinds) {
    const inLayers = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => layerDense.get(from + i)?.[kind]).filter((b) => b !== undefined);
    const gpuLayers = inLayers(0, layersOnGpu);
    const cpuLayers = inLayers(layersOnGpu, layers);
    add(kind, 'gpu', gpuLayers.length, sum(gpuLayers));
    add(kind, 'ram', cpuLayers.length, sum(cpuLayers));
  }
  add('kv-cache', 'gpu', layersOnGpu, layersOnGpu * kvPerLayer);
  add('kv-cache', 'ram', layers - layersOnGpu, (layers - layersOnGpu) * kvPerLayer);
  add('head', headOnGpu ? 'gpu' : 'ram', 1, head);
  if (vision > 0) add('vision', visionOnGpu ? 'gpu' : 'ram', 1, vision);
  add('routed-experts', 'gpu', onGpu, onGpu * bytesEach);
  add('routed-experts', 'ram', inRam, inRam * bytesEach);
  add('routed-experts', 'disk', ranked.length - onGpu - inRam, (ranked.length - onGpu - inRam) * bytesEach);

  const gpuTotal = gpuUsed + onGpu * bytesEach;
  const ramUsed = cpuDense + inRam * bytesEach;
  return {
    gpu: gpuBudget > 0 ? { budgetBytes: gpuBudget, reserveBytes: reserve, usedBytes: gpuTotal, leftBytes: gpuBudget - reserve - gpuTotal } : null,
    ram: { budgetBytes: request.ramBytes, usedBytes: ramUsed, leftBytes: request.ramBytes - ramUsed },
    groups,
    layersOnGpu,
    layers,
    notOnGpu,
    denseAndKvBytes,
    kv: { contextTokens: request.contextTokens, bytesPerValue: kvBytesPerValue, bytesPerTokenPerLayer: kvBytesPerTokenPerLayer, bytes: layers * kvPerLayer },
    experts: { bytesEach, perLayer, activePerToken: active, moeLayers, byLayer, hitShare: share, usage: usage ? 'given' : 'even' },
    perToken,
  };
}

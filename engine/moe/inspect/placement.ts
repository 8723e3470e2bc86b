// Where a package's weights would sit under memory budgets, as the engine places them: with a
// GPU that holds it, the dense part (attention, norms, routers, shared experts, dense MLPs, head,
// vision) on the GPU and the embedding in RAM; otherwise all of it resident in RAM. The routed
// experts go into pools with byte budgets (engine run's --accelerator-budget, --cpu-budget), the
// GPU's (what the dense part leaves of it) first; the rest are read from the package's files when
// routed to. For a converted package, `loupe models plan` places layer by layer, KV cache included. Budgets count the weights' stored
// bytes, as the engine's pools do (expert-store.ts); the KV cache and activations need room
// beside them.
import type { TextConfig } from '../config.ts';
import type { SizedTensor } from './package-size.ts';

export interface Budgets {
  /** Bytes of GPU memory for the engine; undefined: no GPU. */
  gpuBytes?: number;
  ramBytes: number;
}

export interface PoolPlan {
  budgetBytes: number;
  experts: number;
  /** Of all routed experts. */
  share: number;
}

export interface Placement {
  /** Resident whatever is routed, vision included. */
  denseBytes: number;
  visionBytes: number;
  denseOn: 'gpu' | 'ram' | 'nowhere';
  routedExperts: number;
  moeLayers: number;
  /** One routed expert's three projections, stored. */
  bytesPerExpert: number;
  expertBytes: number;
  gpu?: PoolPlan;
  ram: PoolPlan;
  /** Experts in no pool: read from the files each time they are routed to. */
  onDisk: PoolPlan;
  perToken: {
    /** Worst case: every activated expert read, num_experts_per_tok × bytesPerExpert × MoE layers. */
    expertBytes: number;
    /** The dense weights a decoded token runs through: all but the embedding table (one row of it) and the vision tower. */
    denseBytes: number;
    /** Worst case from disk: in each MoE layer, the activated experts that no pool can hold (resident experts spread evenly over the layers). */
    fromDiskBytes: number;
  };
}

const EXPERT = /^language_model\.model\.layers\.(\d+)\.mlp\.experts\.(\d+)\./;
const isVision = (name: string) => name.startsWith('vision_tower.') || name.startsWith('multi_modal_projector.');
const EMBEDDING = 'language_model.model.embed_tokens.weight';

export function placement(tensors: readonly SizedTensor[], t: TextConfig, budgets: Budgets): Placement {
  const experts = new Map<string, number>();
  let denseBytes = 0;
  let visionBytes = 0;
  let embeddingBytes = 0;
  for (const x of tensors) {
    const m = EXPERT.exec(x.name);
    if (m) experts.set(`${m[1]}/${m[2]}`, (experts.get(`${m[1]}/${m[2]}`) ?? 0) + x.bytes);
    else {
      denseBytes += x.bytes;
      if (isVision(x.name)) visionBytes += x.bytes;
      if (x.name === EMBEDDING) embeddingBytes = x.bytes;
    }
  }
  const routedExperts = experts.size;
  const expertBytes = [...experts.values()].reduce((a, b) => a + b, 0);
  // Every routed expert has the same shapes, so one size serves for all.
  const bytesPerExpert = routedExperts ? Math.max(...experts.values()) : 0;
  const moeLayers = new Set([...experts.keys()].map((k) => k.split('/')[0])).size;

  const gpu = budgets.gpuBytes;
  // On a GPU that holds it, everything dense but the embedding (a token reads one of its rows).
  const denseOn = gpu !== undefined && denseBytes - embeddingBytes <= gpu ? 'gpu' : denseBytes <= budgets.ramBytes ? 'ram' : 'nowhere';
  const [denseOnGpu, denseInRam] = denseOn === 'gpu' ? [denseBytes - embeddingBytes, embeddingBytes] : [0, denseBytes];
  const fit = (budget: number, left: number): PoolPlan => {
    const budgetBytes = Math.max(0, budget);
    const n = bytesPerExpert ? Math.min(left, Math.floor(budgetBytes / bytesPerExpert)) : 0;
    return { budgetBytes, experts: n, share: routedExperts ? n / routedExperts : 0 };
  };
  const gpuPool = gpu === undefined ? undefined : fit(gpu - denseOnGpu, routedExperts);
  const ramPool = fit(budgets.ramBytes - denseInRam, routedExperts - (gpuPool?.experts ?? 0));
  const diskCount = routedExperts - (gpuPool?.experts ?? 0) - ramPool.experts;
  const onDisk = { budgetBytes: 0, experts: diskCount, share: routedExperts ? diskCount / routedExperts : 0 };

  const activated = Math.min(t.num_experts_per_tok, t.n_routed_experts);
  const perLayerOnDisk = moeLayers ? Math.ceil(diskCount / moeLayers) : 0;
  const row = embeddingBytes / t.vocab_size;
  return {
    denseBytes,
    visionBytes,
    denseOn,
    routedExperts,
    moeLayers,
    bytesPerExpert,
    expertBytes,
    ...(gpuPool ? { gpu: gpuPool } : {}),
    ram: ramPool,
    onDisk,
    perToken: {
      expertBytes: activated * bytesPerExpert * moeLayers,
      denseBytes: Math.round(denseBytes - visionBytes - embeddingBytes + row),
      fromDiskBytes: Math.min(activated, perLayerOnDisk) * bytesPerExpert * moeLayers,
    },
  };
}

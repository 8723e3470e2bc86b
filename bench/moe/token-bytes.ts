// The bytes a decoded token must read, counted from what the package stores, for the roofline:
// every decoder weight the token runs through once (each layer's attention with its norms, the
// router, the dense MLP or the shared experts, the final norm and the LM head), one row of the
// embedding, and the routed experts its routing chose. Stored bytes: int4 codes with their scales
// and zero points, floats in their stored dtype. Nothing the runtime makes of them counts (float32
// copies, prepacked forms), so a runtime that reads more than the model needs gets no credit for it.
// The vision tower and projector are not counted: a decoded token does not run them.
import type { ModelPackage } from '../../engine/moe/package.ts';

const EMBEDDING = 'language_model.model.embed_tokens.weight';
const ROUTED_EXPERT = /^language_model\.model\.layers\.(\d+)\.mlp\.experts\.(\d+)\./;

/** One forward pass's expert choices: per MoE layer, each token's experts (ForwardResult.routing). */
export type ForwardRouting = ReadonlyArray<{ layer: number; experts: ArrayLike<number>[] }>;

export interface TokenBytes {
  /** Stored bytes every decoded token reads whatever its routing: dense weights and one embedding row. */
  readonly dense: number;
  /** One embedding row's stored bytes (part of `dense`). */
  readonly embeddingRow: number;
  /** A routed expert's stored bytes (its gate, up and down projections). */
  expert(layer: number, expert: number): number;
  /** Bytes of a decode step: `dense` plus the distinct routed experts it chose. */
  ofStep(routing: ForwardRouting): number;
}

export function tokenBytes(pkg: Pick<ModelPackage, 'names' | 'storedBytes' | 'config'>): TokenBytes {
  const experts = new Map<string, number>();
  let dense = 0;
  let embeddingRow = 0;
  for (const name of pkg.names()) {
    if (!name.startsWith('language_model.')) continue;
    const bytes = pkg.storedBytes(name);
    const routed = ROUTED_EXPERT.exec(name);
    if (routed) {
      const key = `${routed[1]}/${routed[2]}`;
      experts.set(key, (experts.get(key) ?? 0) + bytes);
    } else if (name === EMBEDDING) embeddingRow = bytes / pkg.config.text_config.vocab_size;
    else dense += bytes;
  }
  dense += embeddingRow;
  const expert = (layer: number, e: number) => {
    const bytes = experts.get(`${layer}/${e}`);
    if (bytes === undefined) throw new RangeError(`the package has no routed expert ${e} in layer ${layer}`);
    return bytes;
  };
  return {
    dense,
    embeddingRow,
    expert,
    ofStep(routing) {
      let bytes = dense;
      for (const { layer, experts: rows } of routing) {
        const chosen = new Set<number>();
        for (const row of rows) for (let i = 0; i < row.length; i++) chosen.add(row[i]!);
        for (const e of chosen) bytes += expert(layer, e);
      }
      return bytes;
    },
  };
}

// Every routed expert cut along its width into one slice a shard: slice i holds rows [r0, r1) of
// each expert's gate and up projections and the matching columns (whole blocks) of its down
// projection, so a shard computes its part of every expert a token routes to, and the parts'
// outputs add up to the expert's. Sharding by expert id leaves one shard more of a token's
// experts than another (6 of 64 over two shards: 3.9 on the busier one on average, against 3;
// over sixteen, most shards none): the int4 kernel runs an expert in one thread, so experts held
// as stored bytes are sliced, and every core works on every expert.
import { isMoeLayer, type TextConfig } from '../config.ts';
import { weightBlocks, weightRows } from '../quant-slices.ts';
import { quantLayout } from '../quant.ts';
import type { DecoderWeights } from './decoder.ts';
import { expertStem } from './graphs.ts';

/** A slice of every expert: blocks [start, end) of the `of` blocks along its width. */
export interface ExpertSlice {
  start: number;
  end: number;
  of: number;
}

const PROJECTION = /\.mlp\.experts\.\d+\.(gate_proj|up_proj|down_proj)\.weight$/;

/** The experts cut `count` ways, as evenly as whole blocks allow; undefined where they are not quantised or have fewer blocks than slices. */
export function expertSlices(weights: DecoderWeights, c: TextConfig, count: number): ExpertSlice[] | undefined {
  const layer = Array.from({ length: c.num_hidden_layers }, (_, l) => l).find((l) => isMoeLayer(c, l));
  if (layer === undefined) return undefined;
  const down = `${expertStem(layer, 0)}.down_proj.weight`;
  const q = weights.located?.(down) ?? weights.quantised(down);
  if (!q) return undefined;
  const of = Math.ceil(q.K / q.blockSize);
  if (of < count) return undefined;
  return Array.from({ length: count }, (_, i) => ({ start: Math.floor((i * of) / count), end: Math.floor(((i + 1) * of) / count), of }));
}

/** The weights a shard reads: each routed expert's projections as `slice` of them, every other weight as it is. */
export function slicedWeights(weights: DecoderWeights, slice: ExpertSlice): DecoderWeights {
  const projection = (name: string) => PROJECTION.exec(name)?.[1];
  const rows = (N: number, blockSize: number) => ({ start: slice.start * blockSize, count: Math.min(slice.end * blockSize, N) - slice.start * blockSize });
  return {
    ...weights,
    quantised: (name) => {
      const p = projection(name);
      const q = weights.quantised(name);
      if (!p || !q) return q;
      if (p === 'down_proj') return weightBlocks(q, slice.start, slice.end);
      const r = rows(q.N, q.blockSize);
      return weightRows(q, r.start, r.count);
    },
    // The down projection's columns are not contiguous in its file: it is read and copied (quantised).
    located: (name) => {
      const p = projection(name);
      const q = weights.located?.(name);
      if (!p || !q) return q;
      if (p === 'down_proj') return undefined;
      const r = rows(q.N, q.blockSize);
      return weightRows(q, r.start, r.count);
    },
    storedBytes: (name) => {
      const p = projection(name);
      if (!p) return weights.storedBytes(name);
      const q = weights.located?.(name) ?? weights.quantised(name)!;
      const N = p === 'down_proj' ? q.N : rows(q.N, q.blockSize).count;
      const K = p === 'down_proj' ? Math.min(slice.end * q.blockSize, q.K) - slice.start * q.blockSize : q.K;
      const layout = quantLayout(N, K, q.bits, q.blockSize);
      return N * layout.blocksPerRow * (layout.blobSize + 4) + layout.zeroPointsLength;
    },
  };
}

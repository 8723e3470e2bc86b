// Every routed expert cut along its width into one slice a shard: slice i holds rows [r0, r1) of
// each expert's gate and up projections and the matching columns (whole blocks) of its down
// projection, so a shard computes its part of every expert a token routes to, and the parts'
// outputs add up to the expert's. Sharding by expert id leaves one shard more of a token's
// experts than another (6 of 64 over two shards: 3.9 on the busier one on average, against 3;
// over sixteen, most shards none): the int4 kernel runs an expert in one thread, so experts held
// as stored bytes are sliced, and every core works on every expert.
import { isMoeLayer, type TextConfig } from '../config.ts';
import { weightBlocks, weightRows } from '../quant-slices.ts';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { quantLayout, type QuantisedWeight } from '../quant.ts';
import type { DecoderWeights } from './decoder.ts';
import { expertStem } from './graphs.ts';
import { readPart } from './stored-expert.ts';

const align4 = (n: number) => Math.ceil(n / 4) * 4;

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
  // A whole down projection is read only to copy its slice out: into one buffer, reused, rather
  // than fresh ones whose garbage (megabytes an expert, hundreds of experts) lifts the peak RSS.
  let scratch = new Uint8Array(0);
  const readDown = (name: string): QuantisedWeight | undefined => {
    const q = weights.located?.(name);
    if (!q || !weights.folder) return undefined;
    const parts = [q.qweight, q.scales, q.zeroPoints];
    const total = parts.reduce((n, part) => n + align4(part.length), 0);
    if (scratch.length < total) scratch = new Uint8Array(total);
    const fd = openSync(join(weights.folder, q.qweight.file), 'r');
    try {
      let at = 0;
      const [qweight, scales, zeroPoints] = parts.map((part) => {
        if (part.file !== q.qweight.file) throw new Error(`${name}: its parts lie in different files`);
        const view = scratch.subarray(at, at + part.length);
        readPart(fd, part, view);
        at += align4(part.length);
        return view;
      });
      return { bits: q.bits, blockSize: q.blockSize, N: q.N, K: q.K, qweight: qweight!, scales: new Float32Array(scales!.buffer, scales!.byteOffset, scales!.length / 4), zeroPoints: zeroPoints! };
    } finally {
      closeSync(fd);
    }
  };
  const rows = (N: number, blockSize: number) => ({ start: slice.start * blockSize, count: Math.min(slice.end * blockSize, N) - slice.start * blockSize });
  return {
    ...weights,
    quantised: (name) => {
      const p = projection(name);
      if (p === 'down_proj') return weightBlocks(readDown(name) ?? weights.quantised(name)!, slice.start, slice.end);
      const q = weights.quantised(name);
      if (!p || !q) return q;
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

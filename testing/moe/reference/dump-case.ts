// Writes tiny random models, their inputs and the reference's outputs to a folder, so that an
// independent implementation (models/tools/reference_check.py, PyTorch) can recompute the same
// forward pass and compare. Usage: npx tsx testing/moe/reference/dump-case.ts <out-dir>
//
// <out-dir>/<model>/config.json          the model's config.json (Hugging Face fields)
// <out-dir>/<model>/weights.safetensors  every tensor, float32, under its Hugging Face name
// <out-dir>/<model>/cases.json           the image processor settings and, per case, its ids and images
// <out-dir>/<model>/<case>.*.npy         inputs (RGBA pictures) and reference outputs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelConfig } from '../../../engine/moe/config.ts';
import { modelForward } from './model.ts';
import { MemoryWeights, randomImage, randomWeights, tinyConfig } from './random-weights.ts';
import { SeededRandom as Rng } from '../../../engine/moe/random.ts';
import { KIMI_VL_IMAGE_PROCESSOR, mediaTokenCount, preprocessImage, type ImageProcessorConfig } from '../../../engine/moe/image-processor.ts';

type Dtype = '<f4' | '|u1' | '<i4';

/** A .npy file (format 1.0, C order). */
export function npyBytes(dtype: Dtype, shape: readonly number[], data: Float32Array | Uint8Array | Int32Array): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** A safetensors file of float32 tensors. */
export function safetensorsBytes(weights: MemoryWeights): Buffer {
  const names = [...weights.tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const name of names) {
    const t = weights.tensors.get(name)!;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const parts: Buffer[] = [len, Buffer.from(json, 'utf8')];
  for (const name of names) {
    const d = weights.tensors.get(name)!.data;
    parts.push(Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  return Buffer.concat(parts);
}

interface Case {
  name: string;
  ids: number[];
  images: { width: number; height: number; seed: number }[];
}

/** Dumps one model and its cases; returns the folder. */
export function dumpModel(dir: string, config: ModelConfig, seed: number, cases: Case[], processor: ImageProcessorConfig): string {
  mkdirSync(dir, { recursive: true });
  const weights = randomWeights(config, seed);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(path.join(dir, 'weights.safetensors'), safetensorsBytes(weights));
  const index: unknown[] = [];
  for (const c of cases) {
    const pictures = c.images.map((im) => randomImage(im.width, im.height, im.seed));
    const images = pictures.map((px, i) => preprocessImage(px, c.images[i]!.width, c.images[i]!.height, config.vision_config!, processor));
    const out = modelForward(weights, config, c.ids, images);
    const w = (suffix: string, bytes: Buffer) => writeFileSync(path.join(dir, `${c.name}.${suffix}.npy`), bytes);
    w('logits', npyBytes('<f4', out.logits.shape, out.logits.data));
    out.routing.forEach((r) => {
      const K = r.experts.length / c.ids.length;
      w(`layer${r.layer}.experts`, npyBytes('<i4', [c.ids.length, K], r.experts));
      w(`layer${r.layer}.weights`, npyBytes('<f4', [c.ids.length, K], r.weights));
    });
    images.forEach((im, i) => {
      w(`image${i}.rgba`, npyBytes('|u1', [c.images[i]!.height, c.images[i]!.width, 4], pictures[i]!));
      const p = config.vision_config!.patch_size;
      w(`image${i}.patches`, npyBytes('<f4', [im.gridH * im.gridW, 3, p, p], im.patches));
      w(`image${i}.features`, npyBytes('<f4', [out.imageFeatures[i]!.length / config.text_config.hidden_size, config.text_config.hidden_size], out.imageFeatures[i]!));
    });
    index.push({ name: c.name, ids: c.ids, images: images.map((im, i) => ({ ...c.images[i], gridH: im.gridH, gridW: im.gridW })), moeLayers: out.routing.map((r) => r.layer) });
  }
  writeFileSync(path.join(dir, 'cases.json'), JSON.stringify({ processor, cases: index }, null, 2));
  return dir;
}

/** The standard set: both query layouts, text-only and two-image prompts. */
export function dumpStandardCases(outDir: string): string[] {
  // A small token limit so that the first picture is scaled down (PIL bicubic) and both are padded.
  const processor: ImageProcessorConfig = { ...KIMI_VL_IMAGE_PROCESSOR, inTokenLimit: 20 };
  const pictures = [
    { width: 100, height: 73, seed: 11 }, // 7×5 = 35 patches > 20: scaled to 75×55, padded to 84×56, grid 4×6
    { width: 40, height: 30, seed: 12 }, // padded to 56×56, grid 4×4
  ];
  const dirs: string[] = [];
  for (const [name, qLoraRank, normTopkProb] of [
    ['q_proj', null, true],
    ['q_lora', 10, false],
  ] as const) {
    const config = tinyConfig({ qLoraRank, normTopkProb });
    const rng = new Rng(qLoraRank ?? 7);
    const textIds = Array.from({ length: 24 }, () => rng.int(config.text_config.vocab_size - 1));
    const placeholder = config.media_placeholder_token_id!;
    const grids = pictures.map((p) => preprocessImage(randomImage(p.width, p.height, p.seed), p.width, p.height, config.vision_config!, processor));
    const imageIds = [
      ...textIds.slice(0, 3),
      ...Array<number>(mediaTokenCount(grids[0]!, processor.mergeKernelSize)).fill(placeholder),
      ...textIds.slice(3, 6),
      ...Array<number>(mediaTokenCount(grids[1]!, processor.mergeKernelSize)).fill(placeholder),
      ...textIds.slice(6, 12),
    ];
    dirs.push(
      dumpModel(path.join(outDir, name), config, qLoraRank === null ? 1 : 2, [
        { name: 'text', ids: textIds, images: [] },
        { name: 'image_text', ids: imageIds, images: pictures },
      ], processor),
    );
  }
  return dirs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx testing/moe/reference/dump-case.ts <out-dir>');
    process.exit(2);
  }
  for (const d of dumpStandardCases(out)) console.log(`wrote ${d}`);
}

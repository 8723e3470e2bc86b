// The size of the package `models convert` would write, worked out from the tensor list alone:
// the same plan, the same stored parts (MatMulNBits blocks with their scales and zero points),
// the same safetensors headers and a manifest of the same length, so the figure is what the
// disk will hold, not an estimate from parameter counts.
import { basename, resolve } from 'node:path';
import type { ModelConfig } from '../config.ts';
import type { QuantChoice } from '../convert-checkpoint.ts';
import { manifestText, planPackage, storedParts, WEIGHTS_METADATA, PACKAGE_FORMAT, PACKAGE_VERSION, type FloatDtype, type PackageManifest, type PackageTensor } from '../package.ts';
import { byteSizeOf, safetensorsHeader } from '../safetensors.ts';

export interface SizedTensor extends PackageTensor {
  /** Its stored parts' bytes together. */
  bytes: number;
}

export interface PackageSize {
  quant: QuantChoice;
  blockSize: number;
  /** Every file, manifest included. */
  bytes: number;
  /** Tensor data alone. */
  tensorBytes: number;
  /** The weights files' headers. */
  headerBytes: number;
  tokenizerBytes: number;
  manifestBytes: number;
  tensors: SizedTensor[];
}

export interface PackageSizeInput {
  config: ModelConfig;
  rawConfig: Record<string, unknown>;
  /** The checkpoint folder (its name goes into the manifest). */
  dir: string;
  quant: QuantChoice;
  blockSize?: number;
  /** The dtype a tensor kept as floats is stored in. */
  floatDtype: (name: string) => FloatDtype;
  /** Tokenizer files that would be copied, by name, with their sizes. */
  tokenizerFiles: readonly { name: string; bytes: number }[];
}

const bitsOf = (quant: QuantChoice) => (quant === 'none' ? null : quant === 'int8' ? 8 : 4);
// A sha256 is 64 hex digits whatever the bytes, so a placeholder gives the manifest its exact length.
const SHA = '0'.repeat(64);

export function packageSize(input: PackageSizeInput): PackageSize {
  const blockSize = input.blockSize ?? 32;
  const plan = planPackage(input.config, bitsOf(input.quant), input.floatDtype);
  const byFile = new Map<string, PackageTensor[]>();
  for (const t of plan) {
    const group = byFile.get(t.file);
    if (group) group.push(t);
    else byFile.set(t.file, [t]);
  }

  const tensors: SizedTensor[] = [];
  const files: PackageManifest['files'] = {};
  const manifestTensors: PackageManifest['tensors'] = {};
  let tensorBytes = 0;
  let headerBytes = 0;
  for (const [file, group] of byFile) {
    const parts = group.map((t) => storedParts(t.name, t.shape, t.storage, blockSize));
    const header = 8 + safetensorsHeader(parts.flat(), WEIGHTS_METADATA).length;
    let data = 0;
    group.forEach((t, i) => {
      const bytes = parts[i]!.reduce((s, p) => s + byteSizeOf(p), 0);
      tensors.push({ ...t, bytes });
      data += bytes;
      manifestTensors[t.name] = { file, shape: t.shape, storage: t.storage, sha256: Object.fromEntries(parts[i]!.map((p) => [p.part, SHA])) };
    });
    files[file] = { bytes: header + data };
    tensorBytes += data;
    headerBytes += header;
  }
  const tokenizerBytes = input.tokenizerFiles.reduce((s, f) => s + f.bytes, 0);
  for (const f of input.tokenizerFiles) files[`tokenizer/${f.name}`] = { bytes: f.bytes, sha256: SHA };
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    version: PACKAGE_VERSION,
    config: input.rawConfig,
    quantisation: { bits: bitsOf(input.quant), blockSize, scheme: 'matmulnbits-asymmetric' },
    ...(input.tokenizerFiles.length ? { tokenizer: { files: input.tokenizerFiles.map((f) => `tokenizer/${f.name}`) } } : {}),
    // What convert records; its notes (the MTP layers left out) add a few hundred bytes.
    source: { kind: 'hugging-face-checkpoint', name: basename(resolve(input.dir)) },
    files,
    tensors: manifestTensors,
  };
  const manifestBytes = Buffer.byteLength(manifestText(manifest));
  return { quant: input.quant, blockSize, bytes: tensorBytes + headerBytes + tokenizerBytes + manifestBytes, tensorBytes, headerBytes, tokenizerBytes, manifestBytes, tensors };
}

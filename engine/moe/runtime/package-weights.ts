// A model package as the runtime reads it: float tensors by name, quantised weights in their
// stored MatMulNBits form (handed to onnxruntime as they are), and each weight's stored size.
import { LoupeError } from '../../errors.ts';
import type { ModelPackage } from '../package.ts';
import { quantLayout } from '../quant.ts';
import { decodeFloat32 } from '../safetensors.ts';
import type { DecoderWeights } from './decoder.ts';

/** The package's weights as the runtime reads them: quantised weights in their stored form. */
export function packageWeights(pkg: ModelPackage): DecoderWeights {
  const FLOAT_BYTES = { F32: 4, F16: 2, BF16: 2 } as const;
  // Tensors read row by row are kept as stored (BF16 is half of float32), widened a row at a time.
  const stored = new Map<string, ReturnType<ModelPackage['raw']>>();
  return {
    rows: (name, ids, width) => {
      let t = stored.get(name);
      if (!t) stored.set(name, (t = pkg.raw(name)));
      const size = FLOAT_BYTES[t.dtype] * width;
      const out = new Float32Array(ids.length * width);
      ids.forEach((id, i) => out.set(decodeFloat32(t!.dtype, t!.bytes.subarray(id * size, (id + 1) * size), `${name} row ${id}`), i * width));
      return out;
    },
    get: (name) => pkg.get(name),
    quantised: (name) => (pkg.isQuantised(name) ? pkg.quantised(name) : undefined),
    storedBytes: (name) => {
      const t = pkg.manifest.tensors[name];
      if (!t) throw new LoupeError('MODEL_CORRUPT', `${pkg.dir}: the manifest lists no tensor ${name}. Convert the model again.`);
      if (t.storage === 'int4' || t.storage === 'int8') {
        const l = quantLayout(t.shape[0]!, t.shape[1]!, t.storage === 'int4' ? 4 : 8, pkg.manifest.quantisation.blockSize);
        return l.qweightShape.reduce((a, b) => a * b, 1) + 4 * l.scalesLength + l.zeroPointsLength;
      }
      return t.shape.reduce((a, b) => a * b, 1) * FLOAT_BYTES[t.storage];
    },
  };
}

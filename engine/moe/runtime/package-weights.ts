// A model package as the runtime reads it: float tensors by name, quantised weights in their
// stored MatMulNBits form (handed to onnxruntime as they are), and each weight's stored size.
import type { ModelPackage } from '../package.ts';
import { decodeFloat32 } from '../safetensors.ts';
import type { DecoderWeights } from './decoder.ts';

/** The package's weights as the runtime reads them: quantised weights in their stored form. */
export function packageWeights(pkg: ModelPackage): DecoderWeights {
  return {
    // Rows are read from the file as they are asked for: Kimi's embedding is 163 840 rows, a token needs one.
    rows: (name, ids, width) => {
      const out = new Float32Array(ids.length * width);
      ids.forEach((id, i) => {
        const { dtype, bytes } = pkg.rawRows(name, id, id + 1);
        out.set(decodeFloat32(dtype, bytes, `${name} row ${id}`), i * width);
      });
      return out;
    },
    get: (name) => pkg.get(name),
    quantised: (name) => (pkg.isQuantised(name) ? pkg.quantised(name) : undefined),
    located: (name) => (pkg.isQuantised(name) ? pkg.located(name) : undefined),
    folder: pkg.dir,
    storedBytes: (name) => pkg.storedBytes(name),
  };
}

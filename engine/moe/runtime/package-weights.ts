// A model package as the runtime reads it: float tensors by name, quantised weights in their
// stored MatMulNBits form (handed to onnxruntime as they are), and each weight's stored size.
import type { ModelPackage } from '../package.ts';
import { byteSizeOf, decodeFloat32 } from '../safetensors.ts';
import type { DecoderWeights } from './decoder.ts';

/** The package's weights as the runtime reads them: quantised weights in their stored form. */
export function packageWeights(pkg: ModelPackage): DecoderWeights {
  // Tensors read row by row are kept as stored (BF16 is half of float32), widened a row at a time.
  const stored = new Map<string, ReturnType<ModelPackage['raw']>>();
  return {
    rows: (name, ids, width) => {
      let t = stored.get(name);
      if (!t) stored.set(name, (t = pkg.raw(name)));
      const size = byteSizeOf({ dtype: t.dtype, shape: [width] });
      const out = new Float32Array(ids.length * width);
      ids.forEach((id, i) => out.set(decodeFloat32(t!.dtype, t!.bytes.subarray(id * size, (id + 1) * size), `${name} row ${id}`), i * width));
      return out;
    },
    get: (name) => pkg.get(name),
    quantised: (name) => (pkg.isQuantised(name) ? pkg.quantised(name) : undefined),
    storedBytes: (name) => pkg.storedBytes(name),
  };
}

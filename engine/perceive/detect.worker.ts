// Worker thread that keeps the text detector loaded and answers detection requests, so the
// blocking onnxruntime call never stalls the caller's event loop.
import { parentPort } from 'node:worker_threads';
import { TextDetector, DEFAULT_DETECT, type PixelBox } from './text-detect.ts';

export interface DetectRequest {
  id: number;
  modelPath: string;
  threads: number;
  width: number;
  height: number;
  rgba: Uint8Array;
  /** On shared memory: the caller sets it to 1 to stop the detection before its next tile. */
  stop: Int32Array;
}
/** `model`: set when the model file failed to load (missing or corrupt), as opposed to a failed run. */
export type DetectReply = { id: number; boxes: PixelBox[] } | { id: number; error: string; model?: string };

// Keyed by model file, so a request naming another file never gets a session of the wrong model.
const detectors = new Map<string, Promise<TextDetector>>();

class ModelLoadError extends Error {}

function detector(req: DetectRequest): Promise<TextDetector> {
  let d = detectors.get(req.modelPath);
  if (!d) {
    d = TextDetector.create(req.modelPath, req.threads).catch((e) => {
      // Tried again on the next request: the file may have been restored.
      detectors.delete(req.modelPath);
      throw new ModelLoadError(e instanceof Error ? e.message : String(e));
    });
    detectors.set(req.modelPath, d);
  }
  return d;
}

parentPort!.on('message', async (req: DetectRequest) => {
  try {
    const d = await detector(req);
    const rgba = Buffer.from(req.rgba.buffer, req.rgba.byteOffset, req.rgba.byteLength);
    const boxes = await d.detect(rgba, req.width, req.height, DEFAULT_DETECT, () => Atomics.load(req.stop, 0) === 1);
    parentPort!.postMessage({ id: req.id, boxes } satisfies DetectReply);
  } catch (e) {
    const error = e instanceof Error ? e.stack ?? e.message : String(e);
    parentPort!.postMessage({ id: req.id, error, ...(e instanceof ModelLoadError && { model: req.modelPath }) } satisfies DetectReply);
  }
});

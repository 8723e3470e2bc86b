// A video file as Kimi K2.5's processor takes it (split_video_chunks): the frames it samples,
// chosen by index at the video's own frame rate, grouped into chunks with their timestamps.
// Frames come from the project's video ingest (ffmpeg), read at the file's rate so that frame n
// is the video's frame n; only the sampled ones are kept.
import { LoupeError } from '../errors.ts';
import { probeVideo, readVideoFrames } from '../ingest/video.ts';
import { planVideoChunks, type K25MediaConfig } from './k25-media-processor.ts';
import type { PromptImage, PromptVideo } from './runtime/engine.ts';

/** The video's sampled frames in chunks, full size (the processor resizes them itself). */
export async function readK25Video(path: string, cfg: K25MediaConfig, options: { signal?: AbortSignal } = {}): Promise<PromptVideo> {
  const info = await probeVideo(path, options);
  // A video declaring no rate (some variable-rate WebM) is read at the sampling rate itself: every frame read is then sampled.
  const rate = info.frameRate ?? cfg.sampleFps;
  const frames = await readVideoFrames(path, { fps: rate, maxFrames: Math.ceil(info.durationS * rate) + 1, signal: options.signal });
  const plan = planVideoChunks(Math.max(1, frames.plan.expectedFrames), frames.plan.fps, cfg);
  const wanted = new Set(plan.flatMap((c) => c.frames));
  const last = Math.max(...wanted);
  const picked = new Map<number, PromptImage>();
  let latest: PromptImage | undefined;
  for await (const frame of frames) {
    latest = { rgba: frame.rgba, width: frame.width, height: frame.height };
    if (wanted.has(frame.index)) picked.set(frame.index, latest);
    if (frame.index >= last) break;
  }
  if (!latest) throw new LoupeError('INPUT_CORRUPT', `${path}: not one frame could be read.`);
  // A container's duration can promise a frame or two more than it decodes: those take the last frame read.
  return { chunks: plan.map((c) => ({ timestamp: c.timestamp, frames: c.frames.map((i) => picked.get(i) ?? latest!) })) };
}

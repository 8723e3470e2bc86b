// Encodes RGBA frames into a video file, streamed through ffmpeg's stdin. This is how Loupe
// makes its own test walkthroughs, so the settings are those of ordinary screen recordings
// rather than archival ones: H.264 as a screen recorder writes it (yuv420p, constant quality,
// a fast preset, MP4 with the index at the front), VP9 as a browser's MediaRecorder does (WebM,
// libvpx's realtime mode). Both are tagged BT.709, as recorders tag HD video, and converted
// with that matrix so the tag tells the truth.
import { spawn } from 'node:child_process';
import { findFfmpeg } from '../../engine/ingest/ffmpeg.ts';

export type VideoCodec = 'h264' | 'vp9';

export const VIDEO_CODECS: readonly VideoCodec[] = ['h264', 'vp9'];

/** The container each codec is written in, as a file extension. */
export const VIDEO_EXTENSION: Record<VideoCodec, string> = { h264: 'mp4', vp9: 'webm' };

/** Constant-quality levels in the middle of what recorders use: text stays legible, files stay small. */
export const DEFAULT_CRF: Record<VideoCodec, number> = { h264: 26, vp9: 36 };

export interface VideoEncodeOptions {
  /** The output file; its extension should match the codec's container (VIDEO_EXTENSION). */
  path: string;
  codec: VideoCodec;
  /** Even numbers: 4:2:0 chroma is subsampled in 2×2 blocks. */
  width: number;
  height: number;
  fps: number;
  /** Lower is better quality; DEFAULT_CRF when not given. */
  crf?: number;
}

export interface VideoEncoder {
  /** Hands ffmpeg one frame (width × height × 4 bytes, RGBA), resolving once it can take more. */
  write(rgba: Uint8Array): Promise<void>;
  /** Ends the input and resolves when the file is complete. */
  finish(): Promise<{ frames: number }>;
  /** Stops ffmpeg; the file is left incomplete for the caller to remove. */
  abort(): void;
}

const CODEC_ARGS: Record<VideoCodec, (crf: number) => string[]> = {
  h264: (crf) => ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(crf), '-movflags', '+faststart'],
  // -b:v 0 makes the CRF the only target (libvpx otherwise caps the bitrate as well).
  vp9: (crf) => ['-c:v', 'libvpx-vp9', '-crf', String(crf), '-b:v', '0', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1'],
};

const BT709 = ['-vf', 'scale=out_color_matrix=bt709:out_range=tv', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709'];

/** What ffmpeg says last is where it says why it failed. */
const STDERR_TAIL = 2000;

export function startVideoEncoder(options: VideoEncodeOptions): VideoEncoder {
  const { path, codec, width, height, fps } = options;
  if (width % 2 !== 0 || height % 2 !== 0) throw new RangeError(`Video frames must have even sides for 4:2:0 chroma; got ${width}×${height}.`);
  const frameBytes = width * height * 4;
  const args = [
    '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0',
    '-an', ...BT709, '-pix_fmt', 'yuv420p', ...CODEC_ARGS[codec](options.crf ?? DEFAULT_CRF[codec]), path,
  ];
  const ffmpeg = spawn(findFfmpeg().path, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.setEncoding('utf8');
  ffmpeg.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
  // ffmpeg closing its input early (it failed) shows up here as EPIPE; the exit below explains it.
  ffmpeg.stdin.on('error', () => undefined);

  let closed = false;
  const exited = new Promise<void>((resolve, reject) => {
    ffmpeg.on('error', (e) => reject(new Error(`ffmpeg could not be started to encode ${path}: ${e.message}`)));
    ffmpeg.on('close', (code, signal) => {
      closed = true;
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg failed to encode ${path} (${signal ?? `exit code ${code}`}): ${stderr.trim() || 'no message'}`));
    });
  });
  // Failures are reported through write() and finish(); this keeps an unobserved one from crashing the process.
  exited.catch(() => undefined);
  /** Rejects with why ffmpeg stopped: its own message, or that it stopped before its input ended. */
  const stopped = () =>
    exited.then(() => {
      throw new Error(`ffmpeg exited before the video ${path} was finished.`);
    });

  let frames = 0;
  return {
    async write(rgba) {
      if (rgba.length !== frameBytes) throw new RangeError(`A ${width}×${height} RGBA frame has ${frameBytes} bytes; got ${rgba.length}.`);
      if (closed) return stopped();
      frames++;
      if (ffmpeg.stdin.write(rgba)) return;
      // Waiting for 'drain' alone would hang if ffmpeg died with the pipe full.
      await new Promise<void>((resolve) => {
        const go = () => {
          ffmpeg.stdin.off('drain', go);
          ffmpeg.off('close', go);
          resolve();
        };
        ffmpeg.stdin.on('drain', go);
        ffmpeg.on('close', go);
      });
      if (closed) return stopped();
    },
    async finish() {
      ffmpeg.stdin.end();
      await exited;
      return { frames };
    },
    abort() {
      ffmpeg.kill('SIGKILL');
    },
  };
}

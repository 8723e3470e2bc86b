// Reads a screen recording (MP4/MOV, WebM/MKV or AVI; see VIDEO_DEMUXERS) as a stream of RGBA
// frames sampled at a steady rate. Every check a user's file can fail happens first, on the
// header ffmpeg prints without decoding anything; then ffmpeg decodes into a pipe and the
// frames are cut from it one at a time, so memory stays at about one frame however long the
// video, and a slow consumer holds ffmpeg back instead of piling frames up.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { LoupeError } from '../errors.ts';
import { findFfmpeg } from './ffmpeg.ts';
import { checkRegularFile } from './regular-file.ts';

const VIDEO_LIMITS = {
  /** 8K UHD, either way up: the sides of the largest frame read. */
  maxLongSide: 7680,
  maxShortSide: 4320,
  /** Bytes on disk: ffmpeg streams the file, so this only keeps a wrong file (a disk image) out. */
  maxFileBytes: 8 * 1024 ** 3,
};

/**
 * A walkthrough changes in steps (a click, a scroll) and its transitions last a few hundred
 * milliseconds, so 10 frames a second sees every screen that stays up for 100 ms and two or
 * three frames of each transition, while a 60 fps recording hands on a sixth of its frames.
 */
export const DEFAULT_FPS = 10;
/** Five minutes at the default rate; a longer video is sampled more sparsely, never refused. */
const DEFAULT_MAX_FRAMES = 3000;
/** How long ffmpeg may go without output or progress before it is taken to be stuck. */
const DEFAULT_STALL_TIMEOUT_MS = 30_000;
/** Reading a header takes milliseconds; this only bounds a file on a drive that stopped answering. */
const HEADER_TIMEOUT_MS = 30_000;
/** A scan for a missing duration reads every packet (no decoding): about 1 s per GB. */
const SCAN_TIMEOUT_MS = 300_000;

export interface VideoInfo {
  /** Seconds, from the container, or from its last packet when the container does not say (a browser's MediaRecorder WebM). */
  durationS: number;
  /** Pixels as the video is shown: a recording the file asks to rotate a quarter turn has its sides swapped. */
  width: number;
  height: number;
  /** The frames per second the file declares; screen recorders often vary theirs, so it is nominal. Undefined when it declares none. */
  frameRate: number | undefined;
  /** ffmpeg's name for the video codec: h264, hevc, vp9, prores, … */
  codec: string;
  hasAudio: boolean;
}

export interface VideoFrame {
  /** 0, 1, 2, … in the order read. */
  index: number;
  /** Where the frame is shown in the video, in seconds from its start: index / plan.fps. */
  timeS: number;
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major RGBA; a fresh array per frame, the caller's to keep. */
  rgba: Uint8Array;
}

export interface ReadVideoOptions {
  /** Frames sampled per second of video; DEFAULT_FPS when not given. */
  fps?: number;
  /** Frames wider than this are scaled down to it, keeping their aspect ratio. */
  maxWidth?: number;
  /** The most frames one pass yields; when duration × fps would exceed it, fps is lowered so the whole video is still covered. */
  maxFrames?: number;
  signal?: AbortSignal;
  stallTimeoutMs?: number;
}

export interface FramePlan {
  /** Frames per second actually sampled: the requested rate, or lower to fit the frame budget. */
  fps: number;
  requestedFps: number;
  /** About how many frames a pass yields: duration × fps, never over the budget. */
  expectedFrames: number;
  /** Size of every frame yielded. */
  width: number;
  height: number;
}

export interface VideoFrames extends AsyncIterable<VideoFrame> {
  readonly info: VideoInfo;
  readonly plan: FramePlan;
  /**
   * Problems that did not stop the pass (a file cut short, damaged packets): filled in as the
   * pass ends, to be read after the loop. Each pass starts them afresh.
   */
  readonly warnings: readonly string[];
}

/** What the video is, from its header alone (nothing is decoded). */
export async function probeVideo(path: string, options: { signal?: AbortSignal } = {}): Promise<VideoInfo> {
  return (await openVideo(path, options.signal)).info;
}

/**
 * Checks the file and plans the pass; ffmpeg starts decoding only when the frames are iterated,
 * and each iteration is one pass of its own. Breaking out of the loop, an exception in it or
 * an abort stops ffmpeg, and the loop does not end before ffmpeg has exited.
 */
export async function readVideoFrames(path: string, options: ReadVideoOptions = {}): Promise<VideoFrames> {
  const { fps = DEFAULT_FPS, maxFrames = DEFAULT_MAX_FRAMES, maxWidth, stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS } = options;
  if (!(Number.isFinite(fps) && fps > 0 && fps <= 240)) throw new LoupeError('INVALID_ARGUMENT', `fps is ${fps}; give a rate above 0 and at most 240 frames a second.`);
  for (const [label, value] of [['maxFrames', maxFrames], ['maxWidth', maxWidth ?? 1], ['stallTimeoutMs', stallTimeoutMs]] as const) {
    if (!(Number.isInteger(value) && value >= 1)) throw new LoupeError('INVALID_ARGUMENT', `${label} is ${value}; give a whole number of at least 1.`);
  }
  const video = await openVideo(path, options.signal);
  const plan = planFrames(video.info, fps, maxFrames, maxWidth);
  const warnings: string[] = [];
  return {
    info: video.info,
    plan,
    warnings,
    [Symbol.asyncIterator]: () => {
      warnings.length = 0;
      return decode(video, plan, maxFrames, stallTimeoutMs, warnings, options.signal);
    },
  };
}

interface OpenVideo {
  info: VideoInfo;
  name: string;
  /** The file as ffmpeg is given it. */
  source: string;
  /** ffmpeg's index of the video stream read. */
  stream: number;
}

async function openVideo(path: string, signal: AbortSignal | undefined): Promise<OpenVideo> {
  const name = basename(path);
  const file = await stat(path).catch(() => undefined);
  if (!file) throw new LoupeError('INPUT_NOT_FOUND', `${path}: no such file.`);
  // ffmpeg opens the file itself; it is checked here, before ffmpeg can block on a FIFO.
  if (checkRegularFile(path, file, { maxBytes: VIDEO_LIMITS.maxFileBytes, what: 'a video' }) === 0) throw new LoupeError('INPUT_EMPTY', `${name} is empty (0 bytes).`);
  // "file:" keeps a name that looks like an option or a URL ("-x.mp4", "http:…") a file name.
  const source = `file:${resolve(path)}`;
  const { stderr } = await runFfmpeg(['-hide_banner', '-nostdin', ...input(source)], name, HEADER_TIMEOUT_MS, signal);
  const header = parseHeader(plainLog(stderr, source), name);
  const { width, height, frameRate } = header.info;
  if (Math.max(width, height) > VIDEO_LIMITS.maxLongSide || Math.min(width, height) > VIDEO_LIMITS.maxShortSide) {
    throw new LoupeError(
      'INPUT_TOO_LARGE',
      `${name} is ${width}×${height} px; Loupe reads videos up to ${VIDEO_LIMITS.maxLongSide}×${VIDEO_LIMITS.maxShortSide} (8K), either way up. Record at a lower resolution, or scale it down first.`,
    );
  }
  const durationS = header.durationS ?? (await scanDuration(source, header.stream, frameRate, name, signal));
  return { info: { ...header.info, durationS }, name, source, stream: header.stream };
}

interface Header {
  info: Omit<VideoInfo, 'durationS'>;
  /** Undefined when the container does not say. */
  durationS: number | undefined;
  stream: number;
}

/** The header as `ffmpeg -i` prints it: the container's line, then one line per stream with its details indented under it. */
function parseHeader(log: string, name: string): Header {
  const lines = log.split(/\r?\n/);
  const container = lines.map((l) => /^Input #0, (.+?), from '/.exec(l)?.[1]).find(Boolean);
  const complaint = lines.filter((l) => l.trim()).at(-1) ?? 'no output';
  const notVideo = () => new LoupeError('INPUT_UNSUPPORTED', `${name} is not a video Loupe can read (ffmpeg: ${complaint}). Loupe reads screen recordings as MP4, WebM or MOV.`);
  // Random bytes are "detected" as something with a score of almost nothing.
  if (log.includes('misdetection possible')) throw notVideo();
  if (log.includes('moov atom not found')) {
    throw new LoupeError('INPUT_CORRUPT', `${name} has no index (its "moov atom"): an MP4 or MOV recording that was cut off before it finished saving. Export or record it again.`);
  }
  // ffmpeg names the demuxer it found when the allow-list (see `input`) turns it away.
  const refused = lines.map((l) => /^(\S+): Format not on whitelist/.exec(l)?.[1]).find(Boolean);
  if (refused && /_pipe$|^image2$/.test(refused)) {
    throw new LoupeError('INPUT_UNSUPPORTED', `${name} is a still image (${refused}), not a video; open it as a design image instead.`);
  }
  if (refused) {
    throw new LoupeError(
      'INPUT_UNSUPPORTED',
      `${name} is in the ${refused.split(',')[0]} format, not a video container Loupe reads: it reads screen recordings as MP4, MOV, M4V, WebM, MKV or AVI ` +
        '(playlists and other formats are refused, since they can point ffmpeg at other files).',
    );
  }
  if (!container) throw notVideo();
  const streams: Array<{ index: number; kind: string; description: string; details: string[] }> = [];
  for (const line of lines) {
    const stream = /^\s+Stream #0:(\d+)\S*?: (\w+): (.*)$/.exec(line);
    if (stream) streams.push({ index: Number(stream[1]), kind: stream[2]!, description: stream[3]!, details: [] });
    else if (/^\s/.test(line)) streams.at(-1)?.details.push(line);
  }
  // Cover art in an audio file is a "video" stream of one picture.
  const video = streams.find((s) => s.kind === 'Video' && !s.description.includes('(attached pic)'));
  const hasAudio = streams.some((s) => s.kind === 'Audio');
  if (!video) {
    throw new LoupeError('INPUT_UNSUPPORTED', `${name} has no video in it${hasAudio ? ', only audio' : ''}; Loupe needs a screen recording with a picture.`);
  }
  const size = /, (\d+)x(\d+)\b/.exec(video.description);
  if (!size) throw new LoupeError('INPUT_CORRUPT', `${name}: ffmpeg cannot tell the size of its video (${video.description}); the file looks damaged.`);
  const rotation = Number(video.details.map((l) => /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(l)?.[1]).find(Boolean) ?? 0);
  const quarterTurn = Math.round(Math.abs(rotation) / 90) % 2 === 1;
  const [width, height] = quarterTurn ? [Number(size[2]), Number(size[1])] : [Number(size[1]), Number(size[2])];
  const rate = /, ([\d.]+)(k?) (?:fps|tbr)\b/.exec(video.description);
  const duration = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(log);
  return {
    stream: video.index,
    durationS: duration ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]) : undefined,
    info: {
      width,
      height,
      frameRate: rate ? Number(rate[1]) * (rate[2] ? 1000 : 1) : undefined,
      codec: /^(\w+)/.exec(video.description)?.[1] ?? 'unknown',
      hasAudio,
    },
  };
}

/** A video whose container gives no duration: its packets are read (not decoded) to find the last one. */
async function scanDuration(source: string, stream: number, frameRate: number | undefined, name: string, signal: AbortSignal | undefined): Promise<number> {
  const args = ['-nostdin', '-v', 'error', ...input(source), '-map', `0:${stream}`, '-c', 'copy', '-f', 'null', '-progress', 'pipe:1', '-'];
  const { stdout } = await runFfmpeg(args, name, SCAN_TIMEOUT_MS, signal);
  const lastPacketUs = [...stdout.matchAll(/^out_time_us=(\d+)$/gm)].at(-1)?.[1];
  if (lastPacketUs === undefined) return 0;
  // The last packet's time is when its frame starts; the video lasts until that frame ends.
  return Number(lastPacketUs) / 1e6 + 1 / (frameRate ?? DEFAULT_FPS);
}

/** ffmpeg run to completion for what it prints; its exit code is the caller's to judge (`-i` alone always exits 1). */
function runFfmpeg(args: string[], name: string, timeout: number, signal: AbortSignal | undefined): Promise<{ stdout: string; stderr: string }> {
  const ffmpeg = findFfmpeg().path;
  return new Promise((done, fail) => {
    execFile(ffmpeg, args, { signal, timeout, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (signal?.aborted) fail(cancelled(name));
      else if (error?.killed) fail(new LoupeError('INPUT_CORRUPT', `${name}: ffmpeg took over ${timeout / 1000} s to read it and was stopped; the file may be damaged or on a drive that stopped responding.`));
      else if (error && typeof error.code !== 'number') fail(error);
      else done({ stdout, stderr });
    });
  });
}

function planFrames(info: VideoInfo, requestedFps: number, maxFrames: number, maxWidth: number | undefined): FramePlan {
  // Rounded down to a thousandth so that ffmpeg's rate and index / fps are the same number.
  const budgetFps = Math.max(0.001, Math.floor((maxFrames / info.durationS) * 1000) / 1000);
  const fps = Math.min(requestedFps, budgetFps);
  const scale = maxWidth !== undefined && info.width > maxWidth ? maxWidth / info.width : 1;
  return {
    fps,
    requestedFps,
    expectedFrames: Math.min(maxFrames, Math.round(info.durationS * fps)),
    width: Math.round(info.width * scale),
    height: Math.max(1, Math.round(info.height * scale)),
  };
}

async function* decode(
  video: OpenVideo,
  plan: FramePlan,
  maxFrames: number,
  stallTimeoutMs: number,
  warnings: string[],
  signal: AbortSignal | undefined,
): AsyncGenerator<VideoFrame> {
  const { name } = video;
  if (signal?.aborted) throw cancelled(name);
  // start_time=0 puts output frame n at exactly n / fps from the start of the file (a video
  // stream that starts late is padded with its first picture), so timestamps need no reading
  // back from ffmpeg. The CLI's constant-rate sync for rawvideo pads the same way today; the
  // filter says it where it does not depend on that default.
  const filters = [`fps=fps=${plan.fps}:start_time=0`];
  if (plan.width !== video.info.width) filters.push(`scale=${plan.width}:${plan.height}:flags=area`);
  const args = [
    ...['-nostdin', '-hide_banner', '-nostats', '-v', 'error', ...input(video.source), '-map', `0:${video.stream}`, '-vf', filters.join(',')],
    // The budget is met by the rate; the cap only absorbs the rounding of the last frame.
    ...['-frames:v', String(maxFrames), '-f', 'rawvideo', '-pix_fmt', 'rgba', '-progress', 'pipe:3', 'pipe:1'],
  ];
  const child = spawn(findFfmpeg().path, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
  // Piped, so present: Node types only three-pipe spawns precisely.
  const [stdout, log, progress] = [child.stdout!, child.stderr!, child.stdio[3] as Readable];
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((done) => child.once('close', (code, killedBy) => done([code, killedBy])));
  // A spawn failure is thrown from the 'spawn' wait below; an abort also makes the child emit
  // 'error', and is answered after the loop.
  child.on('error', () => {});
  let stderr = '';
  log.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-8192);
  });

  // The watchdog runs only while waiting on ffmpeg: while the consumer holds a frame, ffmpeg
  // is held back by the full pipe, and that is not a stall. Progress reports (every half
  // second while it works) count as signs of life, so a long stretch of source frames
  // between two sampled ones is not mistaken for one.
  let stalled = false;
  let watchdog: NodeJS.Timeout | undefined;
  const watch = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      stalled = true;
      child.kill('SIGKILL');
    }, stallTimeoutMs);
  };
  const rest = () => {
    clearTimeout(watchdog);
    watchdog = undefined;
  };
  progress.on('data', () => {
    if (watchdog) watch();
  });

  const frameBytes = plan.width * plan.height * 4;
  let frame: Uint8Array | undefined;
  let filled = 0;
  let index = 0;
  try {
    await once(child, 'spawn').catch((e: unknown) => {
      throw signal?.aborted ? cancelled(name) : e;
    });
    watch();
    for await (const chunk of stdout as AsyncIterable<Buffer>) {
      rest();
      for (let offset = 0; offset < chunk.length; ) {
        frame ??= new Uint8Array(frameBytes);
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled < frameBytes) continue;
        if (signal?.aborted) throw cancelled(name);
        yield { index, timeS: index / plan.fps, width: plan.width, height: plan.height, rgba: frame };
        index += 1;
        frame = undefined;
        filled = 0;
      }
      watch();
    }
    rest();
    const [code, killedBy] = await closed;
    if (signal?.aborted) throw cancelled(name);
    const said = stderrTail(plainLog(stderr, video.source));
    if (stalled) {
      throw new LoupeError('INPUT_CORRUPT', `${name}: ffmpeg went ${stallTimeoutMs / 1000} s without decoding anything and was stopped; the file may be damaged or on a drive that stopped responding.${said && ` ffmpeg said: ${said}`}`);
    }
    const exit = code === 0 ? '' : ` (ffmpeg ${code === null ? `was stopped by ${killedBy}` : `exited with code ${code}`})`;
    if (index === 0) {
      throw new LoupeError('INPUT_CORRUPT', `${name}: not one frame of its video could be decoded${exit}; the file looks damaged or cut short.${said && ` ffmpeg said: ${said}`}`);
    }
    const readToS = index / plan.fps;
    // Audio may outlast the picture by a moment; more than that, and the picture was cut off.
    const short = video.info.durationS - readToS > Math.max(0.5, 2 / plan.fps) && index < maxFrames;
    if (exit || said || short) {
      const problem = short
        ? `its frames stop at ${readToS.toFixed(1)} s of its ${video.info.durationS.toFixed(1)} s; the file looks cut short or damaged`
        : 'ffmpeg met damaged data while decoding it; some frames may be garbled';
      warnings.push(`${name}: ${problem}${exit}.${said && ` ffmpeg said: ${said}`}`);
    }
  } finally {
    rest();
    if (child.pid !== undefined) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await closed;
    }
  }
}

/**
 * The demuxers ffmpeg may use, by its names for them (a demuxer is allowed when one of its
 * names is listed): MP4/MOV/M4V, Matroska/WebM and AVI, the containers screen recorders write.
 * Anything else is refused once probed, before its demuxer runs: above all playlists (HLS,
 * concat) and other formats that name further files, since a text file called .mp4 must not
 * show another local file.
 */
const VIDEO_DEMUXERS = ['mov', 'matroska', 'avi'] as const;

/**
 * Only local files, and only the allowed containers: the protocol list keeps ffmpeg off the
 * network, the format list keeps it from following a file to other files.
 */
const input = (source: string) => ['-protocol_whitelist', 'file', '-format_whitelist', VIDEO_DEMUXERS.join(','), '-i', source];

/** ffmpeg's log for a person: without the file's full path (the message names the file) or the addresses of ffmpeg's objects. */
const plainLog = (log: string, source: string) => log.replaceAll(`${source}: `, '').replace(/^\[(\S+) @ 0x[0-9a-f]+\] /gm, '$1: ');

/** The last few distinct lines ffmpeg printed: enough to tell the error without a screenful of repeats. */
const stderrTail = (log: string) => {
  const latestFirst = new Set(log.split('\n').map((l) => l.trim()).filter(Boolean).reverse());
  return [...latestFirst].slice(0, 3).reverse().join(' / ');
};

const cancelled = (name: string) => new LoupeError('CANCELLED', `Reading ${name} was cancelled.`);

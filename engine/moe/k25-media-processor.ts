// Kimi K2.5's media processor (KimiK25VisionProcessor, remote code in the release, with its
// helpers in media_utils.py): an image, or a chunk of video frames, becomes the normalised
// 14-px patches MoonViT3d reads, and a video becomes the chunks the prompt marks one by one.
//
// Its settings sit under `media_proc_cfg` in preprocessor_config.json. Unlike Kimi-VL's
// processor, every picture goes through PIL's bicubic resize (to its own size when no limit
// applies) and is padded to a multiple of merge × patch; a video chunk's frames share one size,
// from a per-frame patch budget. Checked on its own (k25-media-processor.test.ts), as
// image-processor.ts is: the runtime and the reference forward pass both take their inputs here.
import type { VisionConfig } from './config.ts';
import { LoupeError } from '../errors.ts';
import { normalisationTable, padRightBottom, patchify, resizeBicubicPil, rgbOf, roundHalfEven, type PreprocessedImage } from './image-processor.ts';

export type TimestampMode = 'hh:mm:ss.fff' | 'mm:ss.fff' | 'mm:ss';

/** KimiK25VisionProcessor's `media_proc_cfg`, the keys its image and video-chunk paths read. */
export interface K25MediaConfig {
  patchSize: number;
  /** One number: the kernel is square. */
  mergeKernelSize: number;
  /** The most patches an image may have before it is scaled down. */
  inPatchLimit: number;
  /** The most patches along either side. */
  patchLimitOnOneSide: number;
  /** A video frame's patch budget; null: inPatchLimit. */
  inPatchLimitEachFrame: number | null;
  /** A budget shared by a chunk's frames; null: none. */
  inPatchLimitVideo: number | null;
  /** Frames sampled per second of video (at most the video's own rate). */
  sampleFps: number;
  /** Frames per video chunk, pooled into one set of tokens by the vision tower. */
  temporalMergeKernelSize: number;
  timestampMode: TimestampMode;
  imageMean: readonly [number, number, number];
  imageStd: readonly [number, number, number];
}

const TIMESTAMP_MODES: readonly TimestampMode[] = ['hh:mm:ss.fff', 'mm:ss.fff', 'mm:ss'];

/**
 * The settings from a release's preprocessor_config.json (`{ "media_proc_cfg": { … } }`). Every
 * key the processor reads must be there: its code indexes them without defaults. A fixed token
 * count (`fixed_output_tokens`) is refused, since the vision tower's output would not match it.
 * `max_num_frames_each_video` is not read: the chunking path (split_video_chunks) ignores it.
 */
export function k25MediaConfigFromJson(json: unknown, source: string): K25MediaConfig {
  const outer = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const o = (outer.media_proc_cfg && typeof outer.media_proc_cfg === 'object' ? outer.media_proc_cfg : {}) as Record<string, unknown>;
  const bad = (key: string, want: string) =>
    new LoupeError('MODEL_CORRUPT', `${source}: media_proc_cfg.${key} is ${o[key] === undefined ? 'missing' : JSON.stringify(o[key])}; Kimi K2.5's processor needs ${want}. Copy preprocessor_config.json from the model's release again.`);
  const whole = (key: string) => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw bad(key, 'a whole number ≥ 1');
    return v;
  };
  const wholeOrNull = (key: string) => (o[key] === null ? null : whole(key));
  const triple = (key: string, positiveOnly: boolean) => {
    const v = o[key];
    if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || (positiveOnly && x <= 0))) throw bad(key, `three ${positiveOnly ? 'positive ' : ''}numbers (R, G, B)`);
    return [v[0], v[1], v[2]] as const;
  };
  const patchSize = whole('patch_size');
  if (o.fixed_output_tokens !== null) throw bad('fixed_output_tokens', 'null (a fixed token count per image is not supported)');
  if (typeof o.sample_fps !== 'number' || !(o.sample_fps > 0)) throw bad('sample_fps', 'a rate above 0');
  if (!TIMESTAMP_MODES.includes(o.timestamp_mode as TimestampMode)) throw bad('timestamp_mode', `one of ${TIMESTAMP_MODES.join(', ')}`);
  return {
    patchSize,
    mergeKernelSize: whole('merge_kernel_size'),
    inPatchLimit: whole('in_patch_limit'),
    patchLimitOnOneSide: whole('patch_limit_on_one_side'),
    inPatchLimitEachFrame: wholeOrNull('in_patch_limit_each_frame'),
    inPatchLimitVideo: wholeOrNull('in_patch_limit_video'),
    sampleFps: o.sample_fps,
    temporalMergeKernelSize: whole('temporal_merge_kernel_size'),
    timestampMode: o.timestamp_mode as TimestampMode,
    imageMean: triple('image_mean', false),
    imageStd: triple('image_std', true),
  };
}

/** A picture's size after navit_resize_image: scaled to `newWidth` × `newHeight`, then padded. */
export interface NavitSize {
  newWidth: number;
  newHeight: number;
  padWidth: number;
  padHeight: number;
  /** Placeholder tokens it takes: one per merged cell of the padded picture. */
  tokens: number;
}

/**
 * media_utils.navit_resize_image: the largest scale ≤ 1 that keeps the picture within
 * `patchLimit` patches ((w // p)·(h // p), each side counted as at least 1) and within
 * patch_limit_on_one_side patches a side; sizes truncated (int()), at least 1 px; then padding
 * on the right and bottom to a multiple of merge × patch.
 */
export function navitResize(width: number, height: number, patchLimit: number, cfg: K25MediaConfig): NavitSize {
  const p = cfg.patchSize;
  const side = cfg.patchLimitOnOneSide * p;
  const byArea = Math.sqrt(patchLimit / (Math.max(1, Math.floor(width / p)) * Math.max(1, Math.floor(height / p))));
  const scale = Math.min(1, byArea, side / width, side / height);
  const newWidth = Math.min(side, Math.max(1, Math.trunc(width * scale)));
  const newHeight = Math.min(side, Math.max(1, Math.trunc(height * scale)));
  const factor = cfg.mergeKernelSize * p;
  const padWidth = (factor - (newWidth % factor)) % factor;
  const padHeight = (factor - (newHeight % factor)) % factor;
  const across = (newWidth + padWidth) / factor;
  const down = (newHeight + padHeight) / factor;
  if (Math.max(across, down) * cfg.mergeKernelSize > cfg.patchLimitOnOneSide) {
    throw new LoupeError('INPUT_TOO_LARGE', `A ${width}×${height} picture comes to ${across * cfg.mergeKernelSize}×${down * cfg.mergeKernelSize} patches after padding; this processor takes at most ${cfg.patchLimitOnOneSide} a side.`);
  }
  return { newWidth, newHeight, padWidth, padHeight, tokens: across * down };
}

/**
 * A video chunk's per-frame patch budget (navit_resize_video with the chunk's own frame count):
 * in_patch_limit_each_frame (else in_patch_limit), and no more than an even share of
 * in_patch_limit_video where that is set.
 */
export function chunkFrameLimit(frames: number, cfg: K25MediaConfig): number {
  const each = cfg.inPatchLimitEachFrame ?? cfg.inPatchLimit;
  return cfg.inPatchLimitVideo === null ? each : Math.min(roundHalfEven(cfg.inPatchLimitVideo / frames), each);
}

function checkVision(cfg: K25MediaConfig, vision: Pick<VisionConfig, 'patch_size' | 'merge_kernel_size'>): void {
  if (cfg.patchSize !== vision.patch_size) throw new LoupeError('MODEL_UNSUPPORTED', `The media processor's patch size (${cfg.patchSize}) differs from the vision encoder's (${vision.patch_size}).`);
  if (vision.merge_kernel_size.some((k) => k !== cfg.mergeKernelSize)) {
    throw new LoupeError('MODEL_UNSUPPORTED', `The media processor's merge kernel (${cfg.mergeKernelSize}×${cfg.mergeKernelSize}) differs from the vision encoder's (${vision.merge_kernel_size.join('×')}).`);
  }
}

/** 8-bit RGBA, as a picture arrives. */
export interface RgbaPicture {
  rgba: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * The frames (one for an image) resized to `size` with PIL's bicubic, padded with black, and
 * normalised as media_utils.normalize does: float32(v / 255), minus the mean and times 1 / std,
 * each step computed in float64 and stored as float32 (NumPy's in-place arithmetic on a float32
 * array with float64 operands).
 */
function toPatches(frames: readonly RgbaPicture[], size: NavitSize, cfg: K25MediaConfig): PreprocessedImage {
  const p = cfg.patchSize;
  const width = size.newWidth + size.padWidth;
  const height = size.newHeight + size.padHeight;
  const f = Math.fround;
  const table = normalisationTable((v, c) => f((f(v / 255) - cfg.imageMean[c]!) * (1 / cfg.imageStd[c]!)));
  const perFrame = (width / p) * (height / p) * 3 * p * p;
  const patches = new Float32Array(frames.length * perFrame);
  frames.forEach((frame, t) => {
    const resized = resizeBicubicPil(rgbOf(frame.rgba, frame.width, frame.height), frame.width, frame.height, size.newWidth, size.newHeight);
    patchify(padRightBottom(resized, size.newWidth, size.newHeight, size.padWidth, size.padHeight), width, height, p, table, patches, t * perFrame);
  });
  return { patches, gridH: height / p, gridW: width / p, width, height };
}

/** KimiK25VisionProcessor.preprocess for one image. */
export function preprocessK25Image(picture: RgbaPicture, vision: Pick<VisionConfig, 'patch_size' | 'merge_kernel_size'>, cfg: K25MediaConfig): PreprocessedImage {
  checkVision(cfg, vision);
  return toPatches([picture], navitResize(picture.width, picture.height, cfg.inPatchLimit, cfg), cfg);
}

/**
 * KimiK25VisionProcessor.preprocess for one video chunk: every frame resized to the size the
 * first frame's sides and the chunk's per-frame budget give, patches frame by frame ([T, gh·gw, 3, p, p]).
 */
export function preprocessK25Chunk(frames: readonly RgbaPicture[], vision: Pick<VisionConfig, 'patch_size' | 'merge_kernel_size'>, cfg: K25MediaConfig): PreprocessedImage {
  checkVision(cfg, vision);
  if (frames.length < 1 || frames.length > cfg.temporalMergeKernelSize) throw new LoupeError('INVALID_ARGUMENT', `A video chunk has ${frames.length} frames; Kimi K2.5 takes 1 to ${cfg.temporalMergeKernelSize}.`);
  const { width, height } = frames[0]!;
  for (const frame of frames) {
    if (frame.width !== width || frame.height !== height) throw new LoupeError('INVALID_ARGUMENT', `A video chunk mixes ${width}×${height} and ${frame.width}×${frame.height} frames; a video's frames share one size.`);
  }
  return { ...toPatches(frames, navitResize(width, height, chunkFrameLimit(frames.length, cfg), cfg), cfg), gridT: frames.length };
}

/** A video chunk to sample: which of the video's frames (0-based, at its own rate), and when it starts, as the prompt writes it. */
export interface ChunkPlan {
  frames: number[];
  timestamp: string;
}

/**
 * KimiK25VisionProcessor.split_video_chunks, without the decoding: min(sample_fps, fps) frames a
 * second (round(frames · rate / fps), at least 1), spread evenly from the first frame to the last
 * (np.linspace, rounded half to even), cut into chunks of temporal_merge_kernel_size frames, each
 * stamped with its first frame's time.
 */
export function planVideoChunks(frameCount: number, fps: number, cfg: K25MediaConfig): ChunkPlan[] {
  if (!Number.isInteger(frameCount) || frameCount < 1) throw new LoupeError('INPUT_EMPTY', 'The video has no frames.');
  if (!(fps > 0)) throw new LoupeError('INPUT_CORRUPT', `The video's frame rate is ${fps}; it needs one above 0.`);
  const rate = Math.min(cfg.sampleFps, fps);
  const sampled = Math.max(roundHalfEven((frameCount * rate) / fps), 1);
  const step = sampled > 1 ? (frameCount - 1) / (sampled - 1) : 0;
  const indices = Array.from({ length: sampled }, (_, i) => (i === sampled - 1 && sampled > 1 ? frameCount - 1 : roundHalfEven(i * step)));
  const chunks: ChunkPlan[] = [];
  for (let i = 0; i < indices.length; i += cfg.temporalMergeKernelSize) {
    chunks.push({ frames: indices.slice(i, i + cfg.temporalMergeKernelSize), timestamp: timestampAsStr(indices[i]! / fps, cfg.timestampMode) });
  }
  return chunks;
}

/**
 * media_utils.timestamp_as_str: the clock time of `seconds` from UTC midnight
 * (datetime.fromtimestamp, which rounds to the microsecond), then the milliseconds truncated
 * from the seconds' own fraction.
 */
export function timestampAsStr(seconds: number, mode: TimestampMode): string {
  const fraction = seconds % 1;
  const whole = Math.trunc(seconds) + (roundHalfEven(fraction * 1e6) >= 1e6 ? 1 : 0);
  const two = (n: number) => String(n).padStart(2, '0');
  const hh = two(Math.floor(whole / 3600) % 24);
  const mm = two(Math.floor(whole / 60) % 60);
  const ss = two(whole % 60);
  const ms = String(Math.trunc(fraction * 1000)).padStart(3, '0');
  if (mode === 'hh:mm:ss.fff') return `${hh}:${mm}:${ss}.${ms}`;
  if (mode === 'mm:ss.fff') return `${mm}:${ss}.${ms}`;
  return `${mm}:${ss}`;
}

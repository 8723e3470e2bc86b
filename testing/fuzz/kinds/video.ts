// Videos: a real small clip (H.264 in MP4 and VP9 in WebM, encoded by ffmpeg as a screen
// recorder would at the start of the run), cut short or with bytes changed, probed and then
// decoded frame by frame as a conversion reads a walkthrough.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readVideoFrames } from '../../../engine/ingest/video.ts';
import { VIDEO_CODECS, VIDEO_EXTENSION, startVideoEncoder } from '../../ingest/video-encode.ts';
import { refusedIfLoupeError, type FuzzTarget } from '../kind.ts';
import { caseValue, mutatedBytes } from '../mutate.ts';

const WIDTH = 64;
const HEIGHT = 48;
const FRAMES = 10;

/** A clip of moving bars: every frame differs, as a walkthrough's do. */
export async function encodeClip(path: string, codec: (typeof VIDEO_CODECS)[number]): Promise<Buffer> {
  const encoder = startVideoEncoder({ path, codec, width: WIDTH, height: HEIGHT, fps: 10 });
  for (let f = 0; f < FRAMES; f++) {
    const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
    for (let i = 0; i < WIDTH * HEIGHT; i++) rgba.fill(((i % WIDTH) + f * 8) % 64 < 32 ? 255 : 0, i * 4, i * 4 + 3).fill(255, i * 4 + 3, i * 4 + 4);
    await encoder.write(rgba);
  }
  await encoder.finish();
  return readFile(path);
}

export async function startVideo(): Promise<FuzzTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-fuzz-clip-'));
  const clips = await Promise.all(VIDEO_CODECS.map(async (codec) => ({ ext: VIDEO_EXTENSION[codec], bytes: await encodeClip(join(dir, `clip.${VIDEO_EXTENSION[codec]}`), codec) })));
  const video = fc.oneof(...clips.map(({ ext, bytes }) => mutatedBytes(bytes).map((m) => ({ ext, ...m }))));
  return {
    make(seed, n) {
      const { ext, value, how } = caseValue(video, seed, n);
      return { name: `recording.${ext}`, bytes: value, how };
    },
    run: (path) =>
      refusedIfLoupeError(async () => {
        for await (const frame of await readVideoFrames(path, { maxFrames: 50 })) void frame;
      }),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFfmpeg } from '../../engine/ingest/ffmpeg.ts';
import { startVideoEncoder, VIDEO_CODECS, VIDEO_EXTENSION } from './video-encode.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-video-encode-'));
after(() => rm(dir, { recursive: true, force: true }));

const WIDTH = 64;
const HEIGHT = 48;
const COLOURS = [
  [220, 40, 40],
  [40, 160, 80],
  [50, 90, 220],
  [240, 240, 240],
];
const SOLID_FRAMES = 3;

const solid = ([r, g, b]: number[]) => {
  const frame = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let i = 0; i < frame.length; i += 4) frame.set([r, g, b, 255], i);
  return frame;
};

/** Every frame of a video as RGBA, decoded by ffmpeg itself (not Loupe's reader, which is tested apart). */
async function decode(path: string): Promise<Buffer[]> {
  const { stdout } = await promisify(execFile)(findFfmpeg().path, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: 64 << 20,
  });
  const size = WIDTH * HEIGHT * 4;
  assert.equal(stdout.length % size, 0, 'whole frames of the encoded size');
  return Array.from({ length: stdout.length / size }, (_, i) => stdout.subarray(i * size, (i + 1) * size));
}

for (const codec of VIDEO_CODECS) {
  test(`${codec}: every frame written comes back, in order, in about its colour`, async () => {
    const path = join(dir, `colours.${VIDEO_EXTENSION[codec]}`);
    const encoder = startVideoEncoder({ path, codec, width: WIDTH, height: HEIGHT, fps: 30 });
    for (const colour of COLOURS) for (let i = 0; i < SOLID_FRAMES; i++) await encoder.write(solid(colour));
    assert.deepEqual(await encoder.finish(), { frames: COLOURS.length * SOLID_FRAMES });

    const frames = await decode(path);
    assert.equal(frames.length, COLOURS.length * SOLID_FRAMES);
    frames.forEach((frame, i) => {
      const centre = ((HEIGHT / 2) * WIDTH + WIDTH / 2) * 4;
      const got = [...frame.subarray(centre, centre + 3)];
      const want = COLOURS[Math.floor(i / SOLID_FRAMES)];
      // Lossy 4:2:0 coding moves a flat colour by a few levels, a wrong colour matrix by ten or more.
      assert.ok(got.every((v, c) => Math.abs(v - want[c]) <= 6), `frame ${i}: ${got} for ${want}`);
    });
  });
}

test('a frame of the wrong size is refused before it reaches ffmpeg', async () => {
  const encoder = startVideoEncoder({ path: join(dir, 'size.mp4'), codec: 'h264', width: WIDTH, height: HEIGHT, fps: 30 });
  await assert.rejects(encoder.write(new Uint8Array(10)), /64×48 RGBA frame has 12288 bytes; got 10/);
  encoder.abort();
});

test('odd sides are refused: 4:2:0 video cannot hold them', () => {
  assert.throws(() => startVideoEncoder({ path: join(dir, 'odd.mp4'), codec: 'h264', width: 63, height: 48, fps: 30 }), /even sides/);
});

test('when ffmpeg fails, the error carries what ffmpeg said', async () => {
  const path = join(dir, 'no-such-folder', 'out.mp4');
  const encoder = startVideoEncoder({ path, codec: 'h264', width: WIDTH, height: HEIGHT, fps: 30 });
  // Enough frames to fill the pipe, so a write is waiting on a process that has died.
  const writing = (async () => {
    for (let i = 0; i < 200; i++) await encoder.write(solid(COLOURS[0]));
  })();
  await assert.rejects(writing, /ffmpeg failed to encode .*out\.mp4 \(exit code \d+\): .*No such file or directory/s);
  await assert.rejects(encoder.finish(), /No such file or directory/);
});

import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { LoupeError } from '../errors.ts';
import { findFfmpeg } from './ffmpeg.ts';
import { probeVideo, readVideoFrames, type ReadVideoOptions, type VideoFrame } from './video.ts';

const ffmpeg = findFfmpeg().path;
const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'loupe-video-'));
after(() => rm(dir, { recursive: true, force: true }));

const code = (c: string, text?: RegExp) => (e: unknown) => e instanceof LoupeError && e.code === c && (!text || text.test(e.message));

/** Writes a video with ffmpeg itself; "file:" lets a test name start with a dash. */
async function make(name: string, ...args: string[]): Promise<string> {
  const path = join(dir, name);
  await run(ffmpeg, ['-v', 'error', '-y', ...args, `file:${path}`]);
  return path;
}

const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const VP9 = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8'];

/** `seconds` of red, then as long of blue, at 30 fps. */
const redThenBlue = (size: string, seconds: number) => [
  ...['-f', 'lavfi', '-i', `color=c=red:s=${size}:r=30:d=${seconds}`, '-f', 'lavfi', '-i', `color=c=blue:s=${size}:r=30:d=${seconds}`],
  ...['-filter_complex', '[0][1]concat=n=2:v=1'],
];
const withSound = (seconds: number) => ['-f', 'lavfi', '-i', `sine=d=${seconds}`];

async function framesOf(video: AsyncIterable<VideoFrame>): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for await (const frame of video) frames.push(frame);
  return frames;
}

async function readAll(path: string, options: ReadVideoOptions = {}) {
  const video = await readVideoFrames(path, options);
  return { video, frames: await framesOf(video) };
}

async function headerOf(path: string): Promise<string> {
  const { stderr } = await run(ffmpeg, ['-hide_banner', '-i', path]).catch((e: { stderr: string }) => e);
  return stderr;
}

/** The colour at the middle of a frame, by name, within what a codec does to a solid colour. */
function colourAtCentre({ rgba, width, height }: VideoFrame): string {
  const i = (Math.floor(height / 2) * width + Math.floor(width / 2)) * 4;
  const [r, g, b, a] = rgba.subarray(i, i + 4);
  if (a !== 255) return `alpha ${a}`;
  if (r! > 230 && g! < 25 && b! < 25) return 'red';
  if (r! < 25 && g! < 25 && b! > 230) return 'blue';
  return `rgb(${r}, ${g}, ${b})`;
}

const mp4 = await make('red-blue.mp4', ...redThenBlue('320x240', 1), ...H264);
const webm = await make('red-blue.webm', ...redThenBlue('320x240', 1), ...withSound(2), ...VP9, '-c:a', 'libopus');
const mov = await make('-red:blue.mov', ...redThenBlue('320x240', 1), ...withSound(2), ...H264, '-c:a', 'aac');

test('MP4, WebM and MOV are probed from their header', async () => {
  for (const [path, codec, hasAudio] of [[mp4, 'h264', false], [webm, 'vp9', true], [mov, 'h264', true]] as const) {
    const info = await probeVideo(path);
    assert.equal(info.width, 320, path);
    assert.equal(info.height, 240, path);
    assert.equal(info.frameRate, 30, path);
    assert.equal(info.codec, codec, path);
    assert.equal(info.hasAudio, hasAudio, path);
    assert.ok(Math.abs(info.durationS - 2) < 0.05, `${path}: ${info.durationS} s`);
  }
});

test('frames are sampled at 10 a second by default, timed from the start, red then blue', async () => {
  for (const path of [mp4, webm, mov]) {
    const { video, frames } = await readAll(path);
    assert.deepEqual(video.plan, { fps: 10, requestedFps: 10, expectedFrames: 20, width: 320, height: 240 });
    assert.equal(frames.length, 20, path);
    frames.forEach((frame, i) => {
      assert.equal(frame.index, i);
      assert.equal(frame.timeS, i / 10);
      assert.equal(frame.rgba.length, 320 * 240 * 4);
      assert.equal(colourAtCentre(frame), frame.timeS < 1 ? 'red' : 'blue', `${path} at ${frame.timeS} s`);
    });
    assert.deepEqual(video.warnings, []);
  }
});

test('a chosen rate, and frames scaled down to maxWidth with their aspect ratio', async () => {
  const { video, frames } = await readAll(mp4, { fps: 4, maxWidth: 100 });
  assert.deepEqual([video.plan.width, video.plan.height], [100, 75]);
  assert.deepEqual(frames.map((f) => f.timeS), [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
  for (const frame of frames) {
    assert.deepEqual([frame.width, frame.height, frame.rgba.length], [100, 75, 100 * 75 * 4]);
    assert.equal(colourAtCentre(frame), frame.timeS < 1 ? 'red' : 'blue');
  }
  // Never scaled up.
  assert.equal((await readVideoFrames(mp4, { maxWidth: 1000 })).plan.width, 320);
});

test('a video longer than the frame budget is sampled more sparsely, end to end', async () => {
  const long = await make('long.mp4', ...redThenBlue('64x48', 3), ...H264);
  const { video, frames } = await readAll(long, { maxFrames: 20 });
  assert.equal(video.plan.requestedFps, 10);
  assert.equal(video.plan.fps, 3.333);
  assert.equal(video.plan.expectedFrames, 20);
  assert.ok(frames.length >= 19 && frames.length <= 20, `${frames.length} frames`);
  assert.ok(frames.at(-1)!.timeS > 5.5, `last frame at ${frames.at(-1)!.timeS} s`);
  assert.equal(colourAtCentre(frames[0]!), 'red');
  assert.equal(colourAtCentre(frames.at(-1)!), 'blue');
  assert.deepEqual(video.warnings, []);
});

test('a picture that starts after the sound is timed from the start of the file', async () => {
  const late = await make('late.mp4', ...withSound(2.5), '-itsoffset', '0.5', '-i', mp4, '-map', '0:a', '-map', '1:v', '-c:v', 'copy', '-c:a', 'aac');
  const { frames } = await readAll(late);
  const colourAt = (timeS: number) => colourAtCentre(frames.find((f) => f.timeS === timeS)!);
  assert.deepEqual([0, 0.5, 1.4, 1.5, 2.4].map(colourAt), ['red', 'red', 'red', 'blue', 'blue']);
});

test('a recording the file asks to turn a quarter is read upright', async () => {
  const turned = await make('turned.mp4', '-i', mp4, '-c', 'copy', '-metadata:s:v:0', 'rotate=90');
  const info = await probeVideo(turned);
  assert.deepEqual([info.width, info.height], [240, 320]);
  const { frames } = await readAll(turned, { fps: 1 });
  assert.deepEqual([frames[0]!.width, frames[0]!.height], [240, 320]);
});

test('a WebM with no duration in its header (as a browser records one) is measured from its packets', async () => {
  const live = await make('live.webm', ...redThenBlue('64x48', 1), ...VP9, '-live', '1', '-f', 'webm');
  assert.doesNotMatch(await headerOf(live), /Duration: \d/);
  const { video, frames } = await readAll(live);
  assert.ok(Math.abs(video.info.durationS - 2) < 0.05, `${video.info.durationS} s`);
  assert.equal(frames.length, 20);
});

/** A copy of `path` cut to `share` of its bytes, as a recording interrupted mid-write. */
async function cut(path: string, name: string, share: number): Promise<string> {
  const bytes = await readFile(path);
  await writeFile(join(dir, name), bytes.subarray(0, Math.round(bytes.length * share)));
  return join(dir, name);
}

test('files that are not readable videos are refused with a reason, naming the file', async () => {
  await mkdir(join(dir, 'folder.mp4'));
  // ffmpeg would wait on a FIFO for a writer forever.
  if (process.platform !== 'win32') execFileSync('mkfifo', [join(dir, 'pipe.mp4')]);
  await writeFile(join(dir, 'empty.mp4'), '');
  await writeFile(join(dir, 'noise.mp4'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)));
  await make('picture.mp4', '-f', 'lavfi', '-i', 'color=c=red:s=32x16', '-frames:v', '1', '-f', 'image2', '-c:v', 'png');
  await make('voice.m4a', '-f', 'lavfi', '-i', 'sine=d=1');
  await make('huge.mp4', '-f', 'lavfi', '-i', 'color=c=gray:s=7696x16:d=0.04', ...H264);
  // Its index is written last, when the recording stops.
  await cut(mp4, 'unindexed.mp4', 0.5);
  const cases: Array<[string, string, RegExp]> = [
    ['missing.mp4', 'INPUT_NOT_FOUND', /no such file/],
    ['folder.mp4', 'INPUT_UNSUPPORTED', /is a folder; a video must be a regular file/],
    ...(process.platform === 'win32' ? [] : [['pipe.mp4', 'INPUT_UNSUPPORTED', /is a named pipe \(FIFO\)/] as [string, string, RegExp]]),
    ['empty.mp4', 'INPUT_EMPTY', /empty/],
    ['noise.mp4', 'INPUT_UNSUPPORTED', /not a video/],
    ['picture.mp4', 'INPUT_UNSUPPORTED', /still image/],
    ['voice.m4a', 'INPUT_UNSUPPORTED', /only audio/],
    ['huge.mp4', 'INPUT_TOO_LARGE', /7696×16/],
    ['unindexed.mp4', 'INPUT_CORRUPT', /cut off/],
  ];
  for (const [name, expected, reason] of cases) {
    const named = new RegExp(`${name.replace('.', '\\.')}[\\s\\S]*${reason.source}`);
    await assert.rejects(probeVideo(join(dir, name)), code(expected, named), name);
    await assert.rejects(readVideoFrames(join(dir, name)), code(expected, named), name);
  }
});

test('MKV and AVI recordings are read as well', async () => {
  for (const name of ['small.mkv', 'small.avi']) {
    const path = await make(name, '-f', 'lavfi', '-i', 'color=c=red:s=32x24:r=10:d=0.5', ...H264);
    const { video, frames } = await readAll(path);
    assert.deepEqual([video.info.width, video.info.height, video.info.codec], [32, 24, 'h264'], name);
    assert.equal(colourAtCentre(frames[0]!), 'red', name);
  }
});

test('a playlist named .mp4 that points at another local file is refused, never read through', async () => {
  const png = await make('elsewhere.png', '-f', 'lavfi', '-i', 'color=c=red:s=32x16', '-frames:v', '1', '-c:v', 'png');
  // Each names a real local file by its absolute path: HLS as a text file, and ffmpeg's concat list.
  const playlists: Array<[string, string]> = [
    ['hls-video.mp4', `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n${mp4}\n#EXT-X-ENDLIST\n`],
    ['hls-image.mp4', `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n${png}\n#EXT-X-ENDLIST\n`],
    ['concat.mp4', `ffconcat version 1.0\nfile '${mp4}'\n`],
  ];
  for (const [name, text] of playlists) {
    await writeFile(join(dir, name), text);
    const refusal = code('INPUT_UNSUPPORTED', new RegExp(`${name.replace('.', '\\.')} is in the \\w+ format, not a video container[\\s\\S]*playlists`));
    await assert.rejects(probeVideo(join(dir, name)), refusal, name);
    await assert.rejects(readVideoFrames(join(dir, name)), refusal, name);
  }
});

test('options out of range are refused', async () => {
  for (const options of [{ fps: 0 }, { fps: Number.NaN }, { maxWidth: 0.5 }, { maxFrames: 0 }]) {
    await assert.rejects(readVideoFrames(mp4, options), code('INVALID_ARGUMENT'), JSON.stringify(options));
  }
});

test('a file cut short gives the frames before the cut, as decoded from the whole file, and a warning', async () => {
  const moving = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-t', '2'];
  const whole = [await make('moving.mp4', ...moving, ...H264, '-movflags', '+faststart'), await make('moving.webm', ...moving, ...VP9)];
  for (const path of whole) {
    const intact = (await readAll(path)).frames;
    const { video, frames } = await readAll(await cut(path, `cut-${basename(path)}`, 0.6));
    assert.ok(frames.length >= 5 && frames.length < 20, `${path}: ${frames.length} frames`);
    frames.forEach((frame, i) => assert.ok(Buffer.from(frame.rgba).equals(intact[i]!.rgba), `${path}: frame ${i}`));
    assert.equal(video.warnings.length, 1, path);
    assert.match(video.warnings[0]!, /cut-moving\.(mp4|webm): its frames stop at \d\.\d s of its 2\.0 s; the file looks cut short/);
  }
});

test('a file whose header survives but no frame decodes fails, with what ffmpeg said', async () => {
  const indexedFirst = await make('header-only.mp4', ...redThenBlue('64x48', 1), ...H264, '-movflags', '+faststart');
  const bytes = await readFile(indexedFirst);
  await writeFile(indexedFirst, bytes.subarray(0, bytes.indexOf('mdat') + 40));
  const video = await readVideoFrames(indexedFirst);
  assert.equal(video.info.width, 64);
  await assert.rejects(framesOf(video), code('INPUT_CORRUPT', /header-only\.mp4: not one frame .* ffmpeg said: .+/));
});

// ffmpeg stand-ins: a shell script that notes its pid (exec keeps it for the real ffmpeg),
// then runs `onDecode` instead of a decoding run, or the real ffmpeg.
const pidsFile = join(dir, 'pids');
async function withFfmpeg<T>(onDecode: string, body: () => Promise<T>): Promise<T> {
  const script = join(dir, `ffmpeg-${Math.random().toString(36).slice(2)}.sh`);
  const decode = onDecode && `case "$*" in *rawvideo*) ${onDecode} ;; esac\n`;
  await writeFile(script, `#!/bin/sh\necho $$ >> '${pidsFile}'\n${decode}exec '${ffmpeg}' "$@"\n`, { mode: 0o755 });
  await writeFile(pidsFile, '');
  process.env.LOUPE_FFMPEG = script;
  try {
    return await body();
  } finally {
    delete process.env.LOUPE_FFMPEG;
  }
}
const ffmpegPids = async () => (await readFile(pidsFile, 'utf8')).split('\n').filter(Boolean).map(Number);
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
const posixOnly = { skip: process.platform === 'win32' && 'the ffmpeg stand-ins are shell scripts' };

// A stand-in that writes `frames` 320×240 frames and then goes quiet without exiting: only a
// kill ends it, so a test passes only if the reader kills ffmpeg (a real one would also die of
// the closed pipe at its next write).
const quietAfter = (frames: number) => `head -c ${frames * 320 * 240 * 4} /dev/zero; exec sleep 30`;

test('breaking out of the loop stops ffmpeg before the loop is left', { ...posixOnly, timeout: 10_000 }, async () => {
  await withFfmpeg(quietAfter(3), async () => {
    for await (const frame of await readVideoFrames(mp4)) {
      if (frame.index === 1) break;
    }
    const pids = await ffmpegPids();
    assert.equal(pids.length, 2, 'a probe and a decoding run');
    assert.deepEqual(pids.filter(running), []);
  });
});

test('an abort stops ffmpeg and ends the loop with CANCELLED', { ...posixOnly, timeout: 10_000 }, async () => {
  await withFfmpeg(quietAfter(2), async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const frame of await readVideoFrames(mp4, { signal: controller.signal })) {
          seen.push(frame.index);
          if (frame.index === 1) controller.abort();
        }
      })(),
      code('CANCELLED', /red-blue\.mp4/),
    );
    assert.deepEqual(seen, [0, 1]);
    assert.deepEqual((await ffmpegPids()).filter(running), []);

    const runs = (await ffmpegPids()).length;
    const later = new AbortController();
    const video = await readVideoFrames(mp4, { signal: later.signal });
    later.abort();
    await assert.rejects(framesOf(video), code('CANCELLED'));
    assert.equal((await ffmpegPids()).length - runs, 1, 'the probe, and no decoding run');
  });
  await assert.rejects(probeVideo(mp4, { signal: AbortSignal.abort() }), code('CANCELLED'));
});

test('ffmpeg that stops producing is killed by the watchdog, and the loop fails', posixOnly, async () => {
  await withFfmpeg('exec sleep 30', async () => {
    // The stand-in sleeps 30 s: only the watchdog, killing it, ends the read with this message.
    await assert.rejects(readAll(mp4, { stallTimeoutMs: 300 }), code('INPUT_CORRUPT', /red-blue\.mp4: ffmpeg went 0\.3 s without decoding anything/));
    assert.deepEqual((await ffmpegPids()).filter(running), []);
  });
});

test('ffmpeg exiting with an error before any frame fails with the end of what it said', posixOnly, async () => {
  await withFfmpeg(`echo 'Conversion failed: decoder exploded' >&2; exit 3`, async () => {
    await assert.rejects(readAll(mp4), code('INPUT_CORRUPT', /exited with code 3.*ffmpeg said: Conversion failed: decoder exploded$/));
  });
});

test('a slow consumer holds ffmpeg back instead of piling frames up in memory', async () => {
  // 120 frames of 1.2 MB: ffmpeg decodes them all in well under the pause below.
  const big = await make('big.mp4', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=30', '-t', '4', ...H264);
  const frameBytes = 640 * 480 * 4;
  for await (const frame of await readVideoFrames(big, { fps: 30 })) {
    if (frame.index === 0) {
      const before = process.memoryUsage().arrayBuffers;
      await sleep(700);
      const grown = process.memoryUsage().arrayBuffers - before;
      assert.ok(grown < 3 * frameBytes, `${(grown / frameBytes).toFixed(1)} frames' worth buffered`);
    }
    if (frame.index === 5) break;
  }
});

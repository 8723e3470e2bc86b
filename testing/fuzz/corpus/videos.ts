// Videos a hostile user might hand `loupe convert`: the fuzz suite's H.264 and VP9 clips cut
// short and bit-damaged, files that are not videos under a video's name (an HLS playlist
// naming a local file, an ffconcat script, text, a picture), paths that are not files, and
// real videos in codecs and shapes a screen recorder does not write, encoded by ffmpeg.
import { execFile } from 'node:child_process';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFfmpeg } from '../../../engine/ingest/ffmpeg.ts';
import { caseValue, mutatedBytes } from '../mutate.ts';
import { fileCase, folder, madeCase, mkfifo, sparseFile, type CorpusCase } from './case.ts';
import { EXAMPLE_PNG, README, clips, png } from './sources.ts';

const SEED = 18;
const MUTATED = 14;

const video = (name: string, file: string, bytes: () => Buffer | string | Promise<Buffer | string>) => fileCase('videos', name, file, bytes);

function truncated(): CorpusCase[] {
  const fractions = [0.001, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];
  return (['mp4', 'webm'] as const).flatMap((ext) =>
    fractions.map((f) => video(`truncated-${ext}-${f * 100}pct`, `recording.${ext}`, async () => {
      const bytes = (await clips())[ext]!;
      return bytes.subarray(0, Math.max(1, Math.floor(bytes.length * f)));
    })),
  );
}

function notVideos(): CorpusCase[] {
  const at = (name: string, make: (path: string) => unknown, file = 'recording.mp4') => madeCase('videos', name, file, make);
  return [
    video('readme-named-mp4', 'recording.mp4', () => readFile(README)),
    video('png-named-mp4', 'recording.mp4', () => png()),
    video('empty-mp4', 'recording.mp4', () => ''),
    video('json-named-webm', 'recording.webm', () => '{"video":false}'),
    video('hls-playlist-local-file', 'recording.mp4', () => `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n${EXAMPLE_PNG}\n#EXT-X-ENDLIST\n`),
    video('hls-playlist-named-mov', 'recording.mov', () => `#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n`),
    video('ffconcat-script', 'recording.mp4', () => `ffconcat version 1.0\nfile '${EXAMPLE_PNG}'\n`),
    video('sdp-text', 'recording.mov', () => 'v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=video 9 RTP/AVP 96\na=rtpmap:96 H264/90000\n'),
    at('fifo', mkfifo),
    at('folder', folder, 'recording.webm'),
    at('symlink-to-dev-zero', (path) => symlink('/dev/zero', path)),
    at('sparse-8gb-plus-one', (path) => sparseFile(path, 8 * 1024 ** 3 + 1)),
  ];
}

/** A video that ffmpeg makes from its own test pattern: `args` are the encoding options. */
function encoded(name: string, file: string, args: string[]): CorpusCase {
  return {
    category: 'videos',
    name,
    async prepare({ dir, out }) {
      const path = join(dir, file);
      await promisify(execFile)(findFfmpeg().path, ['-loglevel', 'error', '-y', ...args, path]);
      return ['convert', path, '--out', out];
    },
  };
}

const pattern = (size = '320x240', seconds = 2, rate = 10) => ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${rate}:duration=${seconds}`];
const tone = (seconds = 2) => ['-f', 'lavfi', '-i', `sine=duration=${seconds}`];

function oddCodecs(): CorpusCase[] {
  return [
    encoded('mjpeg-avi', 'recording.avi', [...pattern(), '-c:v', 'mjpeg']),
    encoded('mpeg4-mp4', 'recording.mp4', [...pattern(), '-c:v', 'mpeg4']),
    encoded('mpeg2-mkv', 'recording.mkv', [...pattern(), '-c:v', 'mpeg2video']),
    encoded('png-in-mov', 'recording.mov', [...pattern(), '-c:v', 'png']),
    encoded('qtrle-mov', 'recording.mov', [...pattern(), '-c:v', 'qtrle']),
    encoded('prores-mov', 'recording.mov', [...pattern(), '-c:v', 'prores_ks']),
    encoded('ffv1-mkv', 'recording.mkv', [...pattern(), '-c:v', 'ffv1']),
    encoded('rawvideo-avi', 'recording.avi', [...pattern('160x120'), '-c:v', 'rawvideo']),
    encoded('huffyuv-avi', 'recording.avi', [...pattern(), '-c:v', 'huffyuv']),
    encoded('vp8-webm', 'recording.webm', [...pattern(), '-c:v', 'libvpx']),
    encoded('hevc-mp4', 'recording.mp4', [...pattern(), '-c:v', 'libx265', '-preset', 'ultrafast']),
    encoded('gif-named-mp4', 'recording.mp4', [...pattern(), '-f', 'gif']),
    encoded('audio-only-mp4', 'recording.mp4', [...tone(), '-c:a', 'aac']),
    encoded('audio-only-webm', 'recording.webm', [...tone(), '-c:a', 'libopus']),
    encoded('single-frame', 'recording.mp4', [...pattern('320x240', 0.1), '-c:v', 'libx264', '-pix_fmt', 'yuv420p']),
    encoded('2x2-pixels', 'recording.mp4', [...pattern('2x2'), '-c:v', 'libx264', '-pix_fmt', 'yuv444p']),
    encoded('8000x64-over-8k', 'recording.mp4', [...pattern('8000x64', 0.5), '-c:v', 'libx264', '-preset', 'ultrafast']),
    encoded('1000-fps', 'recording.mp4', [...pattern('160x120', 0.5, 1000), '-c:v', 'libx264', '-preset', 'ultrafast']),
    encoded('rotated-90-metadata', 'recording.mp4', [...pattern(), '-c:v', 'libx264', '-metadata:s:v', 'rotate=90']),
  ];
}

function mutated(): CorpusCase[] {
  return Array.from({ length: MUTATED }, (_, n) => {
    const ext = (['mp4', 'webm'] as const)[n % 2]!;
    return video(`mutated-${ext}-${n}`, `recording.${ext}`, async () => caseValue(mutatedBytes((await clips())[ext]!), SEED, n).value);
  });
}

export const videoCases = (): CorpusCase[] => [...truncated(), ...notVideos(), ...oddCodecs(), ...mutated()];

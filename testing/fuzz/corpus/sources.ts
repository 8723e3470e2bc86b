// The real inputs the corpus damages, read (or, for the clips, encoded) once per run: the
// example design, a Design2Code photo, a WebP made from the example, the Figma responses of
// test-data/figma, and a short H.264 and VP9 walkthrough clip.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DESIGN2CODE_DATA, FIGMA_DATA } from '../../data.ts';
import { VIDEO_CODECS, VIDEO_EXTENSION } from '../../ingest/video-encode.ts';
import { encodeClip } from '../kinds/video.ts';

const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
};

export const EXAMPLE_PNG = new URL('../../../examples/landing.png', import.meta.url).pathname;
export const README = new URL('../../../README.md', import.meta.url).pathname;
export const EXAMPLE_HTML = new URL('../../../examples/landing.html', import.meta.url).pathname;

export const png = once(() => readFile(EXAMPLE_PNG));
export const jpeg = once(() => readFile(join(DESIGN2CODE_DATA, 'rick.jpg')));
export const webp = once(async () => sharp(await png()).webp().toBuffer());
export const pictures = once(async () => ({ png: await png(), jpg: await jpeg(), webp: await webp() }));

/** Figma's node response for one frame (a FRAME holding a VECTOR), the base most Figma cases edit. */
export const FRAME_RESPONSE = join(FIGMA_DATA, 'grida-vector-frame.response.json');
export const FRAME_ID = '1038:24';
export const FRAME_PNG = join(FIGMA_DATA, 'grida-vector-frame.png');

/** Every Figma JSON of the test data, parsed, by file name. */
export const figmaResponses = once(async () => {
  const names = (await readdir(FIGMA_DATA)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(names.map(async (name) => ({ name, json: JSON.parse(await readFile(join(FIGMA_DATA, name), 'utf8')) as unknown })));
});

/** The fuzz suite's clip, once per codec, by file extension. */
export const clips = once(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-corpus-clip-'));
  try {
    return Object.fromEntries(await Promise.all(VIDEO_CODECS.map(async (codec) => [VIDEO_EXTENSION[codec], await encodeClip(join(dir, `clip.${VIDEO_EXTENSION[codec]}`), codec)] as const)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// A walkthrough video → one app: the frames are read once (streamed), the screens and the
// clicks between them found (video/screens.ts), each screen's stitched picture converted like a
// screenshot, and each click's element made a link to the screen it opened. The app is a folder
// per screen under screens/, linked to each other, an index.html that opens the first, and
// screens.json with the keyframes, times, stitched pictures and transitions.
import { basename } from 'node:path';
import type { Design, DesignNode } from '../ir/index.ts';
import { readVideoFrames, type VideoInfo } from '../ingest/video.ts';
import { perceive } from '../perceive/index.ts';
import { ScreenDetector, type Screen, type Transition } from '../video/screens.ts';
import { clickTarget } from '../video/transition-target.ts';
import type { Box } from '../video/frame-analysis.ts';
import { convertDesign } from './convert-design.ts';
import type { ConvertOptions, Scores } from './convert.ts';
import { outputFiles } from './convert-file.ts';
import { writeFilesInside } from './output.ts';
import { StageRunner } from './timer.ts';

const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|webm|mkv|avi)$/i;
export const isVideoFile = (path: string) => VIDEO_EXTENSIONS.test(path);

export interface VideoScreen {
  id: number;
  /** Its folder under screens/. */
  name: string;
  /** The stitched picture, relative to the output folder. */
  image: string;
  width: number;
  height: number;
  /** Whether it was scrolled (its picture is taller than the video). */
  scrolled: boolean;
  visits: Array<{ fromS: number; toS: number }>;
  entry: string;
  scores: Scores;
}

export interface VideoTransition {
  from: number;
  to: number;
  timeS: number;
  /** The click, in the source screen's page coordinates, when the cursor was seen. */
  point?: { x: number; y: number };
  highlight?: Box;
  /** The IR node made the link, or undefined when nothing could be placed under the click. */
  element?: { id: string; role?: string; text?: string; box: Box };
}

export interface VideoConversionResult {
  input: string;
  outDir: string;
  stack: ConvertOptions['stack'];
  entry: string;
  files: string[];
  video: Pick<VideoInfo, 'durationS' | 'width' | 'height' | 'codec'> & { sampledFps: number; frames: number };
  screens: VideoScreen[];
  transitions: VideoTransition[];
  warnings: string[];
  timings: { frames: number; screens: number; total: number };
}

const screenName = (id: number) => `screen-${id + 1}`;

function textOf(n: DesignNode): string {
  if (n.type === 'text') return n.text;
  if (n.type === 'frame') return n.children.map(textOf).filter(Boolean).join(' ');
  return '';
}

/** The design with `id`'s node leading to `href`. */
function withLink(n: DesignNode, id: string, href: string): DesignNode {
  if (n.id === id) return { ...n, href };
  if (n.type !== 'frame') return n;
  return { ...n, children: n.children.map((c) => withLink(c, id, href)) } as DesignNode;
}

export async function convertVideo(input: string, outDir: string, options: ConvertOptions): Promise<VideoConversionResult> {
  const started = performance.now();
  const stages = new StageRunner(options.signal, options.onProgress);
  const frames = await readVideoFrames(input, { signal: options.signal });
  const detector = new ScreenDetector();
  let read = 0;
  const { screens, transitions } = await stages.run('ingest', async (report) => {
    for await (const frame of frames) {
      detector.push(frame);
      report(++read / Math.max(1, frames.plan.expectedFrames));
    }
    return detector.finish();
  });
  const framesMs = performance.now() - started;
  const warnings = [...frames.warnings];
  if (frames.plan.fps < frames.plan.requestedFps) warnings.push(`The video is long: ${frames.plan.fps.toFixed(2)} frames a second were read instead of ${frames.plan.requestedFps}, so a screen shown for less than ${(1 / frames.plan.fps).toFixed(1)} s may be missed.`);

  const designs = new Map<number, { design: Design; image: ReturnType<Screen['canvas']['image']>; textBlocks: Awaited<ReturnType<typeof perceive>>['textBlocks'] }>();
  for (const screen of screens) {
    const image = screen.canvas.image();
    const perception = await perceive({ name: `${basename(input)} ${screenName(screen.id)}`, width: image.width, height: image.height, rgba: Buffer.from(image.rgba.buffer, image.rgba.byteOffset, image.rgba.byteLength) }, { signal: options.signal });
    designs.set(screen.id, { design: { ...perception.design, source: { kind: 'video', name: basename(input) } }, image, textBlocks: perception.textBlocks });
  }

  const mapped: VideoTransition[] = transitions.map((t: Transition) => {
    const source = designs.get(t.from)!;
    const node = t.point && clickTarget(source.design, t.point, t.highlight);
    if (node) source.design = { ...source.design, root: withLink(source.design.root, node.id, `../${screenName(t.to)}/index.html`) as Design['root'] };
    return { ...t, ...(node && { element: { id: node.id, ...(node.role && { role: node.role }), text: textOf(node).slice(0, 120), box: node.box } }) };
  });

  const files: Array<{ path: string; contents: string | Uint8Array }> = [];
  const results: VideoScreen[] = [];
  for (const screen of screens) {
    const { design, image, textBlocks } = designs.get(screen.id)!;
    const name = screenName(screen.id);
    const picture = { name, width: image.width, height: image.height, rgba: Buffer.from(image.rgba.buffer, image.rgba.byteOffset, image.rgba.byteLength) };
    const { measuredAgainst, ...conversion } = await convertDesign(design, picture, { ...options, referenceBlocks: textBlocks });
    files.push(...outputFiles(conversion, measuredAgainst).map((f) => ({ ...f, path: `screens/${name}/${f.path}` })));
    results.push({ id: screen.id, name, image: `screens/${name}/design.png`, width: image.width, height: image.height, scrolled: screen.canvas.maxScrollY > 0, visits: screen.visits, entry: `screens/${name}/${conversion.code.entry}`, scores: conversion.scores });
  }
  const entry = results[0]?.entry ?? '';
  const video = { durationS: frames.info.durationS, width: frames.info.width, height: frames.info.height, codec: frames.info.codec, sampledFps: frames.plan.fps, frames: read };
  files.push({ path: 'index.html', contents: `<!doctype html>\n<meta charset="utf-8">\n<meta http-equiv="refresh" content="0; url=${entry}">\n<title>${basename(input)}</title>\n<a href="${entry}">Open the first screen</a>\n` });
  files.push({ path: 'screens.json', contents: JSON.stringify({ input: basename(input), video, screens: results, transitions: mapped, warnings }, null, 2) + '\n' });
  const written = await writeFilesInside(outDir, files);
  return {
    input,
    outDir,
    stack: options.stack,
    entry,
    files: written,
    video,
    screens: results,
    transitions: mapped,
    warnings,
    timings: { frames: Math.round(framesMs), screens: Math.round(performance.now() - started - framesMs), total: Math.round(performance.now() - started) },
  };
}

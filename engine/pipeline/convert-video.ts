// A walkthrough video → one app, in two steps so a person can look in between (the app shows
// the screens found and lets them drop or merge some): detectScreens reads the frames once
// (streamed) and finds the screens and the clicks between them (video/screens.ts); buildVideoApp
// converts each kept screen's stitched picture like a screenshot and makes each click's element
// a link to the screen it opened; writeVideoApp writes it (the CLI), or the server keeps it in the
// history as it is. The app (codegen/app.ts) keeps each screen's conversion under
// screens/<name>/ and adds its shell: for HTML an index.html that opens the first page, for React
// one app that shows the screen the URL's hash names; screens.json lists the keyframes, times,
// stitched pictures and transitions.
import { basename } from 'node:path';
import { screenName, type ScreenEdits } from '../api/contract.ts';
import type { Box, Design, DesignNode, TextBlock } from '../ir/index.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { readVideoFrames, type VideoInfo } from '../ingest/video.ts';
import { perceive } from '../perceive/index.ts';
import { ScreenDetector, type Transition } from '../video/screens.ts';
import { clickTarget } from '../video/transition-target.ts';
import { composeApp, type AppScreen } from '../codegen/app.ts';
import { buildPreview } from '../codegen/index.ts';
import { convertDesign, type MeasuredAgainst } from './convert-design.ts';
import type { Conversion, ConvertOptions, Scores } from './convert.ts';
import { outputFiles } from './convert-file.ts';
import { textNodes } from '../think/text-match.ts';
import { writeFilesInside } from './output.ts';
import { StageRunner } from './timer.ts';

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

export interface VideoTransition extends Transition {
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

/**
 * Every frame of a 30 fps recording: a quick scroll moves the page most of a screen in a tenth of
 * a second, too far to line up one sample with the next at a lower rate. Frames that repeat the
 * one before cost only their luminance. Past ten minutes the rate drops to keep within the budget.
 */
const SAMPLING = { fps: 30, maxFrames: 30 * 600 };

const textOf = (n: DesignNode) => textNodes(n).map((t) => t.text).filter(Boolean).join(' ');

/** The design with `id`'s node opening the screen `screen`. */
function withLink(n: DesignNode, id: string, screen: string): DesignNode {
  if (n.id === id) return { ...n, opens: screen };
  if (n.type !== 'frame') return n;
  return { ...n, children: n.children.map((c) => withLink(c, id, screen)) } as DesignNode;
}

/** A screen found in the video, before conversion. */
export interface DetectedScreen {
  id: number;
  /** The stitched picture, RGBA. */
  picture: DecodedImage;
  scrolled: boolean;
  visits: Array<{ fromS: number; toS: number }>;
}

export interface VideoDetection {
  input: string;
  video: VideoConversionResult['video'];
  screens: DetectedScreen[];
  transitions: Transition[];
  warnings: string[];
  /** ms spent reading and analysing the frames. */
  ms: number;
}

export async function detectScreens(input: string, options: Pick<ConvertOptions, 'signal' | 'onProgress'>): Promise<VideoDetection> {
  const started = performance.now();
  const stages = new StageRunner(options.signal, options.onProgress);
  const frames = await readVideoFrames(input, { ...SAMPLING, signal: options.signal });
  const detector = new ScreenDetector();
  let read = 0;
  const found = await stages.run('ingest', async (report) => {
    for await (const frame of frames) {
      detector.push(frame);
      report(++read / Math.max(1, frames.plan.expectedFrames));
    }
    return detector.finish();
  });
  const warnings = [...frames.warnings];
  if (frames.plan.fps < frames.plan.requestedFps) warnings.push(`The video is long: ${frames.plan.fps.toFixed(2)} frames a second were read instead of ${frames.plan.requestedFps}, so a screen shown for less than ${(1 / frames.plan.fps).toFixed(1)} s may be missed.`);
  const screens = found.screens.map((s): DetectedScreen => {
    const image = s.canvas.image();
    const rgba = Buffer.from(image.rgba.buffer, image.rgba.byteOffset, image.rgba.byteLength);
    return { id: s.id, picture: { name: `${basename(input)} ${screenName(s.id)}`, width: image.width, height: image.height, rgba }, scrolled: s.canvas.maxScrollY > 0, visits: s.visits };
  });
  const video = { durationS: frames.info.durationS, width: frames.info.width, height: frames.info.height, codec: frames.info.codec, sampledFps: frames.plan.fps, frames: read };
  return { input, video, screens, transitions: found.transitions, warnings, ms: performance.now() - started };
}

/** The detection with the person's edits applied: merged screens folded into their targets, dropped ones gone. */
export function applyScreenEdits(d: VideoDetection, edits: ScreenEdits): VideoDetection {
  const into = new Map(edits.merge ?? []);
  const resolve = (id: number): number => {
    const seen = new Set<number>();
    while (into.has(id) && !seen.has(id)) {
      seen.add(id);
      id = into.get(id)!;
    }
    return id;
  };
  const dropped = new Set((edits.drop ?? []).map(resolve));
  const kept = (id: number) => !dropped.has(id) && resolve(id) === id;
  const screens = d.screens.filter((s) => kept(s.id)).map((s) => ({ ...s, visits: d.screens.filter((o) => resolve(o.id) === s.id).flatMap((o) => o.visits).sort((a, b) => a.fromS - b.fromS) }));
  const transitions = d.transitions.map((t) => ({ ...t, to: resolve(t.to) })).filter((t) => kept(t.from) && kept(t.to) && t.from !== t.to);
  return { ...d, screens, transitions };
}

/** A video's app, converted and not yet written: each screen's conversion, and screens.json. */
export interface VideoApp extends Omit<VideoConversionResult, 'outDir' | 'entry' | 'files'> {
  conversions: Array<{ screen: VideoScreen; conversion: Conversion; measuredAgainst: MeasuredAgainst }>;
  /** screens.json: the video, the screens and the transitions. */
  manifest: string;
}

/** Perceives and converts each screen of the detection, its clicks made links to the screens they opened. */
export async function buildVideoApp(detection: VideoDetection, options: ConvertOptions): Promise<VideoApp> {
  const started = performance.now();
  const designs = new Map<number, { design: Design; textBlocks: TextBlock[] }>();
  await new StageRunner(options.signal, options.onProgress).run('perceive', async (report) => {
    for (const [i, screen] of detection.screens.entries()) {
      const perception = await perceive(screen.picture, { signal: options.signal });
      designs.set(screen.id, { design: { ...perception.design, source: { kind: 'video', name: basename(detection.input) } }, textBlocks: perception.textBlocks });
      report((i + 1) / detection.screens.length);
    }
  });

  const mapped: VideoTransition[] = detection.transitions.map((t) => {
    const source = designs.get(t.from)!;
    const node = t.point && clickTarget(source.design, t.point, t.highlight);
    if (node) source.design = { ...source.design, root: withLink(source.design.root, node.id, screenName(t.to)) as Design['root'] };
    return { ...t, ...(node && { element: { id: node.id, ...(node.role && { role: node.role }), text: textOf(node).slice(0, 120), box: node.box } }) };
  });

  const conversions: VideoApp['conversions'] = [];
  for (const s of detection.screens) {
    const { design, textBlocks } = designs.get(s.id)!;
    const name = screenName(s.id);
    const { measuredAgainst, ...conversion } = await convertDesign(design, s.picture, { ...options, referenceBlocks: textBlocks });
    const { width, height } = s.picture;
    const screen = { id: s.id, name, image: `screens/${name}/design.png`, width, height, scrolled: s.scrolled, visits: s.visits, entry: `screens/${name}/${conversion.code.entry}`, scores: conversion.scores };
    conversions.push({ screen, conversion, measuredAgainst });
  }
  const { input, video, warnings } = detection;
  const screens = conversions.map((c) => c.screen);
  const screensMs = performance.now() - started;
  return {
    input,
    stack: options.stack,
    video,
    screens,
    transitions: mapped,
    warnings,
    conversions,
    manifest: JSON.stringify({ input: basename(input), video, screens, transitions: mapped, warnings }, null, 2) + '\n',
    timings: { frames: Math.round(detection.ms), screens: Math.round(screensMs), total: Math.round(detection.ms + screensMs) },
  };
}

/**
 * Writes the app into `outDir`: each screen's conversion under screens/<name>/ (its code with its
 * preview, pictures and scores), the shell that links them, for React a preview of the whole app,
 * and screens.json.
 */
export async function writeVideoApp(app: VideoApp, outDir: string): Promise<VideoConversionResult> {
  const { conversions, manifest, ...result } = app;
  const files = conversions.flatMap(({ screen, conversion, measuredAgainst }) => outputFiles(conversion, measuredAgainst).map((f) => ({ ...f, path: `screens/${screen.name}/${f.path}` })));
  const shell = composeApp(app.stack, conversions.map(({ screen, conversion }): AppScreen => ({ name: screen.name, code: conversion.code })), basename(app.input));
  // The screens' own files are above, with their previews and scores; the app adds its shell.
  files.push(...shell.files.filter((f) => !f.path.startsWith('screens/')));
  if (shell.stack === 'react-tailwind') files.push({ path: 'preview.html', contents: await buildPreview(shell) });
  files.push({ path: 'screens.json', contents: manifest });
  return { ...result, outDir, entry: shell.entry, files: await writeFilesInside(outDir, files) };
}

/** Detection and conversion in one go, every screen kept (the CLI). */
export async function convertVideo(input: string, outDir: string, options: ConvertOptions): Promise<VideoConversionResult> {
  return writeVideoApp(await buildVideoApp(await detectScreens(input, options), options), outDir);
}

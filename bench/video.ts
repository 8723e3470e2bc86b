// `loupe bench video`: walkthrough videos with known ground truth (testing/video/walkthroughs)
// through the whole video conversion, scored on what the issue asks of it: the screen count
// exact, each scrolled screen's stitched picture against the page's full render (SSIM), each
// click mapped to the element that was clicked; and the speed (seconds of video per second) and
// peak memory, taken on the two-minute Full HD recording first, before anything else has grown
// the process (when the walkthroughs are cached: a first run records them in this process too).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { comparePixels } from '../engine/compare/index.ts';
import { iou, within, type Box } from '../engine/ir/index.ts';
import { applyScreenEdits, buildVideoApp, detectScreens, writeVideoApp, type VideoConversionResult } from '../engine/pipeline/convert-video.ts';
import type { ConvertOptions } from '../engine/pipeline/convert.ts';
import { generateWalkthroughs, type ClickTruth, type Walkthrough, type WalkthroughSetName } from '../testing/video/walkthroughs/index.ts';
import { median } from './stats.ts';

export interface VideoBenchOptions {
  /** Where the walkthroughs are generated (once) and the apps written. */
  cacheDir: string;
  set: WalkthroughSetName;
  stack: ConvertOptions['stack'];
  pool: ConvertOptions['pool'];
  /** Only the first N walkthroughs (the long one is always run when the set has it). */
  limit?: number;
  onLine?: (line: string) => void;
}

export interface WalkthroughResult {
  name: string;
  codec: string;
  durationS: number;
  screens: { found: number; truth: number };
  /** SSIM of each scrolled screen's stitched picture against the full render of what was scrolled through. */
  stitched: Array<{ screen: string; ssim: number; height: number; truthHeight: number }>;
  transitions: { mapped: number; truth: number; misses: string[] };
  /** Seconds of video per second of reading and analysing its frames, then for the whole conversion. */
  detectSecondsPerSecond: number;
  convertSecondsPerSecond: number;
}

export interface VideoBenchResult {
  walkthroughs: number;
  screenCountExactShare: number;
  stitchedPages: number;
  stitchedSsimMedian: number;
  stitchedSsimMin: number;
  stitchedAtLeast095Share: number;
  transitionsMappedShare: number;
  detectSecondsPerSecondMedian: number;
  convertSecondsPerSecondMedian: number;
  long?: { name: string; durationS: number; width: number; height: number; detectSecondsPerSecond: number; convertSecondsPerSecond: number; peakRssMB: number };
  rows: WalkthroughResult[];
}

const LONG = /1080p/;

/** Right when the element made the link is the one clicked, or a part of it (the label inside a button). */
function mapsTo(found: Box | undefined, click: ClickTruth): boolean {
  return found !== undefined && (iou(found, click.element.pageBox) >= 0.5 || within(found, click.element.pageBox, 4));
}

/** The item nearest in time to `timeS`, within a second. */
function nearestInTime<T>(items: readonly T[], timeS: number, timeOf: (item: T) => number): T | undefined {
  return items
    .map((item) => ({ item, gap: Math.abs(timeOf(item) - timeS) }))
    .filter((c) => c.gap <= 1)
    .sort((a, b) => a.gap - b.gap)[0]?.item;
}

async function stitchedScores(w: Walkthrough, app: VideoConversionResult): Promise<WalkthroughResult['stitched']> {
  const out: WalkthroughResult['stitched'] = [];
  for (const truth of w.truth.screens.filter((s) => s.scrolled)) {
    const seenHeight = Math.min(truth.pageHeight, truth.maxScrollY + w.truth.viewport.height);
    // The detected screen is the one that first appeared when the true one did.
    const found = nearestInTime(app.screens, truth.firstTimeS, (s) => s.visits[0]!.fromS);
    if (!found) {
      out.push({ screen: truth.id, ssim: 0, height: 0, truthHeight: seenHeight });
      continue;
    }
    const reference = await sharp(await readFile(join(w.truthPath, '..', truth.fullPage)))
      .extract({ left: 0, top: 0, width: w.truth.viewport.width, height: seenHeight })
      .png()
      .toBuffer();
    // The stitched picture, as the conversion wrote it beside the screen's code.
    const candidate = await readFile(join(app.outDir, found.image));
    out.push({ screen: truth.id, ssim: (await comparePixels(reference, candidate)).ssim, height: found.height, truthHeight: seenHeight });
  }
  return out;
}

function transitionScores(w: Walkthrough, app: VideoConversionResult): WalkthroughResult['transitions'] {
  const misses: string[] = [];
  let mapped = 0;
  for (const click of w.truth.transitions) {
    const found = nearestInTime(app.transitions, click.timeS, (t) => t.timeS);
    if (mapsTo(found?.element?.box, click)) mapped++;
    else misses.push(`${click.timeS.toFixed(1)} s "${click.element.text.slice(0, 30)}": ${found ? (found.element ? `took "${(found.element.text ?? '').slice(0, 30)}"` : 'no element under the click') : 'no transition found'}`);
  }
  return { mapped, truth: w.truth.transitions.length, misses };
}

async function runOne(w: Walkthrough, o: VideoBenchOptions): Promise<WalkthroughResult> {
  const started = performance.now();
  const detection = await detectScreens(w.videoPath, {});
  const app = await writeVideoApp(await buildVideoApp(applyScreenEdits(detection, {}), { stack: o.stack, pool: o.pool }), join(o.cacheDir, 'apps', w.name));
  const totalS = (performance.now() - started) / 1000;
  return {
    name: w.name,
    codec: w.truth.codec,
    durationS: w.truth.durationS,
    screens: { found: detection.screens.length, truth: w.truth.screenCount },
    stitched: await stitchedScores(w, app),
    transitions: transitionScores(w, app),
    detectSecondsPerSecond: w.truth.durationS / (detection.ms / 1000),
    convertSecondsPerSecond: w.truth.durationS / totalS,
  };
}

export async function runVideoBench(o: VideoBenchOptions): Promise<VideoBenchResult> {
  const say = o.onLine ?? (() => {});
  say(`walkthroughs: generating the ${o.set} set into ${join(o.cacheDir, 'walkthroughs')} (cached after the first run)…`);
  const all = await generateWalkthroughs(join(o.cacheDir, 'walkthroughs'), { set: o.set });
  const long = all.find((w) => LONG.test(w.name));
  const rest = all.filter((w) => w !== long).slice(0, o.limit);
  let longResult: VideoBenchResult['long'];
  if (long) {
    const r = await runOne(long, o);
    const peakRssMB = process.resourceUsage().maxRSS / 1024;
    longResult = { name: long.name, durationS: r.durationS, ...long.truth.viewport, detectSecondsPerSecond: r.detectSecondsPerSecond, convertSecondsPerSecond: r.convertSecondsPerSecond, peakRssMB };
    say(`${long.name}: ${r.durationS.toFixed(0)} s of ${long.truth.viewport.width}×${long.truth.viewport.height}, frames read and analysed at ${r.detectSecondsPerSecond.toFixed(2)} s of video/s, whole conversion ${r.convertSecondsPerSecond.toFixed(2)} s/s, peak RSS ${peakRssMB.toFixed(0)} MB; screens ${r.screens.found}/${r.screens.truth}`);
  }
  const rows: WalkthroughResult[] = [];
  for (const w of rest) {
    const r = await runOne(w, o);
    rows.push(r);
    const ssims = r.stitched.map((s) => s.ssim.toFixed(3)).join(' ');
    say(`${r.name} (${r.codec}, ${r.durationS.toFixed(1)} s): screens ${r.screens.found}/${r.screens.truth}, stitched ${ssims || '–'}, clicks ${r.transitions.mapped}/${r.transitions.truth}, ${r.detectSecondsPerSecond.toFixed(2)} s/s${r.transitions.misses.length ? `; missed: ${r.transitions.misses.join('; ')}` : ''}`);
  }
  const stitched = rows.flatMap((r) => r.stitched.map((s) => s.ssim));
  const clicks = rows.reduce((a, r) => ({ mapped: a.mapped + r.transitions.mapped, truth: a.truth + r.transitions.truth }), { mapped: 0, truth: 0 });
  return {
    walkthroughs: rows.length,
    screenCountExactShare: rows.filter((r) => r.screens.found === r.screens.truth).length / Math.max(1, rows.length),
    stitchedPages: stitched.length,
    stitchedSsimMedian: stitched.length ? median(stitched) : 0,
    stitchedSsimMin: stitched.length ? Math.min(...stitched) : 0,
    stitchedAtLeast095Share: stitched.length ? stitched.filter((s) => s >= 0.95).length / stitched.length : 0,
    transitionsMappedShare: clicks.truth ? clicks.mapped / clicks.truth : 0,
    detectSecondsPerSecondMedian: median(rows.map((r) => r.detectSecondsPerSecond)),
    convertSecondsPerSecondMedian: median(rows.map((r) => r.convertSecondsPerSecond)),
    ...(longResult && { long: longResult }),
    rows,
  };
}

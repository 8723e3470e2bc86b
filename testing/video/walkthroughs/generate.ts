// Makes a set of walkthroughs (video, ground truth, full-page renders) in a folder, or finds
// them there already made. Each walkthrough's truth file carries a stamp of everything that
// made it (this generator's source, the encoder's, the flow, the dev pages it visits); a
// walkthrough whose stamp differs is made again, so changing the generator needs no cleanup.
import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { LoupeError } from '../../../engine/errors.ts';
import { startVideoEncoder, VIDEO_EXTENSION, type VideoCodec } from '../../ingest/video-encode.ts';
import { launchBrowser } from '../../../engine/render/browser.ts';
import { cursorSprite } from './cursor.ts';
import { pagesOf } from './flows.ts';
import { renderFullPage } from './full-page.ts';
import { D2C_SITE, DEFAULT_D2C_DIR, serveWalkthroughPages } from './origin.ts';
import { walkthroughScript } from './page-script.ts';
import { recordFlow, type Recording } from './recorder.ts';
import { WALKTHROUGH_SETS, type WalkthroughSetName, type WalkthroughSpec } from './sets.ts';
import { buildTruth, TRUTH_FORMAT, TRUTH_VERSION, type WalkthroughTruth } from './truth.ts';

export const WALKTHROUGH_FPS = 30;

export interface Walkthrough {
  name: string;
  videoPath: string;
  truthPath: string;
  truth: WalkthroughTruth;
}

export interface GenerateOptions {
  set: WalkthroughSetName;
  /** Only the walkthroughs in these codecs; all of the set's when not given. */
  codecs?: readonly VideoCodec[];
  /** Where the Design2Code dev pages are; the dataset beside the checkout when not given. */
  d2cDir?: string;
  signal?: AbortSignal;
  onProgress?: (progress: { name: string; done: number; total: number; cached: boolean }) => void;
}

export async function generateWalkthroughs(dir: string, options: GenerateOptions): Promise<Walkthrough[]> {
  const specs = WALKTHROUGH_SETS[options.set].filter((s) => !options.codecs || options.codecs.includes(s.codec));
  const d2cDir = options.d2cDir ?? DEFAULT_D2C_DIR;
  await mkdir(dir, { recursive: true });
  const source = await sourceStamp();
  let browser: Browser | undefined;
  try {
    const made: Walkthrough[] = [];
    for (const spec of specs) {
      options.signal?.throwIfAborted();
      const stamp = await specStamp(source, spec, d2cDir);
      const cached = await findMade(dir, spec.name, stamp);
      made.push(cached ?? (await makeWalkthrough((browser ??= await launchBrowser()), dir, spec, stamp, d2cDir, options.signal)));
      options.onProgress?.({ name: spec.name, done: made.length, total: specs.length, cached: cached !== undefined });
    }
    return made;
  } finally {
    await browser?.close();
  }
}

const truthFile = (name: string) => `${name}.json`;

async function makeWalkthrough(browser: Browser, dir: string, spec: WalkthroughSpec, stamp: string, d2cDir: string, signal: AbortSignal | undefined): Promise<Walkthrough> {
  const { width, height } = spec.viewport;
  const context = await browser.newContext({ viewport: spec.viewport, deviceScaleFactor: 1 });
  try {
    await context.addInitScript(await walkthroughScript());
    await serveWalkthroughPages(context, d2cDir);
    const video = `${spec.name}.${VIDEO_EXTENSION[spec.codec]}`;
    // Written under another name and renamed when complete, so an interrupted run leaves no video that looks whole.
    const partial = join(dir, `${spec.name}.partial.${VIDEO_EXTENSION[spec.codec]}`);
    const encoder = startVideoEncoder({ path: partial, codec: spec.codec, width, height, fps: WALKTHROUGH_FPS, crf: spec.crf });
    let recording: Recording;
    try {
      recording = await recordFlow(await context.newPage(), spec.flow, { fps: WALKTHROUGH_FPS, width, height, cursor: await cursorSprite(height), encoder, signal });
      await encoder.finish();
    } catch (e) {
      encoder.abort();
      await rm(partial, { force: true });
      throw e;
    }
    await rename(partial, join(dir, video));

    const truth = buildTruth(recording, {
      generator: stamp,
      name: spec.name,
      video,
      codec: spec.codec,
      crf: spec.crf,
      fps: WALKTHROUGH_FPS,
      viewport: spec.viewport,
      fullPageFile: (id) => `${spec.name}.${id}.png`,
    });
    const renderPage = await context.newPage();
    const renderCdp = await context.newCDPSession(renderPage);
    for (const [i, screen] of recording.screens.entries()) await writeFile(join(dir, truth.screens[i].fullPage), await renderFullPage(renderPage, renderCdp, screen, width));
    // The truth file goes last: its presence, with the right stamp, is what marks the walkthrough as made.
    const truthPath = join(dir, truthFile(spec.name));
    await writeFile(truthPath, JSON.stringify(truth, null, 2) + '\n');
    return { name: spec.name, videoPath: join(dir, video), truthPath, truth };
  } finally {
    await context.close();
  }
}

async function findMade(dir: string, name: string, stamp: string): Promise<Walkthrough | undefined> {
  const truthPath = join(dir, truthFile(name));
  const truth = await readFile(truthPath, 'utf8')
    .then((text) => JSON.parse(text) as WalkthroughTruth)
    .catch(() => undefined);
  if (!truth || truth.format !== TRUTH_FORMAT || truth.version !== TRUTH_VERSION || truth.generator !== stamp) return undefined;
  const files = [truth.video, ...truth.screens.map((s) => s.fullPage)].map((f) => join(dir, f));
  const present = await Promise.all(files.map((f) => access(f).then(() => true, () => false)));
  return present.every(Boolean) ? { name, videoPath: files[0], truthPath, truth } : undefined;
}

const SOURCES = [new URL('./', import.meta.url), new URL('../../ingest/video-encode.ts', import.meta.url)];

/** A digest of the code that makes walkthroughs (tests aside: changing a test changes no video). */
async function sourceStamp(): Promise<string> {
  const hash = createHash('sha256');
  const folder = fileURLToPath(SOURCES[0]);
  const files = (await readdir(folder, { recursive: true }))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(folder, f));
  for (const file of [...files, fileURLToPath(SOURCES[1])]) hash.update(relative(folder, file)).update(await readFile(file));
  // The script every page gets as it is bundled, so page code it imports from elsewhere counts too.
  hash.update(await walkthroughScript());
  return hash.digest('hex');
}

async function specStamp(source: string, spec: WalkthroughSpec, d2cDir: string): Promise<string> {
  const hash = createHash('sha256').update(source).update(JSON.stringify(spec));
  for (const path of pagesOf(spec.flow).filter((p) => p.startsWith(`${D2C_SITE}/`))) {
    const file = join(d2cDir, path.slice(D2C_SITE.length + 1));
    hash.update(
      await readFile(file).catch(() => {
        throw new LoupeError('INPUT_NOT_FOUND', `Walkthrough ${spec.name} visits the Design2Code dev page ${file}, which is not there. Point d2cDir at the dev split.`);
      }),
    );
  }
  return hash.digest('hex').slice(0, 16);
}

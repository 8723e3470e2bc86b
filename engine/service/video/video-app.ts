// A walkthrough video's app in the history. Each kept screen is a design of its own (its stitched
// picture, perception's IR with the links its clicks became, and its code as the first version),
// so it is previewed, edited, scored and converted again like any design; the app groups them
// and keeps screens.json (the video, where each screen was seen, the clicks between them). The
// app as a whole is each screen's newest version in the app's stack, under the shell that links
// them (codegen/app.ts), which is what an export of it writes.
import { basename } from 'node:path';
import { z } from 'zod';
import { screenName, type VideoAppView } from '../../api/contract.ts';
import { STACK_NAMES } from '../../codegen/stacks.ts';
import { composeApp } from '../../codegen/app.ts';
import type { GeneratedCode, Stack } from '../../codegen/index.ts';
import { LoupeError } from '../../errors.ts';
import type { HistoryStore, StoredApp } from '../../history/store.ts';
import { irTextBlocks } from '../../pipeline/convert-design.ts';
import type { VideoApp } from '../../pipeline/convert-video.ts';
import { generatedVersion } from '../conversion-job.ts';

const MANIFEST = 'screens.json';

/** Keeps the app buildVideoApp made in the history; returns the version of its first screen. */
export function saveVideoApp(history: HistoryStore, app: VideoApp): string {
  const name = basename(app.input);
  const screens = app.conversions.map(({ screen, conversion }) => ({
    screen: screen.name,
    design: { name: `${name} ${screen.name}`, width: screen.width, height: screen.height, png: conversion.designPng, textBlocks: irTextBlocks(conversion.design), ir: JSON.stringify(conversion.design) },
    // The video's warnings (frames read, a file cut short) concern every screen.
    first: generatedVersion(conversion, app.stack, 'fast', { kind: 'perception' }, app.warnings),
  }));
  const saved = history.addApp({ name, stack: app.stack, files: [{ path: MANIFEST, contents: app.manifest }] }, screens);
  return saved.screens[0]!.versionId;
}

/** What the app shows of screens.json: where each screen was seen and the clicks between them. */
const Manifest = z.object({
  screens: z.array(z.object({ id: z.number(), name: z.string(), scrolled: z.boolean() })),
  transitions: z.array(z.object({ from: z.number(), to: z.number(), timeS: z.number(), element: z.object({ text: z.string().optional() }).optional() })),
});

export function videoAppView(history: HistoryStore, appId: string): VideoAppView {
  const app = history.app(appId);
  const manifest = readManifest(app);
  const stack = z.enum(STACK_NAMES).parse(app.stack);
  const screens = app.screens.map((s) => {
    const version = appVersion(app, s) ?? s.versions.at(-1)!;
    return { name: s.screen, designId: s.designId, versionId: version.versionId, width: s.width, height: s.height, scrolled: manifest.screens.find((m) => m.name === s.screen)?.scrolled ?? false, ssim: version.scores.ssim ?? 0 };
  });
  const kept = new Set(screens.map((s) => s.name));
  const transitions = manifest.transitions
    .map((t) => ({ from: screenName(t.from), to: screenName(t.to), timeS: t.timeS, ...(t.element?.text && { element: t.element.text }) }))
    .filter((t) => kept.has(t.from) && kept.has(t.to));
  return { appId, name: app.name, stack, screens, transitions };
}

/** The whole app: each screen's newest version in the app's stack, linked under the app's shell, with screens.json and each screen's picture. */
export function videoAppCode(history: HistoryStore, appId: string): GeneratedCode {
  const app = history.app(appId);
  const stack = app.stack as Stack;
  const screens = app.screens.map((s) => {
    const chosen = appVersion(app, s);
    if (!chosen) throw new LoupeError('INVALID_ARGUMENT', `${s.screen} of ${app.name} has no ${stack} version left to export; export its screens one at a time instead.`);
    const { entry, files } = history.version(chosen.versionId);
    return { name: s.screen, code: { stack, entry, files }, picture: history.design(s.designId).png };
  });
  const code = composeApp(stack, screens, app.name);
  return { ...code, files: [...code.files, ...app.files, ...screens.map((s) => ({ path: `screens/${s.name}/design.png`, contents: s.picture }))] };
}

/** The screen's newest version in the app's stack, if one is left. */
const appVersion = (app: StoredApp, screen: StoredApp['screens'][number]) => screen.versions.findLast((v) => v.stack === app.stack);

function readManifest(app: StoredApp): z.infer<typeof Manifest> {
  const file = app.files.find((f) => f.path === MANIFEST);
  const parsed = Manifest.safeParse(typeof file?.contents === 'string' ? JSON.parse(file.contents) : undefined);
  if (!parsed.success) throw new LoupeError('INPUT_CORRUPT', `The history's ${MANIFEST} of ${app.name} is damaged; convert the video again.`);
  return parsed.data;
}

// A conversion as a job: a design image (perceived), two designs of one page at two widths (two
// design images, or two Figma frames: one codebase, scored at each), or a Figma frame (exact values, scored
// against Figma's own PNG of it, or against the IR's render when it came without one). What it
// made is saved in the history: a new design with its first version, or, for a design converted
// again, its next version, with what made it (the backend, a fallback, the warnings; a model
// server's segments, requests and tokens, never its key). A model server's segments are sent as
// job events while it writes, a few a second.
import sharp from 'sharp';
import type { Backend, SegmentView } from '../api/contract.ts';
import { LoupeError, isLoupeError } from '../errors.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Design } from '../ir/index.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import { convertImage, type Conversion, type ConvertOptions } from '../pipeline/convert.ts';
import { convertDesign } from '../pipeline/convert-design.ts';
import { convertEitherOrder, convertTwoFigmaFrames, type AtNarrowWidth } from '../pipeline/convert-widths.ts';
import { overallFraction } from '../pipeline/progress.ts';
import type { RenderPool } from '../render/pool.ts';
import type { HistoryStore, NarrowDesign, NarrowResult, NewVersion } from '../history/store.ts';
import type { ConvertRequestParsed } from './validate.ts';
import type { FigmaFrame, FigmaFrameJob } from './figma-frame.ts';
import type { ArtifactStore } from './artifacts.ts';
import { pipelineBackend, type LocalModelSettings } from './backend.ts';
import type { JobWork } from './jobs.ts';
import type { ModelServerKeys } from './model-server-keys.ts';
import { throttleLatest } from './throttle.ts';
import { versionView } from './views.ts';

export type ConversionRequest = ConvertRequestParsed | FigmaFrameJob;

export interface ConversionContext {
  pool: RenderPool;
  history: HistoryStore;
  artifacts: ArtifactStore;
  localModel: LocalModelSettings;
  keys: ModelServerKeys;
}

/** Often enough to watch a segment being written, seldom enough not to flood the app with events. */
const SEGMENTS_EVERY_MS = 250;

/** `designId`: the design of the history this converts again; none for a new design. */
export const conversionWork =
  (request: ConversionRequest, designId: string | undefined, context: ConversionContext): JobWork =>
  async (signal, progress, update) => {
    const { history, artifacts, keys } = context;
    const segments = throttleLatest((list: SegmentView[]) => update({ type: 'segments', segments: list }), SEGMENTS_EVERY_MS);
    let converted: Converted;
    try {
      converted = await convertRequest(request, context, {
        stack: request.stack,
        mode: request.mode,
        pool: context.pool,
        signal,
        onProgress: (p) => progress(p.stage, p.fraction, overallFraction(p)),
        onSegments: (list) => segments.push(withoutKeysInReasons(list, keys)),
      });
    } catch (error) {
      throw withoutKeys(error, keys);
    } finally {
      // The segments as they ended go out before the job's last event.
      segments.end();
    }
    const { width, height } = converted;
    const conversion = { ...converted.conversion, modelServer: hideInReport(converted.conversion.modelServer, keys) };
    const warnings = converted.warnings.map((w) => keys.hide(w));
    // A Figma frame is converted from its exact values, by perception's generators.
    const backend = 'backend' in request ? request.backend : { kind: 'perception' as const };
    const version = { ...generatedVersion(conversion, request.stack, request.mode, backend, warnings), ...(converted.narrow && { narrow: converted.narrow.result }) };
    const versionId = designId
      ? history.addVersion(designId, version, converted.narrow?.design)
      : history.addDesign(
          {
            name: converted.name,
            width,
            height,
            png: conversion.designPng,
            textBlocks: conversion.textBlocks,
            ...(converted.ir && { ir: JSON.stringify(converted.ir) }),
            ...(converted.narrow && { narrow: converted.narrow.design }),
          },
          version,
        ).versionId;
    return { type: 'done', result: await versionView(history, artifacts, versionId), warnings };
  };

/** A conversion as the history keeps it: a generated version of its design, by the backend asked for, with the warnings its job reported. */
export function generatedVersion(conversion: Conversion, stack: string, mode: string, backend: Backend, warnings: string[]): NewVersion {
  return {
    kind: 'generated',
    stack,
    mode,
    entry: conversion.code.entry,
    files: conversion.code.files,
    render: conversion.render.png,
    diff: conversion.heatmap,
    scores: { ...conversion.scores },
    checks: { ...conversion.checks },
    timings: conversion.timings as Record<string, number>,
    origin: {
      backend: backend.kind,
      ...(backend.kind === 'local' && { modelDir: backend.modelDir }),
      ...(backend.kind === 'openai' && conversion.modelServer && { modelServer: conversion.modelServer }),
      fellBack: conversion.fellBack,
      warnings,
    },
  };
}

/**
 * `name`: the design's (the wider one's, for one page at two widths); `ir`: its exact values
 * (a Figma frame), which converting again starts from; `narrow`: the narrower design and the code at its width.
 */
type Converted = { conversion: Conversion; name: string; width: number; height: number; warnings: string[]; ir?: Design; narrow?: Narrow };
type Narrow = { design: NarrowDesign; result: NarrowResult };

async function convertRequest(request: ConversionRequest, { localModel, keys }: ConversionContext, options: ConvertOptions): Promise<Converted> {
  if ('design' in request) {
    if (request.also) return convertFigmaPair(request, request.also, options);
    const conversion = await convertDesign(request.design, request.reference, options);
    // Without Figma's picture, the render of the IR is the design's picture in the history.
    const { width, height } = request.reference ?? conversion.render;
    return { conversion, name: request.name, width, height, warnings: request.warnings, ir: request.design };
  }
  const image = await decodeDesignImage(request.data, request.name);
  if (request.also) return convertTwoDesigns({ name: request.name, image }, request.also, options);
  const conversion = await convertImage(image, { ...options, backend: pipelineBackend(request.backend, localModel, (baseUrl) => keys.get(baseUrl)) });
  return { conversion, name: request.name, width: image.width, height: image.height, warnings: conversion.warnings };
}

/** Two designs of one page in either order: the wider is the design, the narrower is kept beside it with the code's render and scores at its width. */
async function convertTwoDesigns(first: { name: string; image: DecodedImage }, also: { name: string; data: Buffer }, options: ConvertOptions): Promise<Converted> {
  const second = { name: also.name, image: await decodeDesignImage(also.data, also.name) };
  const { conversion, swapped } = await convertEitherOrder(first.image, second.image, options);
  const [wide, narrow] = swapped ? [second, first] : [first, second];
  return { conversion, name: wide.name, width: wide.image.width, height: wide.image.height, warnings: conversion.warnings, narrow: narrowOf(narrow.name, narrow.image, conversion.narrow) };
}

/** Two Figma frames of one page, from their exact values, in either order; each is pictured by Figma's PNG where there is one, else by its IR's render. */
async function convertFigmaPair(first: FigmaFrameJob, second: FigmaFrame, options: ConvertOptions): Promise<Converted> {
  const swapped = second.design.viewport.width > first.design.viewport.width;
  const [wide, narrow] = swapped ? [second, first] : [first, second];
  const conversion = await convertTwoFigmaFrames({ ...wide, warnings: [] }, { ...narrow, warnings: [] }, options);
  const [wideSize, narrowSize] = await Promise.all([conversion.designPng, conversion.narrow.designPng].map(pngSize));
  return {
    conversion,
    name: wide.name,
    ...wideSize!,
    warnings: first.warnings,
    ir: wide.design,
    narrow: narrowOf(narrow.name, narrowSize!, conversion.narrow, JSON.stringify(narrow.design)),
  };
}

const pngSize = async (png: Uint8Array) => {
  const { width, height } = await sharp(png).metadata();
  return { width: width!, height: height! };
};

/** The narrower design as the history keeps it, and the code at its width. */
function narrowOf(name: string, size: { width: number; height: number }, n: AtNarrowWidth, ir?: string): Narrow {
  return {
    design: { name, width: size.width, height: size.height, png: n.designPng, textBlocks: n.textBlocks, ...(ir !== undefined && { ir }) },
    result: { render: n.render.png, diff: n.heatmap, scores: { ...n.scores }, checks: { ...n.checks } },
  };
}

/** What the history keeps of a model server's conversion, with keys cut out of why segments fell back (a server's error). */
function hideInReport(report: Conversion['modelServer'], keys: ModelServerKeys): Conversion['modelServer'] {
  return report && { ...report, segments: withoutKeysInReasons(report.segments, keys) };
}

/** A segment falls back for a server's error, which may quote what it was sent. */
const withoutKeysInReasons = <S extends { reason?: string }>(segments: S[], keys: ModelServerKeys): S[] => segments.map((s) => (s.reason === undefined ? s : { ...s, reason: keys.hide(s.reason) }));

/**
 * The error with every key the engine holds cut out of its message (a server's error may quote
 * what it was sent); the original is not kept as its cause, which the key would travel with.
 */
function withoutKeys(error: unknown, keys: ModelServerKeys): unknown {
  if (!(error instanceof Error)) return error;
  const message = keys.hide(error.message);
  if (message === error.message) return error;
  return isLoupeError(error) ? new LoupeError(error.code, message) : new Error(message);
}

// A frame the Figma plugin sent, checked before it is queued: the payload against the contract,
// the JSON as a Figma node the importer can convert, and the PNG as a picture, so a bad frame is
// refused at once with what to do instead of failing later in the job list. A Figma JSON file
// dropped in the app is checked the same way, at once, before it is queued.
import { FigmaFrameRequest } from '../api/contract.ts';
import type { Stack } from '../codegen/index.ts';
import { LoupeError } from '../errors.ts';
import { figmaToDesign, parseVariables } from '../figma/index.ts';
import { FIGMA_LIMITS } from '../figma/schema.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import type { Design } from '../ir/index.ts';
import { parseDesign } from '../ir/validate.ts';
import { FIGMA_THINK_REFUSED, atWidth } from '../pipeline/figma-input.ts';
import { parseMessage, type ConvertRequestParsed } from './validate.ts';

export interface FigmaFrameJob {
  name: string;
  stack: Stack;
  /** Think mode repairs what perception misread; a Figma frame has exact values. */
  mode: 'fast';
  design: Design;
  /** Figma's PNG of the frame at the design's width; a JSON file alone has none, and is then scored against the IR's own render. */
  reference?: DecodedImage;
  warnings: string[];
  /** One page at two widths: a second frame of it, at another width. */
  also?: FigmaFrame;
}

/** A Figma frame as a conversion takes it: its name, its exact values, and its picture where known. */
export interface FigmaFrame {
  name: string;
  design: Design;
  reference?: DecodedImage;
}

export async function parseFigmaFrame(body: unknown): Promise<FigmaFrameJob> {
  const frame = parseMessage(FigmaFrameRequest, body, 'Figma frame');
  const variables = frame.variables ? parseVariables(JSON.stringify({ variables: frame.variables }), `${frame.name}'s variables`) : undefined;
  const { design, warnings } = figmaToDesign(documentText(frame.document, frame.name), { name: frame.name, variables });
  const picture = await decodeDesignImage(Buffer.from(frame.png, 'base64'), `${frame.name}.png`);
  return { name: frame.name, stack: frame.stack, mode: 'fast', design, reference: await atWidth(picture, design.viewport.width), warnings };
}

/**
 * The plugin's node as the importer reads it, JSON text. JSON.stringify recurses, so a document
 * nested thousands deep overflows the stack: that is a frame past the nesting limit, refused.
 */
function documentText(document: Record<string, unknown>, name: string): string {
  try {
    return JSON.stringify(document);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new LoupeError('INPUT_TOO_LARGE', `${name} nests layers thousands deep; Loupe converts up to ${FIGMA_LIMITS.maxDepth} levels. Send a frame further down, or flatten groups in Figma.`);
  }
}

/**
 * A design of the history that keeps an IR (a Figma frame's exact values; a video screen's, with
 * the links its clicks became) converted again: from its IR, scored against its picture.
 */
export async function storedIrJob(stored: { name: string; png: Uint8Array; ir: string }, stack: Stack, mode: 'fast' | 'think'): Promise<FigmaFrameJob> {
  if (mode === 'think') throw new LoupeError('INVALID_ARGUMENT', `${stored.name}: ${FIGMA_THINK_REFUSED} Choose fast mode in the toolbar.`);
  const design = parseDesign(JSON.parse(stored.ir));
  const picture = await decodeDesignImage(Buffer.from(stored.png), `${stored.name}.png`);
  return { name: stored.name, stack, mode: 'fast', design, reference: await atWidth(picture, design.viewport.width), warnings: [] };
}

/** Two Figma JSON files, a frame each, sent through the app's `convert` as one page at two widths. */
export function parseFigmaPair(request: ConvertRequestParsed, also: { name: string; data: Buffer }): FigmaFrameJob {
  const first = parseFigmaFile(request);
  const second = parseFigmaFile({ ...request, ...also });
  return { ...first, warnings: [...new Set([...first.warnings, ...second.warnings])], also: { name: second.name, design: second.design } };
}

/** A Figma JSON file (what `loupe convert frame.json` takes) sent through the app's `convert`. */
export function parseFigmaFile(request: ConvertRequestParsed): FigmaFrameJob {
  if (request.mode === 'think') throw new LoupeError('INVALID_ARGUMENT', `${request.name}: ${FIGMA_THINK_REFUSED} Choose fast mode in the toolbar.`);
  const { design, warnings } = figmaToDesign(request.data.toString('utf8'), { name: request.name });
  return { name: request.name, stack: request.stack, mode: 'fast', design, warnings };
}

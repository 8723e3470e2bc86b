// Perception: a design image → Design IR. Steps: page background; text lines (PP-OCRv4
// detector in a worker, Tesseract reading, rows of links cut at their separators, a link
// inside a sentence joined back to it as a run); per line colour, size and weight; solid and
// picture regions around the text; then a nested flow layout of it all (engine/layout).
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Design, DesignNode } from '../ir/schema.ts';
import type { TextBlock } from '../ir/text-block.ts';
import { frame, noStyle } from '../ir/build.ts';
import { parseDesign } from '../ir/validate.ts';
import { LoupeError } from '../errors.ts';
import { collectGarbage } from './collect-garbage.ts';
import { inferLayout } from '../layout/index.ts';
import { closeOcr, detectText, recogniser, RECOGNISERS } from './ocr.ts';
import { toHex } from '../ir/color.ts';
import { dominantColour, rectPixels, type IntRect } from './pixels.ts';
import { measureLines, readLines } from './text-lines.ts';
import { groupParagraphs, toTextNode } from './typography.ts';
import { fontClass } from './font-class.ts';
import { findRegions } from './regions.ts';
import { bulletNode, marks, splitBullets } from './bullets.ts';
import { regionNodes } from './region-nodes.ts';
import { splitAtSeparators } from './separators.ts';
import { joinSentences } from './inline-runs.ts';
import { markEmphasis } from './emphasis.ts';

export interface Perception {
  design: Design;
  /** every text line found, with box and colour: the reference blocks when the design is only an image */
  textBlocks: TextBlock[];
}

export interface PerceiveOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/**
 * Past this many pixels perception gives memory back as soon as it is done with it, so that it
 * does not stay through the region search, the render and the comparison that follow: the text
 * reader's workers are closed once the text is read (after a 50-megapixel design they held about
 * 1 GB more than when started; the next perception starts them again, about 2 s), and what the
 * region search allocated is collected before perception returns.
 */
export const RELEASE_OCR_PIXELS = 8_000_000;

export async function perceive(image: DecodedImage, options: PerceiveOptions = {}): Promise<Perception> {
  const { signal, onProgress } = options;
  const large = image.width * image.height > RELEASE_OCR_PIXELS;
  const check = () => {
    if (signal?.aborted) throw new LoupeError('CANCELLED', 'Perception was cancelled.');
  };
  check();
  onProgress?.(0);
  const full: IntRect = { x0: 0, y0: 0, x1: image.width, y1: image.height };
  const background = dominantColour(image, rectPixels(image, full, 3)).color;

  const boxes = await detectText(image.rgba, image.width, image.height, { signal });
  check();
  onProgress?.(0.35);
  const { lines: measured, bullets } = splitBullets(image, boxes
    .flatMap((b) => measureLines(image, b))
    .sort((a, b) => a.ink.y0 - b.ink.y0 || a.ink.x0 - b.ink.x0));
  const lines = markEmphasis(image, joinSentences(splitAtSeparators(image, (await readLines(image, measured, signal)).filter((l) => l.text.length > 0))));
  if (large) await closeOcr();
  check();
  onProgress?.(0.8);

  const regions = findRegions(image, background, [
    ...lines.map((l) => ({ rect: l.det, background: l.background })),
    ...bullets.map((b) => ({ rect: b.rect, background: b.background })),
  ]);
  check();

  let n = 0;
  const newId = (prefix = 'n') => `${prefix}${++n}`;
  const assets: Design['assets'] = {};
  const items: DesignNode[] = [];
  const textBlocks: TextBlock[] = [];
  for (const paragraph of groupParagraphs(lines, (l) => bullets.some((b) => marks(b, l)))) {
    const node = toTextNode(paragraph, newId('t'), fontClass(image, paragraph));
    items.push(node);
    textBlocks.push({ text: node.text, box: node.box, color: node.style.color });
  }
  items.push(...bullets.map((b) => bulletNode(b, newId('f'))));
  items.push(...(await regionNodes(image, regions, newId, assets)));

  const root = frame('root', { x: 0, y: 0, width: image.width, height: image.height }, [], {
    name: image.name,
    sizing: { width: 'fixed', height: 'fixed' },
    style: { ...noStyle(), fills: [{ type: 'solid', color: toHex(background) }] },
  });
  inferLayout(root, items, () => newId('r'));
  const design = parseDesign({
    version: 1,
    viewport: { width: image.width, height: image.height },
    root,
    assets,
    source: { kind: 'image', name: image.name },
  });
  if (large) collectGarbage();
  onProgress?.(1);
  return { design, textBlocks };
}

/** Loads the OCR models now (a one-time start of ~2 s), so the first perceive() is not charged with it. */
export async function warmPerception(): Promise<void> {
  const blank = Buffer.alloc(32 * 32 * 4, 255);
  await Promise.all([detectText(blank, 32, 32), ...Array.from({ length: RECOGNISERS }, (_, slot) => recogniser(slot))]);
}

/** Terminates the OCR workers so the process can exit; the next perceive() starts them again. */
export function closePerception(): Promise<void> {
  return closeOcr();
}

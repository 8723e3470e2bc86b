// One page at two widths asked of the app (two designs dropped as one page, a narrower design
// added to a design of the history, or such a design converted again): refused at once, before
// it is queued, where it cannot be converted.
import { isVideoName, type Backend } from '../api/contract.ts';
import type { Mode } from '../think/modes.ts';
import { LoupeError } from '../errors.ts';
import { isFigmaFile } from '../pipeline/figma-input.ts';
import { decodeDesignImage } from '../ingest/image.ts';

/** Whether two designs can be one page at two widths; `figma`: they are two Figma frames (else two design images). */
export function checkTwoDesigns(names: readonly [string, string], { mode, backend }: { mode: Mode; backend: Backend }): { figma: boolean } {
  for (const name of names) {
    if (isVideoName(name)) throw new LoupeError('INVALID_ARGUMENT', `${name} is a video; one page at two widths is two design images (PNG, JPEG, WebP) or two Figma frames (JSON). Drop the video on its own to read its screens.`);
  }
  const figma = names.filter(isFigmaFile).length;
  if (figma === 1) throw new LoupeError('INVALID_ARGUMENT', `${names.join(' and ')}: one page at two widths is two design images (PNG, JPEG, WebP) or two Figma frames (JSON), not one of each.`);
  if (backend.kind !== 'perception' || mode === 'think') {
    throw new LoupeError('INVALID_ARGUMENT', `${names.join(' and ')}: one page at two widths is converted by perception in fast mode (two Figma frames, from their exact values). Choose the perception backend and fast mode in the toolbar.`);
  }
  return { figma: figma === 2 };
}

/**
 * A narrower design (a phone's) added to a design image of the history, which then is one page at
 * two widths: refused unless the design is a picture of one width yet and the added one a
 * readable picture narrower than it.
 */
export async function checkAddedDesign(
  design: { name: string; width: number; ir?: string; app?: unknown; narrow?: { name: string } },
  also: { name: string; data: Buffer },
  choice: { mode: Mode; backend: Backend },
): Promise<void> {
  checkTwoDesigns([design.name, also.name], choice);
  if (design.narrow) throw new LoupeError('INVALID_ARGUMENT', `${design.name} is already one page at two widths, with ${design.narrow.name}. Drop the two designs you want at once to start another.`);
  if (design.ir !== undefined || design.app) {
    throw new LoupeError('INVALID_ARGUMENT', `${design.name} is converted from its exact values, not from a picture; a narrower design is added to a design image. For two Figma frames, drop both at once.`);
  }
  const { width } = await decodeDesignImage(also.data, also.name);
  if (width >= design.width) {
    throw new LoupeError(
      'INVALID_ARGUMENT',
      `${also.name} is ${width} px wide, not narrower than ${design.name} (${design.width} px): add a narrower design of the page (a phone's). To make ${also.name} the page, drop both designs at once.`,
    );
  }
}

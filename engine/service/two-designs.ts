// One page at two widths asked of the app (two designs dropped as one page, or such a design
// converted again): refused at once, before it is queued, where it cannot be converted.
import { isVideoName, type Backend } from '../api/contract.ts';
import type { Mode } from '../think/modes.ts';
import { LoupeError } from '../errors.ts';
import { isFigmaFile } from '../pipeline/figma-input.ts';

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

// One page at two widths asked of the app (two designs dropped as one page, or such a design
// converted again): refused at once, before it is queued, where it cannot be converted.
import { isVideoName, type Backend } from '../api/contract.ts';
import type { Mode } from '../think/modes.ts';
import { LoupeError } from '../errors.ts';
import { isFigmaFile } from '../pipeline/figma-input.ts';

export function checkTwoDesigns(names: readonly [string, string], { mode, backend }: { mode: Mode; backend: Backend }): void {
  for (const name of names) {
    if (isVideoName(name)) throw new LoupeError('INVALID_ARGUMENT', `${name} is a video; one page at two widths is two design images (PNG, JPEG, WebP). Drop the video on its own to read its screens.`);
    if (isFigmaFile(name)) throw new LoupeError('INVALID_ARGUMENT', `${name} is a Figma file; one page at two widths is two design images (PNG, JPEG, WebP). Convert a Figma file's two frames with loupe convert --also-node.`);
  }
  if (backend.kind !== 'perception' || mode === 'think') {
    throw new LoupeError('INVALID_ARGUMENT', `${names.join(' and ')}: one page at two widths is converted by perception in fast mode. Choose the perception backend and fast mode in the toolbar.`);
  }
}

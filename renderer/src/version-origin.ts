// What made a version, in the history's words: the backend, a fallback of the local model to
// perception's code, and for an edit the version it was edited from.
import type { VersionOrigin } from '../../engine/api/contract.ts';

const BACKEND_LABELS: Record<VersionOrigin['backend'], string> = {
  perception: 'perception',
  local: 'local model',
  // Kept before Loupe recorded it, by a conversion the local model could have made.
  unknown: 'backend not recorded',
};

export function originLabel(origin: VersionOrigin): string {
  return [
    ...(origin.editOf !== undefined ? [`edit of v${origin.editOf}`] : []),
    BACKEND_LABELS[origin.backend],
    ...(origin.fellBack ? ['fell back to perception'] : []),
  ].join(' · ');
}

// What a person decides about the screens found in a video before generating: each screen is
// kept, dropped, or the same as another. Decisions are a list, so the last one can be undone;
// a screen's latest decision is the one that counts.
import type { z } from 'zod';
import type { ScreenEdits } from '../../engine/api/contract.ts';

export type Fate = { kind: 'keep' } | { kind: 'drop' } | { kind: 'merge'; into: number };
export type ScreenDecision = { screen: number } & Fate;

const KEEP: Fate = { kind: 'keep' };

export function fateOf(decisions: readonly ScreenDecision[], screen: number): Fate {
  const last = decisions.findLast((d) => d.screen === screen);
  return last ? (last.kind === 'merge' ? { kind: 'merge', into: last.into } : { kind: last.kind }) : KEEP;
}

/** The decisions as the engine takes them. */
export function screenEdits(decisions: readonly ScreenDecision[], screens: readonly number[]): Required<z.input<typeof ScreenEdits>> {
  const fates = screens.map((screen) => ({ screen, fate: fateOf(decisions, screen) }));
  return {
    drop: fates.filter((f) => f.fate.kind === 'drop').map((f) => f.screen),
    merge: fates.flatMap(({ screen, fate }) => (fate.kind === 'merge' ? [[screen, fate.into] as [number, number]] : [])),
  };
}

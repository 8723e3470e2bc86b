// One page at two widths: the version's code is compared with each of its designs at that
// design's width. These are the widths a version can be shown at, each with its design, diff
// and scores (a scored edit's where there is one), and which one is shown.
import type { EditResult, VersionView } from '../../engine/api/contract.ts';

export type WidthKey = 'wide' | 'narrow';

export interface DesignWidth {
  key: WidthKey;
  design: VersionView['design'];
  diff: string;
  scores: VersionView['scores'];
  checks: VersionView['checks'];
}

/** The version's designs, widest first: one, or two for one page at two widths. */
export function designWidths(result: VersionView, scored?: EditResult['scored']): DesignWidth[] {
  const wide: DesignWidth = { key: 'wide', design: result.design, diff: scored?.diff ?? result.diff, scores: scored?.scores ?? result.scores, checks: result.checks };
  if (!result.narrow) return [wide];
  const narrow = scored?.narrow;
  return [wide, { key: 'narrow', design: result.narrow.design, diff: narrow?.diff ?? result.narrow.diff, scores: narrow?.scores ?? result.narrow.scores, checks: result.narrow.checks }];
}

/** The width asked for, or the first where the version has no such design. */
export const shownWidth = (widths: DesignWidth[], key: WidthKey): DesignWidth => widths.find((w) => w.key === key) ?? widths[0]!;

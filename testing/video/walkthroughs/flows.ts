// A walkthrough is scripted as data: where it starts, then steps on a timeline (wait, move the
// pointer to an element, click, scroll). Steps name elements, never coordinates, so one flow
// plays at any viewport size.

/** A CSS selector naming exactly one element, or the first shown element of `css` whose shown text is, or begins with the words of, `text` (in any case). */
export type Target = string | { css: string; text: string };

export type ScrollGoal = 'top' | 'bottom' | { by: number } | { reveal: Target };

export type Step =
  | { kind: 'dwell'; ms: number }
  /** The pointer moves to a point inside the element; ms defaults to a duration that grows with the distance. */
  | { kind: 'move'; to: Target; ms?: number }
  /**
   * Presses and releases where the pointer is (it must be on the element it was moved to).
   * A link loads its page; `opens` makes the click load that page instead (relative to the
   * current one), for pages whose links lead nowhere offline.
   */
  | { kind: 'click'; opens?: string }
  | { kind: 'scroll'; to: ScrollGoal; ms: number }
  /** Reads down to the bottom of the page: scrolls by most of a screen at a time (`ms` each), pausing `pauseMs` after each. */
  | { kind: 'read'; ms: number; pauseMs: number };

export interface Flow {
  name: string;
  /** The first page, as served: "<site>/<page>.html". */
  start: string;
  steps: Step[];
}

export const dwell = (ms: number): Step => ({ kind: 'dwell', ms });
export const moveTo = (to: Target, ms?: number): Step => ({ kind: 'move', to, ms });
export const click = (opens?: string): Step => ({ kind: 'click', opens });
export const scrollBy = (by: number, ms: number): Step => ({ kind: 'scroll', to: { by }, ms });
export const scrollTo = (to: 'top' | 'bottom', ms: number): Step => ({ kind: 'scroll', to, ms });
export const readToBottom = (ms = 700, pauseMs = 900): Step => ({ kind: 'read', ms, pauseMs });
export const scrollToReveal = (target: Target, ms: number): Step => ({ kind: 'scroll', to: { reveal: target }, ms });

/** What a person does: move to it, settle for a moment, click. */
export const clickOn = (target: Target, options: { opens?: string; settleMs?: number } = {}): Step[] => [moveTo(target), dwell(options.settleMs ?? 200), click(options.opens)];

export const flow = (name: string, start: string, ...steps: Array<Step | Step[]>): Flow => ({ name, start, steps: steps.flat() });

/** The pages a flow loads, as served paths: where to look for changed inputs. */
export function pagesOf(f: Flow): string[] {
  const dir = f.start.slice(0, f.start.lastIndexOf('/') + 1);
  const opened = f.steps.flatMap((s) => (s.kind === 'click' && s.opens ? [dir + s.opens] : []));
  return [f.start, ...opened];
}

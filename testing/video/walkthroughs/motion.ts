// How the cursor and the page move between frames: eased, as a hand on a mouse or a trackpad
// moves them, so a walkthrough's motion looks like a person's rather than a jump or a
// constant-speed slide.

export interface Point {
  x: number;
  y: number;
}

/** Slow start, slow finish. */
export const easeInOutCubic = (t: number): number => (t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2);

/** The number of frames a motion of `ms` takes at `fps`; at least one. */
export const framesFor = (ms: number, fps: number): number => Math.max(1, Math.round((ms * fps) / 1000));

/** A pointer crosses a short way in ~400 ms and the width of a screen in ~700 ms (Fitts's law, roughly). */
export const moveDurationMs = (distance: number): number => Math.round(Math.min(700, Math.max(400, 380 + distance * 0.35)));

/**
 * Cursor positions for `frames` frames from `from` to `to`, ending exactly on `to`. The path
 * bows to one side by `bend` × its length (a wrist swings in an arc), on whole pixels.
 */
export function cursorPath(from: Point, to: Point, frames: number, bend: number): Point[] {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  // Control point of a quadratic Bézier: the midpoint pushed sideways, perpendicular to the chord.
  const cx = from.x + dx / 2 - dy * bend;
  const cy = from.y + dy / 2 + dx * bend;
  return Array.from({ length: frames }, (_, i) => {
    const t = easeInOutCubic((i + 1) / frames);
    const u = 1 - t;
    return { x: Math.round(u * u * from.x + 2 * u * t * cx + t * t * to.x), y: Math.round(u * u * from.y + 2 * u * t * cy + t * t * to.y) };
  });
}

/** Scroll offsets for `frames` frames from `from` to `to`, eased, ending exactly on `to`. */
export function scrollPath(from: number, to: number, frames: number): number[] {
  return Array.from({ length: frames }, (_, i) => Math.round(from + (to - from) * easeInOutCubic((i + 1) / frames)));
}

import test from 'node:test';
import assert from 'node:assert/strict';
import { cursorPath, framesFor, moveDurationMs, scrollPath } from './motion.ts';

const from = { x: 100, y: 500 };
const to = { x: 700, y: 140 };
const chord = Math.hypot(to.x - from.x, to.y - from.y);
/** Distance of a point from the straight line through `from` and `to`. */
const offLine = (p: { x: number; y: number }) => Math.abs((to.x - from.x) * (from.y - p.y) - (from.x - p.x) * (to.y - from.y)) / chord;

test('a pointer path has one point per frame and ends exactly on its target', () => {
  const path = cursorPath(from, to, 17, 0.1);
  assert.equal(path.length, 17);
  assert.deepEqual(path.at(-1), to);
  assert.ok(path.every((p) => Number.isInteger(p.x) && Number.isInteger(p.y)));
});

test('an unbent path runs along the line; a bent one bows to one side by at most half its bend', () => {
  assert.ok(cursorPath(from, to, 20, 0).every((p) => offLine(p) <= 1));
  const bowed = cursorPath(from, to, 20, 0.1).map(offLine);
  // A quadratic Bézier's farthest point from its chord is half-way to its control point.
  assert.ok(Math.max(...bowed) > 0.04 * chord);
  assert.ok(Math.max(...bowed) <= 0.05 * chord + 1);
});

test('motion eases in and out: short steps at the ends, long ones in the middle', () => {
  const ys = scrollPath(0, 1000, 30);
  const steps = ys.map((y, i) => y - (i === 0 ? 0 : ys[i - 1]));
  assert.ok(steps.every((s) => s >= 0), 'never back');
  assert.ok(steps[0] < steps[15] && steps.at(-1)! < steps[15]);
  assert.equal(ys.at(-1), 1000);
  assert.deepEqual(scrollPath(800, 200, 5).at(-1), 200);
});

test('a move takes 400–700 ms, longer for longer distances; a motion takes at least a frame', () => {
  const times = [0, 100, 400, 800, 3000].map(moveDurationMs);
  assert.equal(times[0], 400);
  assert.equal(times.at(-1), 700);
  assert.deepEqual([...times].sort((a, b) => a - b), times);
  assert.equal(framesFor(100, 30), 3);
  assert.equal(framesFor(1, 30), 1);
});

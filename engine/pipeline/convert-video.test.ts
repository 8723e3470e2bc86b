import test from 'node:test';
import assert from 'node:assert/strict';
import { applyScreenEdits, type VideoDetection } from './convert-video.ts';

const screen = (id: number, fromS: number) => ({ id, picture: { name: `s${id}`, width: 1, height: 1, rgba: Buffer.alloc(4) }, scrolled: false, visits: [{ fromS, toS: fromS + 1 }] });
const detection: VideoDetection = {
  input: 'walkthrough.mp4',
  video: { durationS: 10, width: 1, height: 1, codec: 'h264', sampledFps: 10, frames: 100 },
  screens: [screen(0, 0), screen(1, 2), screen(2, 4), screen(3, 6)],
  transitions: [
    { from: 0, to: 1, timeS: 2 },
    { from: 1, to: 2, timeS: 4 },
    { from: 2, to: 3, timeS: 6 },
    { from: 3, to: 0, timeS: 8 },
  ],
  warnings: [],
  ms: 1,
};

test('a merged screen is folded into its target: its visits join the target, its clicks lead there, a click between the two disappears', () => {
  const d = applyScreenEdits(detection, { merge: [[2, 1]] });
  assert.deepEqual(d.screens.map((s) => s.id), [0, 1, 3]);
  assert.deepEqual(d.screens[1]!.visits.map((v) => v.fromS), [2, 4]);
  // 1→2 is now 1→1 (gone); 2→3 came from a merged screen whose picture is gone.
  assert.deepEqual(d.transitions.map((t) => [t.from, t.to]), [[0, 1], [3, 0]]);
});

test('a dropped screen goes with the clicks that led to or from it; merges follow chains', () => {
  const d = applyScreenEdits(detection, { drop: [1], merge: [[3, 2], [2, 0]] });
  assert.deepEqual(d.screens.map((s) => s.id), [0]);
  assert.deepEqual(d.screens[0]!.visits.map((v) => v.fromS), [0, 4, 6]);
  assert.deepEqual(d.transitions, []);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { visionThroughput } from './vision.ts';

test('visionThroughput measures the bench tower on a Kimi-VL-preprocessed picture', () => {
  const r = visionThroughput({ width: 200, height: 130, threads: 1, repeats: 1 });
  assert.deepEqual([r.gridH, r.gridW], [10, 16]); // 200×130 padded to 224×140
  assert.equal(r.patches, 160);
  assert.equal(r.tokens, 40);
  assert.ok(r.patchesPerS > 0 && Number.isFinite(r.patchesPerS) && r.encodeMs > 0);
});

test('visionThroughput on a 4-frame chunk (MoonViT3d): four frames of patches, one frame of tokens', () => {
  const r = visionThroughput({ width: 200, height: 130, threads: 1, repeats: 1, frames: 4 });
  assert.deepEqual([r.frames, r.gridH, r.gridW], [4, 10, 16]);
  assert.equal(r.patches, 4 * 160);
  assert.equal(r.tokens, 40, 'the frames are pooled before the merge');
  assert.ok(r.patchesPerS > 0 && Number.isFinite(r.patchesPerS));
});

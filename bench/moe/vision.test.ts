// The vision figure on real tiny packages: the package's own tower, with the package's own
// preprocessing, for one picture (Kimi-VL's MoonViT) and for a video chunk (K2.5's MoonViT3d).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { convertCheckpoint } from '../../engine/moe/convert-checkpoint.ts';
import { openPackage } from '../../engine/moe/package.ts';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { visionThroughput } from './vision.ts';

const work = mkdtempSync(join(tmpdir(), 'loupe-vision-bench-'));
after(() => rmSync(work, { recursive: true, force: true }));

test("visionThroughput times the package's own tower on a picture after the package's preprocessing", async () => {
  const written = await createTestModel(join(work, 'tiny'), { size: 'tiny' });
  const pkg = openPackage(written.dir);
  try {
    const r = visionThroughput({ pkg, width: 200, height: 130, threads: 1, repeats: 1 });
    assert.deepEqual([r.gridH, r.gridW], [10, 16]); // 200×130 padded to 224×140
    assert.equal(r.patches, 160);
    assert.equal(r.tokens, 40);
    assert.equal(r.layers, pkg.config.vision_config!.num_hidden_layers);
    assert.ok(r.patchesPerS > 0 && Number.isFinite(r.patchesPerS) && r.encodeMs > 0);
  } finally {
    pkg.close();
  }
});

test('visionThroughput on a 4-frame chunk of a MoonViT3d package: four frames of patches, one frame of tokens', async () => {
  const hf = join(work, 'hf-k25');
  await writeTestCheckpoint(hf, { seed: 4, vision: 'moonvit3d' });
  const dir = join(work, 'pkg-k25');
  await convertCheckpoint(hf, dir, { quant: 'none' });
  const pkg = openPackage(dir);
  try {
    const r = visionThroughput({ pkg, width: 200, height: 130, threads: 1, repeats: 1, frames: 4 });
    assert.deepEqual([r.frames, r.gridH, r.gridW], [4, 10, 16]);
    assert.equal(r.patches, 4 * 160);
    assert.equal(r.tokens, 40, 'the frames are pooled before the merge');
    assert.ok(r.patchesPerS > 0 && Number.isFinite(r.patchesPerS));
  } finally {
    pkg.close();
  }
});

test('visionThroughput refuses a package without a vision encoder', async () => {
  const hf = join(work, 'hf-text');
  await writeTestCheckpoint(hf, { seed: 5, vision: false });
  const dir = join(work, 'pkg-text');
  await convertCheckpoint(hf, dir, { quant: 'none' });
  const pkg = openPackage(dir);
  try {
    assert.throws(() => visionThroughput({ pkg, width: 64, height: 64, threads: 1 }), /no vision encoder/);
  } finally {
    pkg.close();
  }
});

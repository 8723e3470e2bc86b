// The quick fuzzing run of `npm test`: a fixed seed, a few hundred cases over every kind, each
// case accepted or refused with a clear error, none hung, none over the memory limit; a few
// refused inputs also through the real `loupe convert`. `npm run fuzz` runs longer campaigns.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUZZ_KINDS } from './kind.ts';
import { startFigma } from './kinds/figma.ts';
import { startImages } from './kinds/images.ts';
import { formatSummary, runFuzz } from './run.ts';

test('a seed makes the same cases every time, and another seed others', async () => {
  for (const target of [await startImages(), await startFigma()]) {
    const again = Array.from({ length: 5 }, (_, n) => target.make(7, n).bytes);
    assert.deepEqual(Array.from({ length: 5 }, (_, n) => target.make(7, n).bytes), again);
    assert.notDeepEqual(Array.from({ length: 5 }, (_, n) => target.make(8, n).bytes), again);
    await target.close();
  }
});

test('200 seeded cases over every kind: no internal error, no hang, no memory blow-up', async () => {
  const failuresDir = await mkdtemp(join(tmpdir(), 'loupe-fuzz-failures-'));
  try {
    const summary = await runFuzz({ kinds: FUZZ_KINDS, cases: 200, seed: 18, caseLimitS: 30, memoryLimitBytes: 2 * 1024 ** 3, failuresDir, cliChecks: 1 });
    assert.equal(summary.cases, 200);
    assert.deepEqual(summary.failures, [], formatSummary(summary));
    assert.ok(summary.accepted > 0 && summary.refused > 0, 'the mutations reach both sides of the checks');
    assert.equal(summary.cliChecked, 3, 'one refused image, Figma file and video through the CLI');
  } finally {
    await rm(failuresDir, { recursive: true, force: true });
  }
});

// An engine whose expert budget admits no expert: every routed expert runs from its stored
// bytes in the int4 kernel (no session built for one use), and the model decodes as it does with
// every expert in a pool. A pool that holds every expert builds each at its first use; one that
// must evict runs an expert in the kernel until its BUILD_AT_USE-th use, then in its session.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestModel } from '../../../testing/moe/test-models.ts';
import { MoeEngine } from './engine.ts';

const ids = [3, 99, 512, 7, 260, 41, 900, 18];

test('a budget no expert fits: every expert runs from its stored bytes, with the same greedy tokens and logits within 1e-3 as an unlimited budget; only a pool that must evict defers its builds', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'loupe-stored-expert-')), 'tiny');
  await createTestModel(dir, { size: 'tiny' });
  const run = async (cpuBudget: number | undefined) => {
    const engine = await MoeEngine.open(dir, { accelerator: 'none', ...(cpuBudget === undefined ? {} : { cpuBudget }) });
    try {
      return { result: engine.generate({ tokens: ids, maxTokens: 12, promptLogits: true }, () => {}), experts: engine.stats().experts };
    } finally {
      engine.close();
    }
  };
  const unlimited = await run(undefined);
  const none = await run(1);
  const tight = await run(Math.floor(unlimited.experts.pools[0]!.usedBytes / 2));
  assert.deepEqual(none.result.tokens, unlimited.result.tokens);
  assert.deepEqual(tight.result.tokens, unlimited.result.tokens);
  const logits = [none.result.promptLogits!, unlimited.result.promptLogits!] as const;
  const diff = logits[0].reduce((m, v, i) => Math.max(m, Math.abs(v - logits[1][i]!)), 0);
  assert.ok(diff < 1e-3, `prompt logits differ by ${diff}`);
  const pool = unlimited.experts.pools[0]!;
  assert.equal(unlimited.experts.transientRuns, 0);
  assert.ok(pool.builds > 0 && pool.storedRuns === 0, `the pool that holds every expert ran ${pool.storedRuns} uses from stored bytes and built ${pool.builds} sessions`);
  const evicting = tight.experts.pools[0]!;
  assert.ok(evicting.evictions > 0 && evicting.storedRuns > 0 && evicting.storedRuns + evicting.builds <= evicting.runs, `the pool that evicts ran ${evicting.runs}: ${evicting.storedRuns} from stored bytes, ${evicting.builds} sessions built`);
  assert.equal(none.experts.pools[0]!.hits, 0);
  assert.ok(none.experts.storedRuns > 0 && none.experts.storedRuns === none.experts.transientRuns, `${none.experts.storedRuns} of ${none.experts.transientRuns} runs from stored bytes`);
});

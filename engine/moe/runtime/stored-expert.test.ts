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

test('sessions: a budget no expert fits: every expert runs from its stored bytes, with the same greedy tokens and logits within 1e-3 as an unlimited budget; only a pool that must evict defers its builds', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'loupe-stored-expert-')), 'tiny');
  await createTestModel(dir, { size: 'tiny' });
  const run = async (cpuBudget: number | undefined) => {
    const engine = await MoeEngine.open(dir, { accelerator: 'none', expertForm: 'session', ...(cpuBudget === undefined ? {} : { cpuBudget }) });
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

test('experts held as stored bytes: the same greedy tokens and logits within 1e-3 as sessions, no session built for a decoded token, and a tight budget evicts them from the kernel memory it reuses', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'loupe-stored-form-')), 'tiny');
  await createTestModel(dir, { size: 'tiny' });
  const run = async (expertForm: 'session' | 'stored' | 'auto', cpuBudget?: number) => {
    const engine = await MoeEngine.open(dir, { accelerator: 'none', expertForm, ...(cpuBudget === undefined ? {} : { cpuBudget }) });
    try {
      const result = engine.generate({ tokens: ids, maxTokens: 12, promptLogits: true }, () => {});
      return { result, experts: engine.stats().experts, threads: engine.decoder.expertThreads };
    } finally {
      engine.close();
    }
  };
  const sessions = await run('session');
  const stored = await run('stored');
  assert.deepEqual(stored.result.tokens, sessions.result.tokens);
  const diff = stored.result.promptLogits!.reduce((m, v, i) => Math.max(m, Math.abs(v - sessions.result.promptLogits![i]!)), 0);
  assert.ok(diff < 1e-3, `prompt logits differ by ${diff}`);
  const pool = stored.experts.pools[0]!;
  // The 8-token prompt and each decoded token are within the kernel's rows: nothing is built.
  assert.equal(pool.builds, 0);
  assert.equal(pool.storedRuns, pool.runs);
  assert.ok(stored.experts.kernelBytes >= pool.usedBytes, `the kernels' weight regions (${stored.experts.kernelBytes} bytes) holds the ${pool.usedBytes} bytes of experts in the pool`);
  assert.equal(sessions.experts.kernelBytes, 0, 'sessions with every expert in the pool leave the kernel unused');

  // Under a budget that must evict, `auto` holds stored bytes; evicted experts' regions are reused.
  const tight = await run('auto', Math.floor(pool.usedBytes / 2));
  assert.deepEqual(tight.result.tokens, sessions.result.tokens);
  const evicting = tight.experts.pools[0]!;
  assert.ok(evicting.evictions > 0 && evicting.builds === 0 && evicting.storedRuns === evicting.runs, JSON.stringify(evicting));
  assert.ok(tight.experts.kernelBytes < stored.experts.kernelBytes, `a tight budget's kernel weight regions ${tight.experts.kernelBytes} against ${stored.experts.kernelBytes} holding every expert`);
});

// The hostile-CLI corpus: its cases are the (by category, in its counts), made the same
// on every run, and a fixed sample of each category goes through the real `loupe` with no
// internal error, no hang, no memory blow-up and nothing written outside --out.
// `npm run corpus` runs all of them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORIES, CATEGORY_TITLES } from './case.ts';
import { caseId, corpus, formatTable, runCorpus } from './corpus.ts';

const SAMPLE = ['images/bomb-30000x30000', 'videos/hls-playlist-local-file', 'figma/children-string', 'figma-flags/images-fifo', 'out/proc-new-folder'];

test('the corpus holds the issue 18 counts, each case named once, made the same every time', async () => {
  const cases = corpus();
  const counts = Object.fromEntries(CATEGORIES.map((k) => [k, cases.filter((c) => c.category === k).length]));
  assert.deepEqual(counts, { images: 152, videos: 61, figma: 116, 'figma-flags': 16, out: 19 });
  assert.equal(new Set(cases.map(caseId)).size, cases.length);
  const made = async (id: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'loupe-corpus-case-'));
    try {
      await cases.find((c) => caseId(c) === id)!.prepare({ dir, out: join(dir, 'out') });
      return Promise.all((await readdir(dir)).map((name) => readFile(join(dir, name))));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  for (const id of ['images/mutated-png-0', 'videos/mutated-webm-1', 'figma/mutated-2']) assert.deepEqual(await made(id), await made(id), id);
});

test('a sample of every category through the real CLI: refused or converted, none hung, none wrote outside --out', async () => {
  const failuresDir = await mkdtemp(join(tmpdir(), 'loupe-corpus-failures-'));
  try {
    const cases = corpus().filter((c) => SAMPLE.includes(caseId(c)));
    const outcomes = await runCorpus({ cases, seconds: 60, memoryBytes: 2 * 1024 ** 3, killBytes: 4 * 1024 ** 3, failuresDir });
    assert.deepEqual(outcomes.map((o) => [o.id, o.verdict]), SAMPLE.map((id) => [id, 'clear']), formatTable(outcomes, CATEGORY_TITLES) + outcomes.map((o) => `\n${o.id}: ${o.detail}`).join(''));
    assert.deepEqual(outcomes.map((o) => o.code), [2, 2, 0, 2, 2], 'the bomb, the playlist, --images at a FIFO and /proc refused; the bad children skipped');
  } finally {
    await rm(failuresDir, { recursive: true, force: true });
  }
});

// `loupe convert --mode think` as a user runs it: a real process, real files, real Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderPool } from '../render/pool.ts';
import { loupe } from '../../testing/run-loupe.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-think-'));
const design = join(dir, 'design.png');


test.before(async () => {
  const pool = new RenderPool(1);
  const html = `<html><body style="margin:0;background:#fff;font-family:'DejaVu Serif'">
    <h2 style="margin:24px 32px 8px;font-size:26px;color:#111">Field notes from the coast</h2>
    <p style="margin:0 32px;font-size:15px;color:#555">Tides, birds and weather, written down every morning.</p></body></html>`;
  await writeFile(design, (await pool.screenshot(html, { width: 640, height: 160 }, { fullPage: false })).png);
  await pool.close();
});

test('--mode think reports its rounds in the JSON and in scores.json', async () => {
  const out = join(dir, 'out');
  const { code, stdout, stderr } = await loupe('convert', design, '--out', out, '--mode', 'think', '--budget', '60000', '--json');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.mode, 'think');
  assert.ok(result.think.rounds.length >= 1);
  assert.ok(result.think.best < result.think.rounds.length);
  assert.ok(result.timings.think >= 0, 'the think stage is timed');
  const scores = JSON.parse(await readFile(join(out, 'scores.json'), 'utf8'));
  assert.deepEqual(scores.think, result.think);
});

test('fast is the default; a bad mode or budget exits 2', async () => {
  const { code, stdout, stderr } = await loupe('convert', design, '--out', join(dir, 'fast'), '--json');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.mode, 'fast');
  assert.equal(result.think, undefined);
  assert.equal(result.timings.think, undefined);
  assert.equal((await loupe('convert', design, '--out', join(dir, 'x'), '--mode', 'slow')).code, 2);
  assert.equal((await loupe('convert', design, '--out', join(dir, 'x'), '--mode', 'think', '--budget', 'soon')).code, 2);
});

// A model's answer becomes the conversion's code only when it is a usable HTML document; the
// local backend on a model whose answer is not falls back to perception and says so.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestModel } from '../../testing/moe/test-models.ts';

test('loupe convert --backend local: a model whose answer is not code leaves the perception result and a warning', async () => {
  const work = mkdtempSync(join(tmpdir(), 'loupe-backend-'));
  const model = join(work, 'model');
  await createTestModel(model, { size: 'tiny' });
  const out = join(work, 'out');
  const run = spawnSync(process.execPath, ['bin/loupe.js', 'convert', 'examples/landing.png', '--backend', 'local', '--model', model, '--out', out, '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.stderr.startsWith(`${model} is a test package (random weights): it will not write code.\n`), run.stderr);
  assert.match(run.stderr, /The local model's answer was not usable code \(it wrote no HTML document\)/);
  const result = JSON.parse(run.stdout) as { warnings: string[]; scores: { ssim: number } };
  assert.equal(result.warnings.length, 1);
  assert.ok(result.scores.ssim > 0.9, `perception's code still renders the design: ${result.scores.ssim}`);
  assert.ok(existsSync(join(out, 'index.html')) && readFileSync(join(out, 'index.html'), 'utf8').includes('<!doctype html>'));
  const wrongStack = spawnSync(process.execPath, ['bin/loupe.js', 'convert', 'examples/landing.png', '--backend', 'local', '--model', model, '--stack', 'react-tailwind', '--out', out], { encoding: 'utf8' });
  assert.equal(wrongStack.status, 2);
  assert.match(wrongStack.stderr, /html-css only \(not react-tailwind\)\. With --backend local, use --stack html-css/);
});

// `loupe convert frame.json` as a user runs it: a real process, real files, real Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loupe } from '../../testing/run-loupe.ts';
import { FIGMA_DATA } from '../../testing/data.ts';

const frame = join(FIGMA_DATA, 'grida-vector-frame.response.json');
const dir = await mkdtemp(join(tmpdir(), 'loupe-figma-'));

test('a Figma JSON with its PNG is scored against the PNG', async () => {
  const out = join(dir, 'with-png');
  const { code, stdout, stderr } = await loupe('convert', frame, '--png', join(FIGMA_DATA, 'grida-vector-frame.png'), '--out', out);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /ssim \d\.\d{3}  \(measured against the design image\)/);
  const scores = JSON.parse(await readFile(join(out, 'scores.json'), 'utf8'));
  assert.equal(scores.measuredAgainst, 'design image');
  assert.ok(scores.ssim > 0.99, `ssim ${scores.ssim}`);
  const ir = JSON.parse(await readFile(join(out, 'design.ir.json'), 'utf8'));
  assert.equal(ir.source.kind, 'figma');
});

test('without a PNG the scores say they measure against the IR render; --node picks the frame', async () => {
  const { code, stdout, stderr } = await loupe('convert', frame, '--node', '1038-24', '--out', join(dir, 'no-png'), '--json');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.measuredAgainst, 'IR render');
  assert.deepEqual(result.warnings, []);
});

test('broken JSON, JSON that is no Figma file and an unknown node exit 2 with what to do', async () => {
  const broken = join(dir, 'broken.json');
  await writeFile(broken, '{"nodes": {"1:2": ');
  const other = join(dir, 'other.json');
  await writeFile(other, '{"name": "not figma"}');
  for (const [args, message] of [
    [[broken], /not valid JSON/],
    [[other], /not a Figma document/],
    [[frame, '--node', '9:9'], /has no node 9:9/],
    [[frame, '--mode', 'think'], /Leave out --mode think/],
  ] as const) {
    const { code, stderr } = await loupe('convert', ...args, '--out', join(dir, 'err'));
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
  }
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npyFloat32, readNpyFloat32 } from './npy.ts';
import { Sampler, StopWatcher, argmax } from './sampling.ts';

test('greedy takes the highest logit, the lower id on a tie', () => {
  assert.equal(argmax(new Float32Array([0.1, 3, -2, 3])), 1);
  assert.equal(new Sampler({ temperature: 0, topP: 1, seed: 1 }).next(new Float32Array([5, 1, 9])), 2);
});

test('top-p keeps only the nucleus; temperature sampling follows the distribution', () => {
  const logits = new Float32Array([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
  const nucleus = new Sampler({ temperature: 1, topP: 0.7, seed: 42 });
  const seen = new Set(Array.from({ length: 2000 }, () => nucleus.next(logits)));
  assert.deepEqual([...seen].sort(), [0, 1]);
  const all = new Sampler({ temperature: 1, topP: 1, seed: 42 });
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 20000; i++) counts[all.next(logits)]!++;
  [0.5, 0.3, 0.15, 0.05].forEach((p, i) => assert.ok(Math.abs(counts[i]! / 20000 - p) < 0.02, `token ${i}: ${counts[i]! / 20000}`));
  const again = new Sampler({ temperature: 1, topP: 1, seed: 42 });
  const replay = [0, 0, 0, 0];
  for (let i = 0; i < 20000; i++) replay[again.next(logits)]!++;
  assert.deepEqual(replay, counts, 'the same seed samples the same tokens');
});

test('stop sequences: text is held back only while it may start one, and the stop is not shown', () => {
  const w = new StopWatcher(['<|im_end|>', '\n\n']);
  const shown: string[] = [];
  let stopped = false;
  for (const piece of ['Hello', ' <', '|im', '_e', 'nd|> tail']) {
    const r = w.push(piece);
    shown.push(r.show);
    if (r.stopped) {
      stopped = true;
      break;
    }
  }
  assert.ok(stopped);
  assert.equal(shown.join(''), 'Hello ');
  assert.deepEqual(shown.slice(0, 2), ['Hello', ' ']);
  const free = new StopWatcher(['STOP']);
  assert.deepEqual(free.push('a ST'), { show: 'a ', stopped: false });
  assert.deepEqual(free.push('ay'), { show: 'STay', stopped: false });
  free.push('x S');
  assert.equal(free.flush(), 'S');
});

test('logits saved as .npy read back, and NumPy reads them as the same array where it is installed', () => {
  const data = Float32Array.from({ length: 12 }, (_, i) => i / 3 - 1.5);
  const bytes = npyFloat32(data, [3, 4]);
  assert.equal((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64, 0, 'data starts 64-byte aligned');
  const back = readNpyFloat32(bytes);
  assert.deepEqual(back.shape, [3, 4]);
  assert.deepEqual([...back.data], [...data]);
  const dir = mkdtempSync(join(tmpdir(), 'loupe-npy-'));
  writeFileSync(join(dir, 'x.npy'), bytes);
  const py = spawnSync('python3', ['-c', `import numpy as n; a = n.load(${JSON.stringify(join(dir, 'x.npy'))}); print(a.dtype, a.shape, *[repr(float(x)) for x in a.ravel()])`], { encoding: 'utf8' });
  if (py.status !== 0) return; // No NumPy on this machine: the format is checked above.
  assert.equal(py.stdout.trim(), `float32 (3, 4) ${[...data].join(' ')}`);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReleaseCheckpoint } from '../../testing/moe/quantised-checkpoint.ts';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';
import { convertCheckpoint } from './convert-checkpoint.ts';
import { MARKER } from './package-marker.ts';
import { quantisePool } from './quantise-pool.ts';
import { runQuantiseJob } from './quantise-job.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-quantise-pool-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

/** The package's files, byte for byte, but verified.json (machine-local: it records change times). */
const files = (dir: string) =>
  new Map(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name !== MARKER).map((e) => [join(e.parentPath, e.name).slice(dir.length), readFileSync(join(e.parentPath, e.name))]));

for (const format of ['bf16', 'fp8', 'int4'] as const) {
  test(`${format}: converting on worker threads writes the same bytes as on one thread`, async () => {
    const hf = join(root, `${format}-hf`);
    if (format === 'bf16') await writeTestCheckpoint(hf, { seed: 3 });
    else await writeReleaseCheckpoint(hf, format, { seed: 3 });
    await convertCheckpoint(hf, join(root, `${format}-one`), { quant: 'int4', threads: 0 });
    await convertCheckpoint(hf, join(root, `${format}-pool`), { quant: 'int4', threads: 2 });
    const one = files(join(root, `${format}-one`));
    const pool = files(join(root, `${format}-pool`));
    assert.deepEqual([...pool.keys()].sort(), [...one.keys()].sort());
    for (const [file, bytes] of one) assert.ok(bytes.equals(pool.get(file)!), `${file} differs`);
  });
}

test('a worker that fails a job rejects that job, and the pool goes on', async () => {
  const pool = quantisePool(1);
  try {
    await assert.rejects(pool.run({ kind: 'int4', packed: new Uint8Array(8), scales: new Float32Array(1), N: 1, K: 64, groupSize: 32, bits: 4, blockSize: 16 }), /would not be lossless/);
    const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
    const expected = runQuantiseJob({ kind: 'float', values: values.slice(), N: 2, K: 32, bits: 4, blockSize: 32 });
    const got = await pool.run({ kind: 'float', values, N: 2, K: 32, bits: 4, blockSize: 32 });
    assert.deepEqual(got, expected);
  } finally {
    await pool.close();
  }
});

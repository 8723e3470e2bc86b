import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCheckpoint, type QuantChoice } from './convert-checkpoint.ts';
import type { PackageManifest, PackageProgress } from './package.ts';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';
import { writeReleaseCheckpoint } from '../../testing/moe/quantised-checkpoint.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-slabs-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

// Three rows of the tiny model's hidden size (64) as float32: every tensor is cut into many
// slabs, and with 200-row MLP weights some slabs straddle a 128-row FP8 block of scales.
const SLAB_BYTES = 3 * 64 * 4;
const options = { seed: 21, qLoraRank: 32, configOverrides: { text_config: { intermediate_size: 200 } } };

/** The package's manifest and weights, by path (verified.json holds file times, so it is left out). */
function packageBytes(dir: string): Map<string, Buffer> {
  const files = ['manifest.json', ...readdirSync(join(dir, 'weights')).map((f) => `weights/${f}`)];
  return new Map(files.map((f) => [f, readFileSync(join(dir, f))]));
}

const cases: { what: string; release: 'bf16' | 'fp8' | 'int4'; quant: QuantChoice; threads: number }[] = [
  { what: 'BF16 floats stored as they are', release: 'bf16', quant: 'none', threads: 0 },
  { what: 'BF16 → int4', release: 'bf16', quant: 'int4', threads: 0 },
  { what: 'FP8 blocks → int4, on a worker thread', release: 'fp8', quant: 'int4', threads: 1 },
  { what: 'FP8 blocks → F32', release: 'fp8', quant: 'none', threads: 0 },
  { what: 'int4 packed → int4', release: 'int4', quant: 'int4', threads: 0 },
];

for (const { what, release, quant, threads } of cases) {
  test(`${what}: written in slabs of rows, the package is the bytes written whole`, async () => {
    const hf = join(root, `${release}-checkpoint`);
    if (release === 'bf16') await writeTestCheckpoint(hf, options);
    else await writeReleaseCheckpoint(hf, release, options);
    const whole = join(root, `${release}-${quant}-whole`);
    const slabbed = join(root, `${release}-${quant}-slabbed`);
    await convertCheckpoint(hf, whole, { quant, threads, slabBytes: Infinity, overwrite: true });
    const events: PackageProgress[] = [];
    await convertCheckpoint(hf, slabbed, { quant, threads, slabBytes: SLAB_BYTES, overwrite: true, onProgress: (p) => events.push(p) });

    const manifest = JSON.parse(readFileSync(join(slabbed, 'manifest.json'), 'utf8')) as PackageManifest;
    // Progress comes once a slab: every tensor of more than a slab's rows was cut.
    const slabsOf = (name: string) => events.filter((e) => e.tensor === name).length;
    for (const [name, t] of Object.entries(manifest.tensors)) {
      const rowValues = t.shape.slice(1).reduce((a, b) => a * b, 1);
      const rowsPerSlab = Math.max(1, Math.floor(SLAB_BYTES / (4 * rowValues)));
      assert.equal(slabsOf(name), Math.ceil((t.shape[0] ?? 1) / rowsPerSlab), name);
    }
    assert.ok(slabsOf('language_model.model.layers.0.mlp.gate_proj.weight') > 60);

    const expected = packageBytes(whole);
    const found = packageBytes(slabbed);
    assert.deepEqual([...found.keys()], [...expected.keys()]);
    assert.deepEqual(manifest.tensors, (JSON.parse(expected.get('manifest.json')!.toString('utf8')) as PackageManifest).tensors, 'every sha256 as written whole');
    for (const [file, bytes] of expected) assert.ok(found.get(file)!.equals(bytes), `${file} differs`);
    rmSync(hf, { recursive: true, force: true });
  });
}

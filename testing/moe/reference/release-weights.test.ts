// The reference's decoding of published weight formats: values worked out by hand from the
// formats' definitions, then agreement bit for bit with the checkpoint reader's decoding (written
// apart) on every weight of an FP8 and an int4 release.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../../../engine/moe/checkpoint.ts';
import { writeReleaseCheckpoint, type ReleaseFormat } from '../quantised-checkpoint.ts';
import { e4m3Value, floatValues, fp8BlockValues, packedInt4Values, releaseWeights } from './release-weights.ts';

const work = mkdtempSync(join(tmpdir(), 'loupe-release-weights-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** Values as their float32 bits, so that equal means bit for bit (and NaN equals itself). */
const bits = (values: Float32Array) => new Uint32Array(values.buffer, values.byteOffset, values.length);

test('float8_e4m3fn codes decode to the values of the format', () => {
  const cases: [number, number][] = [
    [0x00, 0],
    [0x01, 2 ** -9], // smallest subnormal: 0.001 × 2^-6
    [0x07, 7 * 2 ** -9], // largest subnormal
    [0x08, 2 ** -6], // smallest normal
    [0x38, 1], // exponent 7 = bias
    [0x3c, 1.5],
    [0x40, 2],
    [0x7e, 448], // the largest finite: 1.110 × 2^8
    [0xb8, -1],
    [0xfe, -448],
  ];
  for (const [code, value] of cases) assert.equal(e4m3Value(code), value, `code 0x${code.toString(16)}`);
  assert.ok(Object.is(e4m3Value(0x80), -0));
  assert.ok(Number.isNaN(e4m3Value(0x7f)) && Number.isNaN(e4m3Value(0xff)));
  // No infinities: S.1111.110 is finite, so every code but the two NaNs is.
  assert.equal(Array.from({ length: 256 }, (_, c) => e4m3Value(c)).filter((v) => !Number.isFinite(v)).length, 2);
});

test('float bytes, FP8 tiles and packed int4 words decode as worked out by hand', () => {
  // F16 1, 2^-24 (smallest subnormal), 65504 (largest), −2; BF16 1.5, −0.
  assert.deepEqual([...floatValues(Uint8Array.of(0x00, 0x3c, 0x01, 0x00, 0xff, 0x7b, 0x00, 0xc0), 'F16')], [1, 2 ** -24, 65504, -2]);
  assert.deepEqual([...floatValues(Uint8Array.of(0xc0, 0x3f, 0x00, 0x80), 'BF16')], [1.5, -0]);
  // A 3×3 weight in 2×2 tiles: four scales, the code 0x38 (1.0) everywhere shows each tile's scale.
  const tiles = fp8BlockValues(new Uint8Array(9).fill(0x38), Float32Array.of(1, 2, 3, 4), 3, 3, [2, 2]);
  assert.deepEqual([...tiles], [1, 1, 2, 1, 1, 2, 3, 3, 4]);
  // One row of 10 values, groups of 8: word 0 holds codes 0..7 (values −8..−1) lowest nibble
  // first, word 1 codes 15 and 8 (7 and 0); scales 0.5 and 2.
  const words = new Uint8Array(new Uint32Array([0x76543210, 0x8f]).buffer);
  assert.deepEqual([...packedInt4Values(words, Float32Array.of(0.5, 2), 1, 10, 8)], [-4, -3.5, -3, -2.5, -2, -1.5, -1, -0.5, 14, 0]);
});

for (const format of ['fp8', 'int4'] as ReleaseFormat[]) {
  test(`a ${format} release: the reference's decoding of every weight equals the checkpoint reader's, bit for bit`, async () => {
    const dir = join(work, format);
    await writeReleaseCheckpoint(dir, format, { seed: 31, qLoraRank: 32 });
    const checkpoint = openCheckpoint(dir);
    const reference = releaseWeights(checkpoint);
    const kinds = new Map<string, number>();
    for (const { name } of checkpoint.tensors) {
      const kind = checkpoint.stored(name).kind;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      assert.deepEqual(bits(reference.get(name).data), bits(checkpoint.get(name).data), name);
    }
    checkpoint.close();
    assert.ok((kinds.get(format === 'fp8' ? 'fp8-block' : 'int4-packed') ?? 0) >= 48, JSON.stringify([...kinds]));
    assert.ok((kinds.get('float') ?? 0) > 0);
  });
}

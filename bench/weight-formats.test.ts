import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../engine/moe/checkpoint.ts';
import { tinyConfigJson } from '../testing/moe/test-checkpoint.ts';
import { writeSyntheticCheckpoint } from './weight-formats.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-weight-formats-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

test('the synthetic checkpoints open as the release they imitate, their values finite', () => {
  const expected = { bf16: 'float', fp8: 'fp8-block', int4: 'int4-packed' } as const;
  for (const format of ['bf16', 'fp8', 'int4'] as const) {
    const dir = join(root, format);
    const { parameters, quantisedParameters } = writeSyntheticCheckpoint(dir, format, tinyConfigJson());
    const checkpoint = openCheckpoint(dir);
    const expert = 'language_model.model.layers.1.mlp.experts.0.up_proj.weight';
    assert.equal(checkpoint.stored(expert).kind, expected[format]);
    assert.equal(checkpoint.stored('language_model.model.norm.weight').kind, 'float');
    assert.ok(checkpoint.get(expert).data.every(Number.isFinite));
    assert.equal(parameters, checkpoint.tensors.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0));
    assert.equal(quantisedParameters > 0, format !== 'bf16');
    checkpoint.close();
  }
});

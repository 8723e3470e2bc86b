// The app asks what the local model's folder holds when the person chooses it: a test package is
// said to be one, a converted checkpoint says where it came from, and a folder a conversion would
// refuse gets that refusal.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCheckpoint } from '../moe/convert-checkpoint.ts';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { modelFolder } from './backend.ts';

const work = await mkdtemp(join(tmpdir(), 'loupe-backend-'));
test.after(() => rm(work, { recursive: true, force: true }));

test('a test package (create-test) is said to be one; a converted checkpoint is not, and names its checkpoint; a folder that is no package is refused as a conversion would be', async () => {
  const testPackage = join(work, 'test-package');
  await createTestModel(testPackage, { size: 'tiny', quant: 'int8' });
  await writeTestCheckpoint(join(work, 'hf'), { seed: 3 });
  const converted = join(work, 'converted');
  await convertCheckpoint(join(work, 'hf'), converted, { quant: 'int4' });

  const made = await modelFolder(testPackage);
  assert.deepEqual(made.kind === 'package' && [made.testPackage, made.bits], [true, 8]);
  assert.deepEqual(await modelFolder(converted), { kind: 'package', testPackage: false, source: 'hf', bits: 4 });
  const none = await modelFolder(work);
  assert.equal(none.kind === 'refused' && none.code, 'MODEL_NOT_FOUND');
  assert.deepEqual(await modelFolder('models/kimi'), {
    kind: 'refused',
    code: 'INVALID_ARGUMENT',
    message: "The model folder models/kimi is not a full path; give the folder from the root (it is on the engine's machine).",
  });
});

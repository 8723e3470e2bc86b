// The check a local conversion passes before its job is queued also says whether the model
// folder holds a test package, which the app tells the person.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCheckpoint } from '../moe/convert-checkpoint.ts';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { checkBackend } from './backend.ts';

const work = await mkdtemp(join(tmpdir(), 'loupe-backend-'));
test.after(() => rm(work, { recursive: true, force: true }));

const choice = (modelDir: string) => ({ name: 'design.png', stack: 'html-css', mode: 'fast', backend: { kind: 'local', modelDir } }) as const;

test('a test package (create-test) is said to be one; a converted checkpoint is not; perception has no folder to speak of', async () => {
  const testPackage = join(work, 'test-package');
  await createTestModel(testPackage, { size: 'tiny' });
  await writeTestCheckpoint(join(work, 'hf'), { seed: 3 });
  const converted = join(work, 'converted');
  await convertCheckpoint(join(work, 'hf'), converted, { quant: 'int4' });

  assert.deepEqual(await checkBackend(choice(testPackage), 'image'), { testPackage: true });
  assert.deepEqual(await checkBackend(choice(converted), 'image'), { testPackage: false });
  assert.equal(await checkBackend({ name: 'design.png', stack: 'react-tailwind', mode: 'think', backend: { kind: 'perception' } }, 'image'), undefined);
});

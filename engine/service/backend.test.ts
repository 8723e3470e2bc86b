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
import { checkBackend, modelFolder, pipelineBackend } from './backend.ts';
import type { Backend } from '../api/contract.ts';

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

const server: Extract<Backend, { kind: 'openai' }> = { kind: 'openai', baseUrl: 'http://gpu-box:8000/v1', model: 'kimi-k2.5', strategy: 'swarm', concurrency: 4, timeoutMs: 120_000 };

test('a model server converts design images in html-css, in fast or think mode; a Figma frame, a video or another stack is refused with what to do', async () => {
  const choice = (stack: 'html-css' | 'react-tailwind', mode: 'fast' | 'think') => ({ name: 'landing.png', stack, mode, backend: server });
  await checkBackend(choice('html-css', 'fast'), 'image');
  await checkBackend(choice('html-css', 'think'), 'image');
  const refused = async (promise: Promise<void>, message: RegExp) => assert.rejects(promise, (e: Error & { code?: string }) => e.code === 'INVALID_ARGUMENT' && message.test(e.message));
  await refused(checkBackend(choice('react-tailwind', 'fast'), 'image'), /^A model server writes one HTML page, so html-css only \(not react-tailwind\)\. Choose html-css in the toolbar for a model server\.$/);
  await refused(checkBackend({ ...choice('html-css', 'fast'), name: 'frame.json' }, 'figma'), /^frame\.json: a Figma frame is converted from its exact values; a model server reads design images\. Choose the perception backend/);
  await refused(checkBackend({ ...choice('html-css', 'fast'), name: 'walk.mp4' }, 'video'), /^walk\.mp4: a walkthrough video's screens are converted by perception, not a model server\. Choose the perception backend/);
});

test("a model server's conversion gets the key the engine holds for that server, and none where it holds none", () => {
  const keys = new Map([['http://gpu-box:8000/v1', 'sk-held']]);
  assert.deepEqual(pipelineBackend(server, {}, (url) => keys.get(url)), { kind: 'openai', server, apiKey: 'sk-held' });
  assert.deepEqual(pipelineBackend({ ...server, baseUrl: 'http://other:8000/v1' }, {}, (url) => keys.get(url)), { kind: 'openai', server: { ...server, baseUrl: 'http://other:8000/v1' } });
  assert.equal(pipelineBackend({ kind: 'perception' }, {}, () => 'unused'), undefined);
  assert.deepEqual(pipelineBackend({ kind: 'local', modelDir: '/m' }, { maxTokens: 32 }, () => 'unused'), { kind: 'local', modelDir: '/m', maxTokens: 32 });
});

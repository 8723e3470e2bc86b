import test from 'node:test';
import assert from 'node:assert/strict';
import { folderLine } from './model-folder.ts';

test('beside the model folder: a test package is said to be one, a package says what it is, a refused folder why', () => {
  assert.deepEqual(folderLine('/m/test', { kind: 'package', testPackage: true, source: 'checkpoint', bits: 4 }), {
    text: '/m/test is a test package (random weights): it will not write code.',
    tone: 'warn',
  });
  assert.deepEqual(folderLine('/m/kimi', { kind: 'package', testPackage: false, source: 'Kimi-VL-A3B-Instruct', bits: 4 }), {
    text: 'Model package converted from Kimi-VL-A3B-Instruct, int4.',
    tone: 'ok',
  });
  assert.deepEqual(folderLine('/m/plain', { kind: 'package', testPackage: false, bits: null }), { text: 'Model package, not quantised.', tone: 'ok' });
  assert.deepEqual(folderLine('/m', { kind: 'refused', code: 'MODEL_NOT_FOUND', message: '/m: no manifest.json' }), { text: '/m: no manifest.json', tone: 'bad' });
});

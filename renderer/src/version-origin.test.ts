import test from 'node:test';
import assert from 'node:assert/strict';
import { modelServerDetails, originLabel } from './version-origin.ts';

test('a version says what made it: the backend, a fallback to perception, and for an edit what it was edited from', () => {
  assert.equal(originLabel({ backend: 'perception', fellBack: false, warnings: [] }), 'perception');
  assert.equal(originLabel({ backend: 'local', modelDir: '/m', fellBack: false, warnings: [] }), 'local model');
  assert.equal(originLabel({ backend: 'local', modelDir: '/m', fellBack: true, warnings: ['x'] }), 'local model · fell back to perception');
  assert.equal(originLabel({ backend: 'local', modelDir: '/m', fellBack: true, warnings: ['x'], editOf: 2 }), 'edit of v2 · local model · fell back to perception');
  assert.equal(originLabel({ backend: 'unknown', fellBack: false, warnings: [] }), 'backend not recorded');
});

const server = {
  baseUrl: 'http://gpu-box:8000/v1',
  model: 'kimi-k2.5',
  strategy: 'swarm' as const,
  segments: [
    { label: 'header', from: 'model' as const },
    { label: 'hero', from: 'model' as const },
    { label: 'pricing', from: 'perception' as const, reason: 'it scored worse' },
  ],
  requests: 4,
  promptTokens: 12_800,
  completionTokens: 3_150,
};

test("a model server's version says the model and how many segments came from it; its details, each segment's source and what it took", () => {
  assert.equal(originLabel({ backend: 'openai', modelServer: server, fellBack: false, warnings: [] }), 'model server · kimi-k2.5 · 2 of 3 segments from the model');
  assert.equal(originLabel({ backend: 'openai', modelServer: server, fellBack: false, warnings: [], editOf: 1 }), 'edit of v1 · model server · kimi-k2.5 · 2 of 3 segments from the model');
  assert.equal(originLabel({ backend: 'openai', fellBack: true, warnings: [] }), 'model server · fell back to perception');
  assert.deepEqual(modelServerDetails(server), {
    asked: 'kimi-k2.5 at http://gpu-box:8000/v1, swarm',
    segments: [
      { label: 'header', source: 'from the model' },
      { label: 'hero', source: 'from the model' },
      { label: 'pricing', source: 'fell back to perception: it scored worse' },
    ],
    usage: '4 requests · 12,800 prompt + 3,150 completion tokens',
  });
  assert.equal(modelServerDetails({ ...server, segments: [{ label: 'page', from: 'perception' }], requests: 1 }).segments[0]!.source, 'fell back to perception');
});

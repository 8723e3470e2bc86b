import test from 'node:test';
import assert from 'node:assert/strict';
import { originLabel } from './version-origin.ts';

test('a version says what made it: the backend, a fallback to perception, and for an edit what it was edited from', () => {
  assert.equal(originLabel({ backend: 'perception', fellBack: false, warnings: [] }), 'perception');
  assert.equal(originLabel({ backend: 'local', modelDir: '/m', fellBack: false, warnings: [] }), 'local model');
  assert.equal(originLabel({ backend: 'local', modelDir: '/m', fellBack: true, warnings: ['x'] }), 'local model · fell back to perception');
  assert.equal(originLabel({ backend: 'local', modelDir: '/m', fellBack: true, warnings: ['x'], editOf: 2 }), 'edit of v2 · local model · fell back to perception');
  assert.equal(originLabel({ backend: 'unknown', fellBack: false, warnings: [] }), 'backend not recorded');
});

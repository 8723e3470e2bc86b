import test from 'node:test';
import assert from 'node:assert/strict';
import { hexToRgb, toHex } from './color.ts';

test('an IR colour reads as its channels, alpha left out', () => {
  assert.deepEqual(hexToRgb('#1e40af'), [30, 64, 175]);
  assert.deepEqual(hexToRgb('#1E40AF80'), [30, 64, 175]);
  assert.throws(() => hexToRgb('rgb(0, 0, 0)'), TypeError);
  assert.throws(() => hexToRgb('#fff'), TypeError);
});

test('channels write as #rrggbb, rounded and clamped', () => {
  assert.equal(toHex([30, 64, 175]), '#1e40af');
  assert.equal(toHex([200.5, -3, 255.7]), '#c900ff');
  assert.equal(toHex(hexToRgb('#0a0b0c')), '#0a0b0c');
});

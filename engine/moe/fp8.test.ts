import test from 'node:test';
import assert from 'node:assert/strict';
import { E4M3_MAX, E4M3_VALUES, decodeE4M3 } from './fp8.ts';

test('E4M3 codes decode to the float8_e4m3fn values: normals, subnormals, zeros, NaN and no infinity', () => {
  const decoded = decodeE4M3(Uint8Array.from([0x00, 0x80, 0x01, 0x07, 0x08, 0x38, 0x39, 0xb8, 0x7e, 0xfe, 0x7f, 0xff, 0x78, 0x3f]));
  assert.ok(Object.is(decoded[0], 0) && Object.is(decoded[1], -0));
  assert.deepEqual([...decoded.slice(2, 5)], [2 ** -9, 7 * 2 ** -9, 2 ** -6]); // smallest subnormal, largest subnormal, smallest normal
  assert.deepEqual([...decoded.slice(5, 10)], [1, 1.125, -1, 448, -448]);
  assert.ok(Number.isNaN(decoded[10]) && Number.isNaN(decoded[11]));
  assert.equal(decoded[12], 256); // S.1111.000: a number, not an infinity
  assert.equal(decoded[13], 1.875);
  assert.equal(E4M3_MAX, Math.max(...[...E4M3_VALUES].filter((v) => !Number.isNaN(v))));
  assert.equal([...E4M3_VALUES].filter((v) => Number.isNaN(v)).length, 2);
  assert.ok([...E4M3_VALUES].every((v) => Number.isFinite(v) || Number.isNaN(v)));
  // Positive codes increase with their value, so codes order like the numbers they hold.
  for (let c = 1; c < 0x7f; c++) assert.ok(E4M3_VALUES[c]! > E4M3_VALUES[c - 1]!, `code ${c}`);
});

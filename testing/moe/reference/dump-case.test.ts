import assert from 'node:assert/strict';
import { test } from 'node:test';
import { npyBytes, safetensorsBytes } from './dump-case.ts';
import { MemoryWeights } from './random-weights.ts';

test('npy files carry a 64-byte-aligned header and the raw little-endian values', () => {
  const bytes = npyBytes('<f4', [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
  assert.equal(bytes.subarray(0, 6).toString('latin1'), '\x93NUMPY');
  const headerLength = bytes.readUInt16LE(8);
  assert.equal((10 + headerLength) % 64, 0);
  assert.match(bytes.subarray(10, 10 + headerLength).toString('latin1'), /'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), }\s*\n$/);
  assert.equal(bytes.readFloatLE(10 + headerLength + 5 * 4), 6);
  assert.match(npyBytes('|u1', [4], new Uint8Array(4)).toString('latin1'), /'shape': \(4,\)/);
});

test('safetensors files list every tensor with its offsets', () => {
  const w = new MemoryWeights();
  w.set('b', { shape: [2], data: Float32Array.from([3, 4]) });
  w.set('a', { shape: [1, 1], data: Float32Array.from([7]) });
  const bytes = safetensorsBytes(w);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  assert.deepEqual(header.a, { dtype: 'F32', shape: [1, 1], data_offsets: [0, 4] });
  assert.deepEqual(header.b, { dtype: 'F32', shape: [2], data_offsets: [4, 12] });
  assert.equal(bytes.readFloatLE(8 + n + 8), 4);
});

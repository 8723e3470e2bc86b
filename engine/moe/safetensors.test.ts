import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile, SafetensorsWriter, bf16ToF32, decodeFloat32, f32ToBf16, writeSafetensors } from './safetensors.ts';
import { isLoupeError } from '../errors.ts';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';

const dir = mkdtempSync(join(tmpdir(), 'loupe-safetensors-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A file with any header at all, for the corruption cases. */
function rawFile(name: string, header: unknown, data: Uint8Array, headerLength?: bigint): string {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(headerLength ?? BigInt(json.length));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([length, json, data]));
  return path;
}

function rejects(path: string, code: string, ...fragments: string[]) {
  assert.throws(
    () => SafetensorsFile.open(path),
    (e) => isLoupeError(e) && e.code === code && fragments.every((f) => e.message.includes(f)),
  );
}

test('tensors of every dtype round-trip, each read on its own', () => {
  const f32 = Float32Array.from([1.5, -2.25, 3e-8, 0]);
  const halves = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7bff]); // 1, -2, the smallest subnormal, 65504
  const bf16 = f32ToBf16(Float32Array.from([1, -0.5, 3.140625, -1.5 * 2 ** 100]));
  const u8 = Uint8Array.from([0, 7, 255]);
  const i32 = Int32Array.from([-1, 2 ** 31 - 1]);
  const path = join(dir, 'all.safetensors');
  const size = writeSafetensors(path, [
    { name: 'a.f32', dtype: 'F32', shape: [2, 2], data: f32 },
    { name: 'b.f16', dtype: 'F16', shape: [4], data: halves },
    { name: 'c.bf16', dtype: 'BF16', shape: [1, 4], data: bf16 },
    { name: 'd.u8', dtype: 'U8', shape: [3], data: u8 },
    { name: 'e.i32', dtype: 'I32', shape: [2], data: i32 },
  ], { format: 'pt' });
  assert.equal(size, readFileSync(path).length);
  const file = SafetensorsFile.open(path);
  assert.equal(file.dataStart % 8, 0);
  assert.deepEqual(file.metadata, { format: 'pt' });
  assert.deepEqual(file.entry('a.f32').shape, [2, 2]);
  assert.deepEqual(file.readFloat32('c.bf16'), bf16ToF32(bf16));
  assert.deepEqual([...file.readFloat32('c.bf16')], [1, -0.5, 3.140625, -1.5 * 2 ** 100]);
  assert.deepEqual([...file.readFloat32('b.f16')], [1, -2, 2 ** -24, 65504]);
  assert.deepEqual(file.readFloat32('a.f32'), f32);
  assert.deepEqual(file.readBytes('d.u8'), u8);
  assert.deepEqual(new Int32Array(file.readBytes('e.i32').buffer), i32);
  assert.throws(() => file.readFloat32('d.u8'), (e) => isLoupeError(e) && e.code === 'MODEL_UNSUPPORTED' && e.message.includes('d.u8'));
  assert.throws(() => file.readBytes('nope'), (e) => isLoupeError(e) && e.code === 'MODEL_CORRUPT' && e.message.includes('nope'));
  file.close();
});

test('bf16 rounds to nearest even and widens back exactly', () => {
  const bits = new Uint32Array([0x3f808000, 0x3f818000, 0x3f808001, 0x7fc00001]);
  assert.deepEqual([...f32ToBf16(new Float32Array(bits.buffer))], [0x3f80, 0x3f82, 0x3f81, 0x7fc0]);
});

test('floats decode from bytes at any offset', () => {
  const bytes = new Uint8Array(9);
  bytes.set(new Uint8Array(new Float32Array([1.25, -3]).buffer), 1);
  assert.deepEqual([...decodeFloat32('F32', bytes.subarray(1), 'x')], [1.25, -3]);
  assert.deepEqual([...decodeFloat32('BF16', bytes.subarray(1, 5), 'x')], [0, 1.25]);
});

test('the writer takes each declared tensor whole or in consecutive parts, and refuses anything else', () => {
  const path = join(dir, 'stream.safetensors');
  const w = SafetensorsWriter.create(path, [
    { name: 'x', dtype: 'F32', shape: [2] },
    { name: 'y', dtype: 'U8', shape: [3] },
  ]);
  assert.throws(() => w.write('z', new Uint8Array(1)), /z, which is not declared/);
  w.write('y', Uint8Array.from([1, 2]));
  w.write('x', new Uint8Array(new Float32Array([1]).buffer));
  assert.throws(() => w.write('x', new Uint8Array(8)), /x has 12 bytes, its shape needs 8/);
  w.write('x', new Uint8Array(new Float32Array([2]).buffer));
  assert.throws(() => w.close(), /y was never written whole/);
  w.write('y', Uint8Array.from([3]));
  assert.equal(w.close(), statSync(path).size);
  const file = SafetensorsFile.open(path);
  assert.deepEqual([...file.readFloat32('x')], [1, 2]);
  assert.deepEqual([...file.readBytes('y')], [1, 2, 3]);
  file.close();
});

test('rows of a tensor are read alone, along its first dimension', () => {
  const path = join(dir, 'rows.safetensors');
  const values = Float32Array.from({ length: 12 }, (_, i) => i);
  writeSafetensors(path, [
    { name: 'before', dtype: 'U8', shape: [3], data: Uint8Array.from([9, 9, 9]) },
    { name: 'm', dtype: 'F32', shape: [4, 3], data: values },
  ]);
  const file = SafetensorsFile.open(path);
  assert.deepEqual([...new Float32Array(file.readRows('m', 1, 3).buffer)], [3, 4, 5, 6, 7, 8]);
  assert.deepEqual([...file.readRows('before', 2, 3)], [9]);
  assert.equal(file.readRows('m', 4, 4).length, 0);
  assert.throws(() => file.readRows('m', 2, 5), /rows \[2, 5\) of tensor m, which has 4/);
  file.close();
});

const entry = (dtype: string, shape: number[], offsets: number[]) => ({ dtype, shape, data_offsets: offsets });

test('a missing file is MODEL_NOT_FOUND', () => rejects(join(dir, 'absent.safetensors'), 'MODEL_NOT_FOUND', 'absent.safetensors'));

test('a FIFO named as a shard is refused at once, not waited on', { skip: process.platform === 'win32' && 'no FIFOs on Windows' }, () => {
  const fifo = join(dir, 'pipe.safetensors');
  execFileSync('mkfifo', [fifo]);
  rejects(fifo, 'INPUT_UNSUPPORTED', 'pipe.safetensors is a named pipe (FIFO); a safetensors file must be a regular file');
});

test('a truncated file is named with the tensor that runs past its end', () => {
  const path = join(dir, 'cut.safetensors');
  writeSafetensors(path, [
    { name: 'first', dtype: 'F32', shape: [4], data: new Float32Array(4) },
    { name: 'last', dtype: 'F32', shape: [4], data: new Float32Array(4) },
  ]);
  truncateSync(path, readFileSync(path).length - 3);
  rejects(path, 'MODEL_CORRUPT', 'cut.safetensors', 'tensor last', 'truncated');
  truncateSync(path, 5);
  rejects(path, 'MODEL_CORRUPT', 'cut.safetensors', 'truncated');
});

test('a header length beyond the file is refused', () =>
  rejects(rawFile('long.safetensors', { a: entry('U8', [1], [0, 1]) }, new Uint8Array(1), 10_000n), 'MODEL_CORRUPT', 'long.safetensors', 'header length', 'runs past'));

test('a header that is not JSON is refused', () =>
  rejects(rawFile('json.safetensors', '{"a": {"dtype": "U8",', new Uint8Array(1)), 'MODEL_CORRUPT', 'json.safetensors', 'not valid JSON'));

test('offsets out of range are refused with the tensor', () =>
  rejects(rawFile('range.safetensors', { a: entry('U8', [4], [4, 8]) }, new Uint8Array(6)), 'MODEL_CORRUPT', 'range.safetensors', 'tensor a', 'ends at byte 8'));

test('overlapping tensors are refused with both names', () =>
  rejects(
    rawFile('overlap.safetensors', { a: entry('U8', [4], [0, 4]), b: entry('U8', [4], [2, 6]) }, new Uint8Array(6)),
    'MODEL_CORRUPT', 'overlap.safetensors', 'tensor b', 'overlaps tensor a',
  ));

test('a shape that does not fit the byte count is refused', () =>
  rejects(rawFile('shape.safetensors', { w: entry('F32', [2, 3], [0, 16]) }, new Uint8Array(16)), 'MODEL_CORRUPT', 'tensor w', 'needs 24 bytes', 'give 16'));

test('an unknown dtype is corrupt; a real one Loupe does not decode is readable raw', () => {
  rejects(rawFile('dtype.safetensors', { w: entry('F17', [1], [0, 4]) }, new Uint8Array(4)), 'MODEL_CORRUPT', 'tensor w', 'unknown dtype "F17"');
  const file = SafetensorsFile.open(rawFile('fp8.safetensors', { w: entry('F8_E5M2', [2], [0, 2]) }, Uint8Array.from([1, 2])));
  assert.deepEqual([...file.readBytes('w')], [1, 2]);
  assert.throws(() => file.readFloat32('w'), (e) => isLoupeError(e) && e.code === 'MODEL_UNSUPPORTED' && e.message.includes('F8_E5M2'));
});

test('F8_E4M3 reads as its exact values', () => {
  const file = SafetensorsFile.open(rawFile('e4m3.safetensors', { w: entry('F8_E4M3', [4], [0, 4]) }, Uint8Array.from([0x38, 0xc4, 0x01, 0x7e])));
  assert.deepEqual([...file.readFloat32('w')], [1, -3, 2 ** -9, 448]);
});

test("a tensor's sha256 taken a few rows at a time is its bytes' sha256", () => {
  const path = join(dir, 'hashed.safetensors');
  const values = Float32Array.from({ length: 7 * 5 }, (_, i) => i * 0.37 - 3);
  writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [7, 5], data: values }]);
  const file = SafetensorsFile.open(path);
  const whole = createHash('sha256').update(file.readBytes('w')).digest('hex');
  // 50 bytes a read: two rows (20 bytes each) at a time, the last read one row.
  for (const readBytes of [1, 50, 2 ** 20]) assert.equal(file.sha256('w', readBytes), whole, `${readBytes} bytes a read`);
  file.close();
});

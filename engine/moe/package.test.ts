import test from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { writeTestCheckpoint } from '../../testing/moe/test-checkpoint.ts';
import { convertCheckpoint } from './convert-checkpoint.ts';
import { openPackage } from './package.ts';
import { SafetensorsFile } from './safetensors.ts';
import { quantLayout } from './quant.ts';
import { buildModel, node } from './onnx-graph.ts';
import { isLoupeError } from '../errors.ts';
import { OrtSession, tensor } from './runtime/ort-session.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-package-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const hf = join(root, 'hf');
let count = 0;

test.before(() => writeTestCheckpoint(hf, { seed: 21 }));

/** A freshly converted int4 package to damage. */
async function fresh(): Promise<string> {
  const out = join(root, `pkg-${count++}`);
  await convertCheckpoint(hf, out, { quant: 'int4' });
  return out;
}

const failsWith = (code: string, ...fragments: string[]) => (e: unknown) =>
  isLoupeError(e) && e.code === code && fragments.every((f) => e.message.includes(f));

function flipByte(path: string, position: number) {
  const fd = openSync(path, 'r+');
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, position);
  byte[0] ^= 0x5a;
  writeSync(fd, byte, 0, 1, position);
  closeSync(fd);
}

const editManifest = (dir: string, edit: (m: Record<string, any>) => void) => {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
};

const EXPERT = 'language_model.model.layers.2.mlp.experts.6.gate_proj.weight';
const LAYER_FILE = 'weights/layer-002.safetensors';

test('a damaged byte in one expert is MODEL_CORRUPT naming it when, and only when, it is read', async () => {
  const dir = await fresh();
  const path = join(dir, LAYER_FILE);
  const file = SafetensorsFile.open(path);
  const { begin, end } = file.entry(`${EXPERT}.qweight`);
  flipByte(path, file.dataStart + Math.floor((begin + end) / 2));
  file.close();

  const pkg = openPackage(dir);
  // Everything else in the same file still loads.
  for (const name of pkg.names()) if (name !== EXPERT) pkg.get(name);
  assert.throws(() => pkg.get(EXPERT), failsWith('MODEL_CORRUPT', EXPERT, LAYER_FILE, 'checksum', 'Convert the model again'));
  assert.throws(() => pkg.quantised(EXPERT), failsWith('MODEL_CORRUPT', `${EXPERT}.qweight`));
  pkg.close();

  // Checking only first reads: a tensor damaged after its first read goes unnoticed, by choice.
  const once = openPackage(await fresh(), { verify: 'first-read' });
  once.get(EXPERT);
  const other = join(once.dir, LAYER_FILE);
  const f = SafetensorsFile.open(other);
  flipByte(other, f.dataStart + f.entry(`${EXPERT}.scales`).begin);
  f.close();
  once.get(EXPERT);
  once.close();
});

test('a missing weights file is named when the package is opened', async () => {
  const dir = await fresh();
  rmSync(join(dir, LAYER_FILE));
  assert.throws(() => openPackage(dir), failsWith('MODEL_CORRUPT', LAYER_FILE, 'missing'));
});

test('a truncated weights file is named when the package is opened', async () => {
  const dir = await fresh();
  const path = join(dir, 'weights/vision.safetensors');
  truncateSync(path, readFileSync(path).length - 100);
  assert.throws(() => openPackage(dir), failsWith('MODEL_CORRUPT', 'vision.safetensors', 'truncated'));
});

test('a header that disagrees with the manifest is caught on the file’s first use', async () => {
  const dir = await fresh();
  const path = join(dir, LAYER_FILE);
  // Same length, another dtype: sizes still match, so only the header check can see it.
  const bytes = readFileSync(path);
  const at = bytes.indexOf(`"${EXPERT}.zero_points":{"dtype":"U8"`);
  assert.ok(at > 0);
  bytes.write(`"${EXPERT}.zero_points":{"dtype":"I8"`, at);
  writeFileSync(path, bytes);
  const pkg = openPackage(dir);
  pkg.get('language_model.model.layers.1.mlp.experts.6.gate_proj.weight');
  assert.throws(() => pkg.get('language_model.model.layers.2.input_layernorm.weight'), failsWith('MODEL_CORRUPT', LAYER_FILE, `${EXPERT}.zero_points`, 'I8'));
});

test('a manifest of another version or format, or broken, is refused clearly', async () => {
  const dir = await fresh();
  editManifest(dir, (m) => (m.version = 2));
  assert.throws(() => openPackage(dir), failsWith('MODEL_UNSUPPORTED', 'version 2', 'reads version 1', 'Update Loupe'));
  editManifest(dir, (m) => {
    m.version = 1;
    m.format = 'gguf';
  });
  assert.throws(() => openPackage(dir), failsWith('MODEL_UNSUPPORTED', '"gguf"', 'not a Loupe model package'));
  editManifest(dir, (m) => {
    m.format = 'loupe-moe';
    m.tensors[EXPERT].sha256.qweight = 'not a checksum';
  });
  assert.throws(() => openPackage(dir), failsWith('MODEL_CORRUPT', 'manifest.json', EXPERT));
  editManifest(dir, (m) => {
    m.tensors[EXPERT].sha256.qweight = '0'.repeat(64);
    m.tensors[EXPERT].file = '../../elsewhere.safetensors';
  });
  assert.throws(() => openPackage(dir), failsWith('MODEL_CORRUPT', 'manifest.json'));
  writeFileSync(join(dir, 'manifest.json'), '{"format": "loupe-moe",');
  assert.throws(() => openPackage(dir), failsWith('MODEL_CORRUPT', 'not valid JSON'));
});

test('a manifest whose tensors do not fit its config, or an unsupported config, is refused', async () => {
  const dir = await fresh();
  editManifest(dir, (m) => delete m.tensors[EXPERT]);
  assert.throws(() => openPackage(dir), failsWith('MODEL_CORRUPT', EXPERT, 'missing'));
  editManifest(dir, (m) => (m.config.text_config.scoring_func = 'softmax'));
  assert.throws(() => openPackage(dir), failsWith('MODEL_UNSUPPORTED', 'scoring_func'));
});

test('a test package says so in its manifest; a package without the field (as every older one) is not one', async () => {
  const marked = join(root, 'test-package');
  await convertCheckpoint(hf, marked, { quant: 'int4', testPackage: true });
  assert.equal(JSON.parse(readFileSync(join(marked, 'manifest.json'), 'utf8')).testPackage, true);
  const opened = openPackage(marked);
  assert.equal(opened.testPackage, true);
  opened.close();

  const plain = await fresh();
  assert.ok(!('testPackage' in JSON.parse(readFileSync(join(plain, 'manifest.json'), 'utf8'))), 'a converted checkpoint is written as before');
  const unmarked = openPackage(plain);
  assert.equal(unmarked.testPackage, false);
  unmarked.close();
  editManifest(plain, (m) => (m.testPackage = 'yes'));
  assert.throws(() => openPackage(plain), failsWith('MODEL_CORRUPT', 'testPackage'));
});

test('no directory or no manifest is MODEL_NOT_FOUND saying what to run', async () => {
  assert.throws(() => openPackage(join(root, 'absent')), failsWith('MODEL_NOT_FOUND', 'loupe models convert'));
  const dir = await fresh();
  rmSync(join(dir, 'manifest.json'));
  assert.throws(() => openPackage(dir), failsWith('MODEL_NOT_FOUND', 'no manifest.json', 'loupe models convert'));
});

test("an expert's stored parts run as MatMulNBits unchanged and agree with get()", async () => {
  const pkg = openPackage(await fresh());
  const q = pkg.quantised(EXPERT);
  const layout = quantLayout(q.N, q.K, q.bits, q.blockSize);
  const session = await ort.InferenceSession.create(
    buildModel({
      nodes: [node('MatMulNBits', ['x', 'B', 'scales', 'zp'], ['y'], { K: q.K, N: q.N, bits: q.bits, block_size: q.blockSize }, 'com.microsoft')],
      inputs: [{ name: 'x', type: 'float32', dims: [1, q.K] }],
      outputs: [{ name: 'y', type: 'float32', dims: [1, q.N] }],
      initializers: [
        { name: 'B', type: 'uint8', dims: layout.qweightShape, bytes: q.qweight },
        { name: 'scales', type: 'float32', dims: [layout.scalesLength], bytes: q.scales },
        { name: 'zp', type: 'uint8', dims: [layout.zeroPointsLength], bytes: q.zeroPoints },
      ],
    }),
    { intraOpNumThreads: 1 },
  );
  const x = Float32Array.from({ length: q.K }, (_, i) => Math.sin(i));
  const y = (await session.run({ x: new ort.Tensor('float32', x, [1, q.K]) })).y!.data as Float32Array;
  await session.release();
  const W = pkg.get(EXPERT).data;
  for (let n = 0; n < q.N; n++) {
    let expected = 0;
    for (let k = 0; k < q.K; k++) expected += W[n * q.K + k]! * x[k]!;
    assert.ok(Math.abs(y[n]! - expected) < 1e-4, `y[${n}] = ${y[n]}, expected ${expected}`);
  }
});

test('a weight left in its file: onnxruntime reads its located parts itself and computes what the stored bytes give; damage is caught before it reads them', async () => {
  const dir = await fresh();
  const pkg = openPackage(dir);
  const located = pkg.located(EXPERT);
  const q = pkg.quantised(EXPERT);
  const file = SafetensorsFile.open(join(dir, LAYER_FILE));
  const at = (part: string) => readFileSync(join(dir, located.qweight.file)).subarray(file.dataStart + file.entry(`${EXPERT}.${part}`).begin, file.dataStart + file.entry(`${EXPERT}.${part}`).end);
  assert.equal(located.qweight.file, LAYER_FILE);
  assert.deepEqual(readFileSync(join(dir, LAYER_FILE)).subarray(located.qweight.offset, located.qweight.offset + located.qweight.length), Buffer.from(q.qweight));
  assert.deepEqual(at('scales'), Buffer.from(q.scales.buffer, q.scales.byteOffset, q.scales.byteLength));
  const layout = quantLayout(q.N, q.K, q.bits, q.blockSize);
  const graph = (external: boolean) =>
    buildModel({
      nodes: [node('MatMulNBits', ['x', 'B', 'scales', 'zp'], ['y'], { K: q.K, N: q.N, bits: q.bits, block_size: q.blockSize }, 'com.microsoft')],
      inputs: [{ name: 'x', type: 'float32', dims: [1, q.K] }],
      outputs: [{ name: 'y', type: 'float32', dims: [1, q.N] }],
      initializers: [
        { name: 'B', type: 'uint8', dims: layout.qweightShape, ...(external ? { external: { location: located.qweight.file, offset: located.qweight.offset, length: located.qweight.length } } : { bytes: q.qweight }) },
        { name: 'scales', type: 'float32', dims: [layout.scalesLength], ...(external ? { external: { location: located.scales.file, offset: located.scales.offset, length: located.scales.length } } : { bytes: q.scales }) },
        { name: 'zp', type: 'uint8', dims: [layout.zeroPointsLength], ...(external ? { external: { location: located.zeroPoints.file, offset: located.zeroPoints.offset, length: located.zeroPoints.length } } : { bytes: q.zeroPoints }) },
      ],
    });
  const x = tensor(Float32Array.from({ length: q.K }, (_, i) => Math.sin(i)), [1, q.K]);
  const outputs = [true, false].map((external) => {
    const session = new OrtSession(graph(external), { device: 'cpu', threads: 1, ...(external ? { externalFolder: dir } : {}) }, 'a located weight');
    const y = session.run({ x }).y!.data as Float32Array;
    session.release();
    return y;
  });
  assert.deepEqual(outputs[0], outputs[1]);
  pkg.close();
  file.close();

  // Damage in a part not yet checked is found when the weight is located, before onnxruntime would read it.
  const damagedDir = await fresh();
  const path = join(damagedDir, LAYER_FILE);
  const f = SafetensorsFile.open(path);
  flipByte(path, f.dataStart + f.entry(`${EXPERT}.zero_points`).begin);
  f.close();
  const damagedPkg = openPackage(damagedDir);
  assert.throws(() => damagedPkg.located(EXPERT), failsWith('MODEL_CORRUPT', `${EXPERT}.zero_points`, LAYER_FILE));
  damagedPkg.close();
});

test('rows of a float tensor read one slab at a time agree with the whole tensor, its checksum checked once', async () => {
  const pkg = openPackage(await fresh());
  const name = 'language_model.model.embed_tokens.weight';
  const whole = pkg.raw(name);
  const rowBytes = whole.bytes.byteLength / whole.shape[0]!;
  const rows = pkg.rawRows(name, 3, 5);
  assert.equal(rows.dtype, whole.dtype);
  assert.deepEqual(rows.bytes, whole.bytes.subarray(3 * rowBytes, 5 * rowBytes));
  pkg.close();
  // Without the marker (a package copied in), the first rows read hash the whole tensor, and only once.
  rmSync(join(pkg.dir, 'verified.json'));
  const copied = openPackage(pkg.dir, { verify: 'first-read' });
  copied.rawRows(name, 0, 1);
  assert.equal(copied.stats.bytesVerified, whole.bytes.byteLength);
  copied.rawRows(name, 1, 2);
  assert.equal(copied.stats.bytesVerified, whole.bytes.byteLength, 'the second read is not hashed again');
  copied.close();
});

// The reference is an oracle only while it shares no code with what it checks: a bug in shared
// code would be in both answers, and they would agree. So the reference takes from engine/ only
// what reads its input (config, checkpoint layout, tensor types, the image processor, the seeded
// generator of test data, the error type), never the runtime, not even by way of those modules;
// and the runtime takes nothing from the reference.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const reference = dirname(new URL(import.meta.url).pathname);
const root = resolve(reference, '../../..');
const runtime = join(root, 'engine/moe/runtime');

/** What the reference may import from engine/, and why sharing it hides no bug of the model's. */
const SHARED: Record<string, string> = {
  'engine/errors.ts': 'the typed error a refused input raises',
  'engine/moe/config.ts': 'reading config.json',
  'engine/moe/tensor.ts': 'the tensor and weight-source types',
  'engine/moe/checkpoint.ts': 'the tensor names and shapes of the checkpoint layout, for random test weights',
  'engine/moe/random.ts': 'the seeded generator of test data',
  'engine/moe/image-processor.ts': 'input preparation, tested on its own against values worked out by hand',
};

const sourcesIn = (folder: string) =>
  readdirSync(folder, { recursive: true })
    .map((f) => join(folder, String(f)))
    .filter((f) => /\.tsx?$/.test(f));

/** The files a file imports by relative path, resolved. */
const importsOf = (file: string, source = readFileSync(file, 'utf8')): string[] =>
  ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec));

const under = (file: string, folder: string) => file.startsWith(folder + '/');

/** Files of the runtime that `file` reaches through engine/, each with the path it takes. */
function runtimeReached(file: string, source?: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (from: string, path: string[], src?: string) => {
    for (const target of importsOf(from, src)) {
      if (!under(target, join(root, 'engine')) || seen.has(target)) continue;
      seen.add(target);
      const via = [...path, relative(root, target)];
      if (under(target, runtime)) found.push(via.join(' → '));
      else walk(target, via);
    }
  };
  walk(file, [relative(root, file)], source);
  return found;
}

test('the reference imports from engine/ only input reading and test-data support', () => {
  const files = sourcesIn(reference);
  assert.ok(files.length >= 10, `found ${files.length} reference files`);
  const imported = files.flatMap((f) => importsOf(f).filter((t) => under(t, join(root, 'engine'))).map((t) => [relative(root, f), relative(root, t)] as const));
  assert.deepEqual(imported.filter(([, t]) => !(t in SHARED)).map(([f, t]) => `${f} imports ${t}`), []);
});

test('the reference never reaches the runtime, not even through the modules it shares', () => {
  assert.deepEqual(sourcesIn(reference).flatMap((f) => runtimeReached(f)), []);
});

test('the check finds a reference file that reaches the runtime', () => {
  const probe = join(reference, 'vision.ts');
  const source = `import { towerGraph } from '../../../engine/moe/runtime/vision.ts';\n` + readFileSync(probe, 'utf8');
  assert.deepEqual(runtimeReached(probe, source), ['testing/moe/reference/vision.ts → engine/moe/runtime/vision.ts']);
});

test('the runtime imports nothing from the reference (its tests compare against it; its code does not use it)', () => {
  const code = sourcesIn(runtime).filter((f) => !/\.test\.tsx?$/.test(f));
  assert.ok(code.length >= 10, `found ${code.length} runtime files`);
  const borrowed = code.flatMap((f) => importsOf(f).filter((t) => under(t, reference)).map((t) => `${relative(root, f)} imports ${relative(root, t)}`));
  assert.deepEqual(borrowed, []);
});

// The import rules of ARCHITECTURE.md, checked: the engine never reaches into the app
// (Electron, React UI), and lower layers never import higher ones.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const engine = dirname(new URL(import.meta.url).pathname);
// Each layer may import only from layers listed before it (and itself).
const LAYERS = ['errors', 'threads', 'api', 'ir', 'ingest', 'moe', 'render', 'compare', 'layout', 'perceive', 'figma', 'codegen', 'video', 'pipeline', 'history', 'bench', 'server', 'cli'];
const FORBIDDEN_PACKAGES = /^(electron|react-dom\/client)$/;

const sources = readdirSync(engine, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

const layerOf = (file: string) => relative(engine, file).split(/[\\/]/)[0].replace(/\.ts$/, '');

// TypeScript's own pre-processor finds real imports only, not code that generators hold in strings.
const importsOf = (file: string): string[] =>
  ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);

test('the engine imports neither Electron nor the UI', () => {
  for (const f of sources) {
    for (const spec of importsOf(join(engine, f))) {
      assert.ok(!FORBIDDEN_PACKAGES.test(spec), `${f} imports ${spec}`);
      if (spec.startsWith('.')) {
        const target = resolve(engine, dirname(f), spec);
        assert.ok(target.startsWith(engine), `${f} imports ${spec}, outside engine/`);
      }
    }
  }
});

test('lower layers never import higher ones', () => {
  const violations: string[] = [];
  for (const f of sources) {
    const from = layerOf(join(engine, f));
    const fromRank = LAYERS.indexOf(from);
    if (fromRank < 0) continue;
    for (const spec of importsOf(join(engine, f)).filter((s) => s.startsWith('.'))) {
      const to = layerOf(resolve(engine, dirname(f), spec));
      const toRank = LAYERS.indexOf(to);
      if (toRank > fromRank) violations.push(`${f} (${from}) imports ${spec} (${to})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('every engine folder has a place in the layer order', () => {
  const folders = new Set(sources.map((f) => layerOf(join(engine, f))));
  assert.deepEqual([...folders].filter((f) => !LAYERS.includes(f)), []);
});

test('the renderer knows the engine only through the API contract', () => {
  const renderer = resolve(engine, '../renderer/src');
  const contract = join(engine, 'api/contract.ts');
  const files = readdirSync(renderer, { recursive: true }).map(String).filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f));
  assert.ok(files.length > 0);
  const violations = files.flatMap((f) =>
    importsOf(join(renderer, f))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(renderer, dirname(f), spec))
      .filter((target) => !target.startsWith(renderer) && target !== contract)
      .map((target) => `${f} imports ${relative(renderer, target)}`),
  );
  assert.deepEqual(violations, []);
});

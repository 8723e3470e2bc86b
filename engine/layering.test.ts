// The import rules of ARCHITECTURE.md, checked: the engine never reaches into the app
// (Electron, React UI), lower layers never import higher ones, and no production code imports
// the test and benchmark support (testing/, bench/), which the packaged app leaves out.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const engine = dirname(new URL(import.meta.url).pathname);
const root = resolve(engine, '..');
// Each layer may import only from layers listed before it (and itself).
const LAYERS = ['errors', 'stats', 'threads', 'ir', 'ingest', 'openai', 'moe', 'render', 'compare', 'layout', 'perceive', 'figma', 'codegen', 'think', 'api', 'model-server', 'video', 'pipeline', 'history', 'service', 'transport', 'cli'];
const FORBIDDEN_PACKAGES = /^(electron|react-dom\/client)$/;
/** Folders of production code: what the desktop app and the CLI run. */
const PRODUCTION = ['engine', 'electron', 'renderer/src', 'figma-plugin/src'];
/** Folders that only tests, benchmarks and development commands may use. */
const SUPPORT = ['testing', 'bench'];

const isTest = (f: string) => /\.test\.tsx?$/.test(f);
const sourcesIn = (folder: string): string[] =>
  readdirSync(join(root, folder), { recursive: true })
    .map((f) => join(folder, String(f)))
    .filter((f) => /\.(ts|tsx|mts|mjs)$/.test(f) && !isTest(f));

const sources = sourcesIn('engine').map((f) => relative('engine', f));
const layerOf = (file: string) => relative(engine, file).split(/[\\/]/)[0].replace(/\.ts$/, '');

// TypeScript's own pre-processor finds real imports (dynamic ones too), not code that
// generators hold in strings.
const importsOf = (file: string, source = readFileSync(file, 'utf8')): string[] =>
  ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);

const within = (path: string, folder: string) => (path + sep).startsWith(join(root, folder) + sep);

/** Imports of a file (relative to the repository) that resolve into test or bench support, or into a test. */
const supportImports = (file: string, source?: string): string[] =>
  importsOf(join(root, file), source)
    .filter((spec) => spec.startsWith('.'))
    .filter((spec) => SUPPORT.some((folder) => within(resolve(root, dirname(file), spec), folder)) || isTest(spec))
    .map((spec) => `${file} imports ${spec}`);

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

test('production code never imports test or bench support', () => {
  const files = PRODUCTION.flatMap(sourcesIn);
  assert.ok(files.length > 100, `found ${files.length} production files`);
  assert.deepEqual(files.flatMap((f) => supportImports(f)), []);
});

test('the check finds a production module that imports test support', () => {
  // The import a careless refactor would add: a fixture pulled into the code generators.
  const probe = 'engine/codegen/index.ts';
  const source = `import { sampleDesign } from '../../testing/codegen/fixtures.ts';\n` + readFileSync(join(root, probe), 'utf8');
  assert.deepEqual(supportImports(probe, source), [`${probe} imports ../../testing/codegen/fixtures.ts`]);
});

test('test support never imports the benchmarks', () => {
  const files = sourcesIn('testing');
  assert.deepEqual(files.flatMap((f) => supportImports(f)).filter((v) => / imports \S*\bbench\//.test(v)), []);
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
  const files = readdirSync(renderer, { recursive: true }).map(String).filter((f) => /\.tsx?$/.test(f) && !isTest(f));
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

/**
 * Script text that a production module hands a page (page.evaluate, addInitScript) or keeps in a
 * raw string that reaches for the DOM: a block or a statement in it is a program the compiler never checks, which belongs
 * in a page/ module (engine/render/page-script.ts). One-expression queries may stay strings.
 */
const unCheckedPagePrograms = (file: string, source: string): string[] => {
  const literals = [...source.matchAll(/\b(?:evaluate|addInitScript)(?:<[^>]*>)?\(\s*(`[^`]*`|'[^']*'|"[^"]*")/g)].map((m) => m[1]!);
  const programs = literals.filter((text) => /[{;]/.test(text.replace(/\$\{[^}]*\}/g, '')));
  // Raw strings also hold regular expressions (the tokenizer's); a program reaches for the DOM.
  const raw = [...source.matchAll(/String\.raw`([^`]*)`/g)].filter((m) => /\b(document|window)\./.test(m[1]!));
  return [...programs.map((p) => `${file} runs ${p.slice(0, 40)}…`), ...raw.map(() => `${file} holds a String.raw program`)];
};

test('production code hands pages no program held in a string', () => {
  const files = PRODUCTION.flatMap(sourcesIn).filter((f) => !f.split(/[\\/]/).includes('page'));
  assert.deepEqual(files.flatMap((f) => unCheckedPagePrograms(f, readFileSync(join(root, f), 'utf8'))), []);
  // The check fires on what the compare step used to carry, and lets a one-expression query through.
  assert.equal(unCheckedPagePrograms('probe.ts', 'const S = String.raw`(() => document.body.children.length)()`; page.evaluate(S);').length, 1);
  assert.equal(unCheckedPagePrograms('probe.ts', "page.evaluate(`(() => { const r = 1; return r; })()`)").length, 1);
  assert.deepEqual(unCheckedPagePrograms('probe.ts', 'page.evaluate(`window.scrollTo(0, ${y})`)'), []);
});

test("the contract brings nothing into the app's bundle but zod", () => {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(join(engine, 'api/contract.ts'));
  assert.deepEqual([...packages], ['zod'], `the contract reaches ${[...seen].map((f) => relative(root, f)).join(', ')}`);
});

test('the packaged app leaves test and bench support out', () => {
  const config = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
  const packed = [...config.matchAll(/^\s+- "?([^"\n]+)"?$/gm)].map((m) => m[1]!);
  for (const folder of [...SUPPORT, 'test-data']) assert.ok(!packed.some((p) => p.startsWith(folder)), `electron-builder.yml packs ${folder}/`);
  assert.ok(packed.includes('!engine/**/*.test.ts'), 'tests beside the engine are left out');
});

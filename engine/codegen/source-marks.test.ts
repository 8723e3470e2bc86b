import test from 'node:test';
import assert from 'node:assert/strict';
import { buildPreview, generate, STACK_NAMES } from './index.ts';
import { landingPage } from '../../testing/codegen/fixtures.ts';
import { markHtml, markJsx, SOURCE_MARK_ATTR } from './source-marks.ts';

/** Every source mark in a document or bundle: as an HTML attribute or as a JSX prop. */
const marks = (text: string) =>
  [...text.matchAll(new RegExp(`${SOURCE_MARK_ATTR}"?[=:]"([^"]+):(\\d+)-(\\d+)"`, 'g'))].map((m) => ({ path: m[1]!, start: Number(m[2]), end: Number(m[3]) }));
const unmarked = (text: string) => text.replace(new RegExp(` ${SOURCE_MARK_ATTR}="[^"]*"`, 'g'), '');

test('HTML: each body element is marked with the range of its source, from start tag to end tag', () => {
  const html = '<!doctype html>\n<html><head><title>t</title><link rel="stylesheet" href="s.css"></head>\n<body>\n  <h1 class="a">Hi <b>there</b></h1>\n  <img src="x.png" />\n  <svg viewBox="0 0 1 1"><path d="M0" /></svg>\n</body></html>';
  const marked = markHtml(html, 'index.html');
  assert.equal(unmarked(marked), html, 'only attributes are added');
  const found = marks(marked).map(({ path, start, end }) => [path, html.slice(start, end)]);
  assert.deepEqual(found.slice(1), [
    ['index.html', '<h1 class="a">Hi <b>there</b></h1>'],
    ['index.html', '<b>there</b>'],
    ['index.html', '<img src="x.png" />'],
    ['index.html', '<svg viewBox="0 0 1 1"><path d="M0" /></svg>'],
    ['index.html', '<path d="M0" />'],
  ]);
  assert.match(found[0]![1]!, /^<body>[\s\S]*<\/body>$/);
  assert.doesNotMatch(marked.slice(0, marked.indexOf('<body')), new RegExp(SOURCE_MARK_ATTR), 'nothing in the head');
});

test('JSX: intrinsic elements are marked, components and code that does not parse are not', () => {
  const tsx = `function Card({ t }: { t: string }) {\n  return <div className="c">{t}</div>;\n}\nexport default function App() {\n  return (\n    <main>\n      <Card t="x" />\n      <img src="a.png" alt="" />\n    </main>\n  );\n}\n`;
  const marked = markJsx(tsx, 'App.tsx');
  assert.equal(unmarked(marked), tsx);
  assert.deepEqual(
    marks(marked).map(({ start, end }) => tsx.slice(start, end).split('\n')[0]),
    ['<div className="c">{t}</div>', '<main>', '<img src="a.png" alt="" />'],
  );
  assert.equal(markJsx('export default () => <div>', 'App.tsx'), 'export default () => <div>');
});

/** The message the picking script posts, as its bundle writes it. */
const PICK_MESSAGE = /loupe: ["']pick["']/;

test("the app's preview of each stack points into the entry's code; renders get the plain preview", async () => {
  for (const stack of STACK_NAMES) {
    const code = await generate(landingPage(), stack);
    const entry = code.files.find((f) => f.path === code.entry)!.contents as string;
    const [picking, plain] = await Promise.all([buildPreview(code, { picking: true }), buildPreview(code)]);
    const found = marks(picking);
    assert.ok(found.length > 5, `${stack}: ${found.length} marks`);
    for (const { path, start, end } of found) {
      assert.equal(path, code.entry, stack);
      const source = entry.slice(start, end);
      assert.match(source, /^<([a-z][\w-]*)\b[\s\S]*(<\/\1>|\/>)$/, `${stack}: ${source.slice(0, 60)}`);
    }
    assert.doesNotMatch(plain, new RegExp(SOURCE_MARK_ATTR), stack);
    assert.match(picking, PICK_MESSAGE, `${stack}: picking script`);
    assert.doesNotMatch(plain, PICK_MESSAGE, stack);
  }
});

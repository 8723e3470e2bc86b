// A model's answer becomes the conversion's code only when it is a usable HTML document; the
// local backend on a model whose answer is not falls back to perception and says so.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { codeFromAnswer } from './model-code.ts';

const page = '<!doctype html>\n<html><head><style>main{display:flex}</style></head><body><main><h1>Hello</h1><button>Go</button></main></body></html>';

test('the HTML in an answer is the code: a fenced block or a bare document, with the rest of the answer left out', () => {
  const fenced = codeFromAnswer(`Here is the page:\n\`\`\`html\n${page}\n\`\`\`\nIt uses flexbox.`);
  assert.ok('code' in fenced);
  assert.equal(fenced.code.files[0]!.contents, page + '\n');
  const bare = codeFromAnswer(`Sure. ${page} Done.`);
  assert.ok('code' in bare && bare.code.files[0]!.contents === page + '\n');
});

test('answers that are not usable code say why', () => {
  const why = (text: string) => {
    const r = codeFromAnswer(text);
    return 'fallback' in r ? r.fallback : 'usable';
  };
  assert.equal(why('I cannot see the image.'), 'it wrote no HTML document');
  assert.equal(why('```html\n<html><body></body></html>\n```'), 'its body is empty');
  assert.equal(why(page.replace('<main>', '<main><script>alert(1)</script>')), 'it contains scripts');
  assert.equal(why(page.replace('<h1>', '<img src="https://example.com/a.png"><h1>')), 'it loads from the network');
  assert.equal(why(page.replace('main{display:flex}', "@import url('x.css'); main{}")), 'it loads from the network');
  assert.equal(why(page), 'usable');
});

test('loupe convert --backend local: a model whose answer is not code leaves the perception result and a warning', async () => {
  const work = mkdtempSync(join(tmpdir(), 'loupe-backend-'));
  const model = join(work, 'model');
  await createTestModel(model, { size: 'tiny' });
  const out = join(work, 'out');
  const run = spawnSync(process.execPath, ['bin/loupe.js', 'convert', 'examples/landing.png', '--backend', 'local', '--model', model, '--out', out, '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.stderr.startsWith(`${model} is a test package (random weights): it will not write code.\n`), run.stderr);
  assert.match(run.stderr, /The local model's answer was not usable code \(it wrote no HTML document\)/);
  const result = JSON.parse(run.stdout) as { warnings: string[]; scores: { ssim: number } };
  assert.equal(result.warnings.length, 1);
  assert.ok(result.scores.ssim > 0.9, `perception's code still renders the design: ${result.scores.ssim}`);
  assert.ok(existsSync(join(out, 'index.html')) && readFileSync(join(out, 'index.html'), 'utf8').includes('<!doctype html>'));
  const wrongStack = spawnSync(process.execPath, ['bin/loupe.js', 'convert', 'examples/landing.png', '--backend', 'local', '--model', model, '--stack', 'react-tailwind', '--out', out], { encoding: 'utf8' });
  assert.equal(wrongStack.status, 2);
  assert.match(wrongStack.stderr, /html-css only \(not react-tailwind\)\. With --backend local, use --stack html-css/);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { markupFromAnswer, pageFromAnswer } from './answer.ts';

const page = '<!doctype html>\n<html><head><style>main{display:flex}</style></head><body><main><h1>Hello</h1><button>Go</button></main></body></html>';

test('the HTML in an answer is the code: a fenced block or a bare document, with the rest of the answer left out', () => {
  const fenced = pageFromAnswer(`Here is the page:\n\`\`\`html\n${page}\n\`\`\`\nIt uses flexbox.`);
  assert.ok('code' in fenced);
  assert.equal(fenced.code.files[0]!.contents, page + '\n');
  const bare = pageFromAnswer(`Sure. ${page} Done.`);
  assert.ok('code' in bare && bare.code.files[0]!.contents === page + '\n');
});

test('answers that are not usable code say why', () => {
  const why = (text: string) => {
    const r = pageFromAnswer(text);
    return 'fallback' in r ? r.fallback : 'usable';
  };
  assert.equal(why('I cannot see the image.'), 'it wrote no HTML document');
  assert.equal(why('```html\n<html><body></body></html>\n```'), 'its body is empty');
  assert.equal(why(page.replace('<main>', '<main><script>alert(1)</script>')), 'it contains scripts');
  assert.equal(why(page.replace('<h1>', '<img src="https://example.com/a.png"><h1>')), 'it loads from the network');
  assert.equal(why(page.replace('main{display:flex}', "@import url('x.css'); main{}")), 'it loads from the network');
  assert.equal(why(page), 'usable');
});


test("a segment's answer is its body's markup and the CSS of its <style> elements, written again by a CSS parser", () => {
  const answer = markupFromAnswer('Here:\n```html\n<style>.hero{display:flex;gap:8px} .x{color:}} p{margin:0}</style>\n<section class="hero"><h2>Plans</h2><a href="#pro">Pro</a></section>\n```');
  assert.ok('markup' in answer, JSON.stringify(answer));
  assert.equal(answer.markup.html, '<section class="hero"><h2>Plans</h2><a href="#pro">Pro</a></section>');
  assert.match(answer.markup.css, /^\.hero \{[^}]*display: flex;[^}]*\}/);
  assert.doesNotMatch(answer.markup.css, /\}\s*\}/, 'the stray brace is gone');
  assert.doesNotMatch(answer.markup.html, /<style/);
  const bare = markupFromAnswer('<div class="card"><p>Hi</p></div>');
  assert.ok('markup' in bare && bare.markup.html === '<div class="card"><p>Hi</p></div>' && bare.markup.css === '');
});

test("a segment's answer that is not usable markup says why", () => {
  const why = (text: string) => {
    const r = markupFromAnswer(text);
    return 'fallback' in r ? r.fallback : 'usable';
  };
  assert.equal(why('Sorry, I cannot help with that.'), 'it wrote no HTML');
  assert.equal(why('```html\n<style>p{}</style>\n```'), 'its body is empty');
  assert.equal(why('<div onclick="steal()">x</div>'), 'it contains scripts');
  assert.equal(why('<div style="background:url(https://x.test/a.png)">x</div>'), 'it loads from the network');
});

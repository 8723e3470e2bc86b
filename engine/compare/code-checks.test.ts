import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { checkCode, failedCodeChecks } from './code-checks.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

const VIEWPORT = { width: 400, height: 300 };
const check = (body: string) => pool.withPage(`<!doctype html><html><body style="margin:0">${body}</body></html>`, VIEWPORT, (page) => checkCode(page));
// A 1×1 PNG, stretched by CSS: the box counts, not the file.
const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

test('a page of flow boxes and small pictures passes', async () => {
  const checks = await check(`<main><p>Text</p><img src="${PIXEL}" style="display:block;width:40px;height:30px"><p>More</p></main>`);
  assert.equal(checks.elements, 4);
  assert.equal(checks.absoluteShare, 0);
  assert.ok(Math.abs(checks.largestImageShare - (40 * 30) / (400 * 300)) < 1e-6);
  assert.deepEqual(failedCodeChecks(checks), []);
});

test('a screenshot pasted over the page is caught, as <img> or as a CSS background', async () => {
  for (const picture of [
    `<img src="${PIXEL}" style="display:block;width:400px;height:200px">`,
    `<div style="width:400px;height:200px;background-image:url(${PIXEL})"></div>`,
  ]) {
    const checks = await check(picture);
    assert.ok(Math.abs(checks.largestImageShare - 2 / 3) < 1e-6, picture);
    assert.match(failedCodeChecks(checks).join(), /largestImageShare/);
  }
});

test('absolutely positioned elements are counted over all elements', async () => {
  const checks = await check(
    '<div><span style="position:absolute;top:0">a</span><span style="position:fixed;top:9px">b</span><span>c</span><span>d</span></div>',
  );
  assert.equal(checks.elements, 5);
  assert.equal(checks.absoluteShare, 2 / 5);
  assert.match(failedCodeChecks(checks).join(), /absoluteShare/);
});

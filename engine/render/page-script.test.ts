import test from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { pageScript } from './page-script.ts';

const DESCRIBE = new URL('../../testing/render/page/describe.ts', import.meta.url);

test('a page module runs as one script, its imports inside, with its arguments, declaring no globals', async () => {
  // A context with no Node in it, as a page has none; the script must be all there is.
  const page = vm.createContext({});
  const [first, again] = await Promise.all([pageScript(DESCRIBE, 'ok', { times: 2 }), pageScript(DESCRIBE, 'b', { times: 3 })]);
  assert.equal(vm.runInContext(first, page), 'OK! OK!');
  assert.equal(vm.runInContext(again, page), 'B! B! B!');
  assert.deepEqual(Object.keys(page), []);
});

test('only modules in page/ folders are bundled', async () => {
  await assert.rejects(pageScript(new URL('./pool.ts', import.meta.url)), /pool\.ts is not page code/);
});

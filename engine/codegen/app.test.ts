import test from 'node:test';
import assert from 'node:assert/strict';
import { frame, flowLayout, noStyle, text } from '../ir/build.ts';
import { IR_VERSION, type Design } from '../ir/index.ts';
import { RenderPool } from '../render/pool.ts';
import { composeApp } from './app.ts';
import { buildPreview, generate, type Stack } from './index.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

/** A screen with a heading and a button that leads to `next`. */
function screen(title: string, next: string): Design {
  const heading = text(`${title}-h`, { x: 20, y: 20, width: 300, height: 30 }, title, { fontSize: 24, lineHeight: 30 }, { role: 'heading', level: 1 });
  const button = frame('go', { x: 20, y: 70, width: 140, height: 40 }, [text('go-label', { x: 30, y: 80, width: 120, height: 20 }, `Open ${next}`)], {
    role: 'button',
    opens: next,
    sizing: { width: 'fixed', height: 'fixed' },
    layout: flowLayout('row', { mainAlign: 'center', crossAlign: 'center' }),
    style: { ...noStyle(), fills: [{ type: 'solid', color: '#dde6ff' }] },
  });
  const root = frame('page', { x: 0, y: 0, width: 400, height: 200 }, [heading, button], { sizing: { width: 'fixed', height: 'fixed' }, layout: flowLayout('none') });
  return { version: IR_VERSION, viewport: { width: 400, height: 200 }, root, assets: {} };
}

async function app(stack: Stack) {
  const screens = await Promise.all(
    [['screen-1', 'Welcome', 'screen-2'], ['screen-2', 'Pricing', 'screen-1']].map(async ([name, title, next]) => ({ name: name!, code: await generate(screen(title!, next!), stack) })),
  );
  return composeApp(stack, screens, 'walkthrough.mp4');
}

test('React: one app whose links between screens are hashes the App follows, back button included', async () => {
  const code = await app('react-tailwind');
  assert.equal(code.entry, 'App.tsx');
  assert.ok(code.files.some((f) => f.path === 'screens/screen-2/App.tsx'));
  assert.equal(code.files.filter((f) => f.path === 'package.json').length, 1, 'one package.json for the whole app');
  const html = await buildPreview(code);
  const seen = await pool.withPage(html, { width: 400, height: 200 }, async (page) => {
    const heading = () => page.evaluate<string>("document.querySelector('h1').textContent");
    const steps = [await heading()];
    await page.click('a[href="#screen-2"]');
    await page.waitForFunction("document.querySelector('h1').textContent === 'Pricing'");
    steps.push(await heading());
    await page.goBack();
    await page.waitForFunction("document.querySelector('h1').textContent === 'Welcome'");
    steps.push(await heading());
    return steps;
  });
  assert.deepEqual(seen, ['Welcome', 'Pricing', 'Welcome']);
});

test('HTML: the screens are pages linked by relative paths, and index.html opens the first', async () => {
  const code = await app('html-css');
  assert.equal(code.entry, 'index.html');
  const index = code.files.find((f) => f.path === 'index.html')!.contents as string;
  assert.match(index, /url=screens\/screen-1\/index\.html/);
  const first = code.files.find((f) => f.path === 'screens/screen-1/index.html')!.contents as string;
  assert.match(first, /<a[^>]*href="\.\.\/screen-2\/index\.html"/);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { extractTextBlocks } from './extract.ts';
import { scoreBlocks } from './blocks.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

const HTML = `<!doctype html><html><head><title>Not a block</title><style>
  body { margin: 0; font: 16px/1.5 sans-serif; color: #222222; }
  h1 { margin: 20px 40px; font-size: 32px; color: #111827; }
  .link { color: rgb(37, 99, 235); }
  .hidden { display: none; }
  .invisible { visibility: hidden; }
  .ghost { opacity: 0; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0, 0, 0, 0); }
  .upper { text-transform: uppercase; color: #ff0000; }
  .far { position: absolute; top: 2000px; left: 100px; color: #00ff00; }
</style><script>var notText = 1;</script></head><body>
  <h1><span id="title">Acme   Analytics</span></h1>
  <p style="margin: 0 40px"><span id="lead">Ship   faster,
     with less.</span> <a class="link" id="cta" href="#">Start now</a></p>
  <div class="hidden">Hidden by display</div>
  <div class="invisible">Hidden by visibility</div>
  <div class="ghost"><span>Hidden by opacity</span></div>
  <span class="sr-only">Screen reader only</span>
  <p style="margin: 10px 40px"><span class="upper" id="upper">shout</span></p>
  <style>.x{}</style><noscript>No script</noscript>
  <div class="far"><span id="far">Below the fold</span></div>
  <input id="field" style="margin: 0 40px; color: #333333" value="typed value">
</body></html>`;

test('extracts visible text blocks with page boxes and CSS colours, skipping hidden text', async () => {
  const { blocks, boxes } = await pool.withPage(HTML, { width: 800, height: 600 }, async (page) => {
    await page.evaluate('window.scrollTo(0, 500)'); // coordinates must still be page coordinates
    const blocks = await extractTextBlocks(page);
    const boxes = (await page.evaluate(`Object.fromEntries(['title', 'lead', 'cta', 'upper', 'far'].map((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return [id, { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }];
    }))`)) as Record<string, { x: number; y: number; width: number; height: number }>;
    return { blocks, boxes };
  });
  assert.deepEqual(
    blocks.map((b) => b.text),
    ['Acme Analytics', 'Ship faster, with less.', 'Start now', 'SHOUT', 'Below the fold', 'typed value'],
  );
  const byText = Object.fromEntries(blocks.map((b) => [b.text, b]));
  const near = (id: string, text: string) => {
    const got = byText[text].box;
    const want = boxes[id];
    for (const k of ['x', 'y', 'width', 'height'] as const)
      assert.ok(Math.abs(got[k] - want[k]) <= 2, `${text}: ${k} ${got[k]} vs element ${want[k]}`);
  };
  near('title', 'Acme Analytics');
  near('lead', 'Ship faster, with less.');
  near('cta', 'Start now');
  near('upper', 'SHOUT');
  near('far', 'Below the fold');
  assert.ok(byText['Below the fold'].box.y >= 1999, 'page coordinates include the scroll offset');
  assert.equal(byText['Acme Analytics'].color, '#111827');
  assert.equal(byText['Ship faster, with less.'].color, '#222222');
  assert.equal(byText['Start now'].color, '#2563eb');
  assert.equal(byText['SHOUT'].color, '#ff0000');
  assert.equal(byText['Below the fold'].color, '#00ff00');
  assert.equal(byText['typed value'].color, '#333333');
});

test('a page scored against itself is perfect; a changed page is not', async () => {
  const variant = HTML.replace('Acme   Analytics', 'Acme Analytix').replace('color: rgb(37, 99, 235)', 'color: #dc2626');
  const size = { width: 800, height: 2100 };
  const [a, b] = await Promise.all([
    pool.withPage(HTML, { width: 800, height: 600 }, extractTextBlocks),
    pool.withPage(variant, { width: 800, height: 600 }, extractTextBlocks),
  ]);
  assert.deepEqual(scoreBlocks(a, a, size, size).scores, { block: 1, text: 1, position: 1, color: 1 });
  const { scores } = scoreBlocks(a, b, size, size);
  assert.ok(scores.text < 1 && scores.color < 1, JSON.stringify(scores));
  assert.equal(scores.block, 1);
});

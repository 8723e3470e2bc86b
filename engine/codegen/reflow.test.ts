// The generated page at widths other than the design's: it takes the viewport's width, never
// scrolls sideways, and its multi-column rows stack below their breakpoints, in every stack.
import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { buildPreview, generate, STACK_NAMES } from './index.ts';
import { responsivePage } from '../../testing/codegen/fixtures.ts';

const pool = new RenderPool(2);
test.after(() => pool.close());

const design = responsivePage();

type Box = [x: number, y: number, width: number, height: number];
interface Render {
  scrollWidth: number;
  boxes: Record<string, Box[]>;
}

const SELECTORS = { page: 'body > :not(script)', header: 'header', title: 'h1', lede: 'p', picture: 'img', cards: 'section:nth-of-type(2) > *', links: 'nav a', quote: 'p:not(header p, section p)', legal: 'footer > *' };

// The engine's tsconfig has no DOM types: page code is written as a string.
const READ = `(() => {
  const boxes = {};
  for (const [key, selector] of Object.entries(${JSON.stringify(SELECTORS)})) {
    boxes[key] = [...document.querySelectorAll(selector)].map((e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map((v) => Math.round(v * 100) / 100); });
  }
  return { scrollWidth: document.scrollingElement.scrollWidth, boxes };
})()`;

const render = (html: string, width: number) => pool.withPage(html, { width, height: 800 }, (page) => page.evaluate<Render>(READ));

for (const stack of STACK_NAMES) {
  test(`${stack}: the page is the design at 1280 px, takes the viewport's width below it, and its hero stacks below its breakpoint`, async () => {
    const html = await buildPreview(await generate(design, stack));

    const wide = await render(html, 1280);
    assert.deepEqual(wide.boxes.page, [[0, 0, 1280, 840]]);
    assert.deepEqual(wide.boxes.title![0]!.slice(0, 3), [40, 120, 560]);
    assert.deepEqual(wide.boxes.picture, [[680, 120, 560, 360]]);
    assert.deepEqual(wide.boxes.cards, [[40, 560, 384, 120], [448, 560, 384, 120], [856, 560, 384, 120]]);
    assert.deepEqual(wide.boxes.quote![0]!.slice(0, 3), [340, 720, 600]);
    assert.deepEqual(wide.boxes.legal![0]!.slice(0, 3), [440, 800, 400]);
    assert.equal(wide.scrollWidth, 1280);

    // Above the hero's breakpoint, copy and picture still sit side by side, both narrower.
    const tablet = await render(html, 1000);
    const [px, py, pw] = tablet.boxes.picture![0]!;
    const copy = tablet.boxes.title![0]!;
    assert.equal(py, 120, 'picture beside the copy at 1000 px');
    assert.ok(pw < 560 && copy[2] < 560 && px >= copy[0] + copy[2] && px + pw <= 960, `copy ${copy[2]} wide, picture at x ${px}, ${pw} wide`);

    for (const width of [768, 390]) {
      const r = await render(html, width);
      assert.ok(r.scrollWidth <= width, `${width} px: the document is ${r.scrollWidth} px wide`);
      assert.deepEqual(r.boxes.page![0]!.slice(0, 3), [0, 0, width], `${width} px: the page takes the viewport`);
      for (const [key, boxes] of Object.entries(r.boxes)) {
        for (const [x, , w] of boxes) assert.ok(x >= 0 && x + w <= width, `${width} px: ${key} spans ${x}…${x + w}`);
      }
      // Below the breakpoint the hero is a column: the picture under the copy, as wide as drawn
      // or as the line, whichever is narrower.
      const lede = r.boxes.lede![0]!;
      const [x, y, w, h] = r.boxes.picture![0]!;
      assert.ok(y >= lede[1] + lede[3], `${width} px: picture at y ${y}, copy ends at ${lede[1] + lede[3]}`);
      assert.deepEqual([x, w, h], [40, Math.min(560, width - 80), 360], `${width} px: the picture on its line`);
      // The cards fit as many to a line as their content allows: one, here, at both widths.
      const cards = r.boxes.cards!;
      assert.deepEqual(cards.map(([cx, , cw]) => [cx, cw]), cards.map(() => [40, width - 80]));
      assert.ok(cards[1]![1] >= cards[0]![1] + cards[0]![3], `${width} px: cards overlap`);
      // The quote stays centred; the footer's padding gives way before its line does.
      const [qx, , qw] = r.boxes.quote![0]!;
      assert.equal(qx, (width - qw) / 2, `${width} px: quote at ${qx}, ${qw} wide`);
      const [lx, , lw] = r.boxes.legal![0]!;
      assert.deepEqual([lx, lw], width - 2 * 16 >= 400 ? [(width - 400) / 2, 400] : [16, width - 32], `${width} px: footer line`);
    }
  });
}

// Code that must not scroll sideways below the design's width, read from a real rendered page by
// perception: a card laid over a header band and a badge over a form's corner (both placed from
// their boxes), a form panel in a row whose fields are drawn wide, a short label far to the right,
// and a word longer than a phone's line. Each stack's page is rendered at the design's width, 768
// and 390 px, and read back.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { buildPreview, generate, STACK_NAMES, type Stack } from './index.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import { closePerception, perceive } from '../perceive/index.ts';
import { SIDEWAYS_PAGE } from '../../testing/codegen/sideways-page.ts';

const pool = new RenderPool(2);
after(async () => {
  await pool.close();
  await closePerception();
});

type Box = [left: number, right: number];
interface Render {
  scrollWidth: number;
  boxes: Record<string, Box>;
  /** The right edge of each line of the long word's text, px. */
  wordLines: number[];
}

/** The design's width, then the widths checked. */
const WIDTHS = [1000, 768, 390];

// The engine's tsconfig has no DOM types: page code is written as a string.
const READ = `(() => {
  const leaf = (t) => [...document.querySelectorAll('body *')].find((e) => e.placeholder === t || (e.children.length === 0 && e.textContent.replace(/\\s+/g, ' ').trim() === t));
  const holder = (a, b) => { let e = leaf(a); while (!e.contains(leaf(b))) e = e.parentElement; return e; };
  const span = (e) => { const r = e.getBoundingClientRect(); return [Math.round(r.left * 100) / 100, Math.round(r.right * 100) / 100]; };
  const word = leaf('Supercalifragilistic');
  const range = document.createRange();
  range.selectNodeContents(word);
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    boxes: {
      card: span(holder('A morning at the quarry', 'We walked down the old cart track before the sun was up, and by the time it cleared the rim we had found the first fossil bed, a grey band of shells running the length of the north face.')),
      badge: span(leaf('Join us')),
      panel: span(holder('Your name', 'Your town')),
      field: span(leaf('Your email')),
      label: span(leaf('Back to top')),
    },
    wordLines: [...range.getClientRects()].map((r) => r.right),
  };
})()`;

const renders = new Map<Stack, Map<number, Render>>();

before(async () => {
  const shot = await pool.screenshot(SIDEWAYS_PAGE, { width: 1000, height: 1040 });
  const { design } = await perceive(await decodeDesignImage(shot.png, 'sideways.png'));
  for (const stack of STACK_NAMES) {
    const html = await buildPreview(await generate(design, stack));
    const at = new Map<number, Render>();
    for (const width of WIDTHS) at.set(width, await pool.withPage(html, { width, height: 800 }, (page) => page.evaluate<Render>(READ)));
    renders.set(stack, at);
  }
});

/** Each stack's render at each width below the design's. */
const each = (check: (r: Render, width: number, where: string) => void) => {
  for (const [stack, at] of renders) for (const [width, r] of at) if (width < WIDTHS[0]!) check(r, width, `${stack} at ${width} px`);
};

const inside = ([left, right]: Box, width: number, what: string) => assert.ok(left >= 0 && right <= width + 0.5, `${what} spans ${left}…${right}`);

test("no stack's page scrolls sideways at 768 or 390 px", () => {
  each((r, width, where) => assert.ok(r.scrollWidth <= width, `${where}: the document is ${r.scrollWidth} px wide`));
});

test('what is laid over another part (a card over a band, a badge over a form) stays inside the page', () => {
  each((r, width, where) => {
    inside(r.boxes.card!, width, `${where}: the card`);
    inside(r.boxes.badge!, width, `${where}: the badge`);
  });
});

test('a panel in a row gets narrower than the fields drawn in it, and they with it', () => {
  each((r, width, where) => {
    inside(r.boxes.panel!, width, `${where}: the panel`);
    inside(r.boxes.field!, width, `${where}: a field`);
    assert.ok(r.boxes.field![1] <= r.boxes.panel![1], `${where}: the field ends at ${r.boxes.field![1]}, past the panel's ${r.boxes.panel![1]}`);
  });
});

test('a short label set off far to the right keeps its distance from the right edge, in proportion', () => {
  for (const [stack, at] of renders) {
    const design = WIDTHS[0]!;
    const share = (design - at.get(design)!.boxes.label![1]) / design;
    for (const width of WIDTHS.slice(1)) {
      const right = at.get(width)!.boxes.label![1];
      assert.ok(Math.abs(right - width * (1 - share)) <= 1, `${stack} at ${width} px: the label ends at ${right}, ${(share * 100).toFixed(1)} % from the right at ${design} px`);
    }
  }
});

test('a word longer than the line breaks onto the next line', () => {
  each((r, width, where) => {
    for (const right of r.wordLines) assert.ok(right <= width, `${where}: a line of the long word ends at ${right}`);
  });
  // At 390 px the word is wider than the line, so it takes more than one.
  for (const stack of STACK_NAMES) assert.ok(renders.get(stack)!.get(390)!.wordLines.length >= 2, `${stack}: the long word on one line at 390 px`);
});

// A phone-width render of a page wider than the phone (Design2Code's 16537 at 390 px): its card
// runs past the screen's right edge, and so do lines inside it. Read by perception and generated,
// each stack's page at the design's width shows those lines (inside their card, not laid out
// beside it and painted over by it) on as many lines as the page itself (not wrapped into more,
// as a card only as wide as the screen, or a row stretched to it, would wrap them).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RenderPool } from '../render/pool.ts';
import { buildPreview, generate, STACK_NAMES, type Stack } from './index.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import { closePerception, perceive } from '../perceive/index.ts';
import { DESIGN2CODE_DATA } from '../../testing/data.ts';
import { readReferenceHtml } from '../../bench/reference-pages.ts';

const pool = new RenderPool(2);
after(async () => {
  await pool.close();
  await closePerception();
});

/** Texts of 16537 that the 390 px screen cuts off (by their first words), each in its card. */
const CUT = ['The following is a list', 'Bulletproof Web Design', 'What Should I Do', 'Getting Real: The smarter'];
const VIEW = { width: 390, height: 800 };

interface Shown {
  shown: boolean;
  lines: number;
}

// The engine's tsconfig has no DOM types: page code is written as a string. Each text: whether
// it is what shows at its first line, and on how many lines it is set.
const READ = `(() => ${JSON.stringify(CUT)}.map((start) => {
  const e = [...document.querySelectorAll('body *')].filter((e) => e.textContent.replace(/\\s+/g, ' ').trim().startsWith(start)).pop();
  if (!e) return { shown: false, lines: 0 };
  // elementFromPoint sees only the viewport: the text is brought into it first.
  e.scrollIntoView({ block: 'center' });
  const range = document.createRange();
  range.selectNodeContents(e);
  const rects = [...range.getClientRects()].filter((r) => r.width > 0);
  const first = rects[0];
  const top = document.elementFromPoint(first.left + 5, (first.top + first.bottom) / 2);
  return { shown: !!top && (top === e || e.contains(top)), lines: new Set(rects.map((r) => Math.round(r.bottom))).size };
}))()`;

let page: Shown[] = [];
const renders = new Map<Stack, Shown[]>();

before(async () => {
  const html = await readReferenceHtml(join(DESIGN2CODE_DATA, '16537.html'));
  page = await pool.withPage(html, VIEW, (p) => p.evaluate<Shown[]>(READ));
  const shot = await pool.screenshot(html, VIEW);
  const { design } = await perceive(await decodeDesignImage(shot.png, '16537.png'));
  for (const stack of STACK_NAMES) {
    const code = await buildPreview(await generate(design, stack));
    renders.set(stack, await pool.withPage(code, VIEW, (p) => p.evaluate<Shown[]>(READ)));
  }
});

test("lines cut off at the screen's edge show inside their card, on as many lines as the page sets them", () => {
  assert.ok(page.every((t) => t.shown && t.lines >= 1), JSON.stringify(page));
  for (const [stack, shown] of renders) {
    shown.forEach((t, i) => {
      assert.ok(t.shown, `${stack}: "${CUT[i]}…" is covered or missing`);
      assert.equal(t.lines, page[i]!.lines, `${stack}: "${CUT[i]}…" is set on ${t.lines} lines, the page on ${page[i]!.lines}`);
    });
  }
});

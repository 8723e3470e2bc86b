// Items placed from their boxes, read from real rendered pages by perception: a card laid over
// the foot of a header band, a badge over a form panel's corner, and a cookie notice over a
// Design2Code page's content (beside a column of icons) each overlap a neighbour, so no flow
// holds them; each must end up in a frame that holds it and has a width of its own, not in the
// row made for the neighbour, which is only as big as that neighbour's flow.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import { closePerception, perceive } from '../perceive/index.ts';
import type { DesignNode, FrameNode } from '../ir/schema.ts';
import { join } from 'node:path';
import { SIDEWAYS_PAGE } from '../../testing/codegen/sideways-page.ts';
import { DESIGN2CODE_DATA } from '../../testing/data.ts';
import { readReferenceHtml } from '../../bench/reference-pages.ts';
import { contains } from './flow.ts';

const pool = new RenderPool(1);
after(async () => {
  await pool.close();
  await closePerception();
});

function* placed(f: FrameNode): Generator<[DesignNode, FrameNode]> {
  for (const c of f.children) {
    if (c.absolute) yield [c, f];
    if (c.type === 'frame') yield* placed(c);
  }
}

const texts = (n: DesignNode): string[] => (n.type === 'text' ? [n.text] : n.type === 'frame' ? n.children.flatMap(texts) : []);

/** Asserts that every item placed from its box under `root` is in a frame that holds it and has a width of its own. */
function assertAnchored(root: FrameNode): void {
  for (const [n, parent] of placed(root)) {
    const what = `${n.id} (${texts(n).join(' ').slice(0, 40) || n.type})`;
    assert.ok(contains(parent.box, n.box), `${what} at ${JSON.stringify(n.box)} sticks out of ${parent.id} at ${JSON.stringify(parent.box)}`);
    // A frame as wide as its content is, in CSS, as wide as its flow only, which the item is not part of.
    assert.notEqual(parent.sizing.width, 'hug', `${what} is placed in ${parent.id}, which hugs its content`);
  }
}

test('a card over a band and a badge over a form are each placed in a frame that holds them and has a width of its own', async () => {
  const shot = await pool.screenshot(SIDEWAYS_PAGE, { width: 1000, height: 1040 });
  const { design } = await perceive(await decodeDesignImage(shot.png, 'sideways.png'));
  // Both overlappers are placed from their boxes (else this page would not test the rule).
  for (const t of ['A morning at the quarry', 'Join us']) {
    assert.ok([...placed(design.root)].some(([n]) => texts(n).includes(t)), `"${t}" is in the flow`);
  }
  assertAnchored(design.root);
});

test('a Design2Code page: its cookie notice, laid over the content beside a column of icons, is placed in a frame with a width of its own', async () => {
  const html = await readReferenceHtml(join(DESIGN2CODE_DATA, '4300.html'));
  // A browser page of its own: the notice is fixed to the viewport, so where a full-page shot
  // draws it depends on what the page showed before.
  const own = new RenderPool(1);
  const shot = await own.screenshot(html, { width: 1280, height: 800 }).finally(() => own.close());
  const { design } = await perceive(await decodeDesignImage(shot.png, '4300.png'));
  const all = [...placed(design.root)];
  assert.ok(all.some(([n]) => texts(n).some((t) => /we use cookies/i.test(t))), `the cookie notice is in the flow; placed from their boxes: ${JSON.stringify(all.map(([n]) => texts(n).join(' ').slice(0, 30)))}`);
  assertAnchored(design.root);
});

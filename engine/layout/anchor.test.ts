// Items placed from their boxes, read from a real rendered page by perception: a card laid over
// the foot of a header band and a badge over a form panel's corner each overlap a neighbour, so
// no flow holds them; each must end up in a frame that holds it, not in the row made for the
// neighbour, which is only as big as that neighbour.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import { closePerception, perceive } from '../perceive/index.ts';
import type { DesignNode, FrameNode } from '../ir/schema.ts';
import { SIDEWAYS_PAGE } from '../../testing/codegen/sideways-page.ts';
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

test('a card over a band and a badge over a form are each placed in a frame that holds them', async () => {
  const shot = await pool.screenshot(SIDEWAYS_PAGE, { width: 1000, height: 1040 });
  const { design } = await perceive(await decodeDesignImage(shot.png, 'sideways.png'));
  const all = [...placed(design.root)];
  // Both overlappers are placed from their boxes (else this page would not test the rule).
  for (const t of ['A morning at the quarry', 'Join us']) {
    assert.ok(all.some(([n]) => texts(n).includes(t)), `"${t}" is in the flow`);
  }
  for (const [n, parent] of all) {
    assert.ok(contains(parent.box, n.box), `${n.id} (${texts(n).join(' ') || n.type}) at ${JSON.stringify(n.box)} sticks out of ${parent.id} at ${JSON.stringify(parent.box)}`);
  }
});

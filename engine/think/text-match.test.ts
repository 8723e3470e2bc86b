import test from 'node:test';
import assert from 'node:assert/strict';
import { frame, text } from '../ir/build.ts';
import type { Design } from '../ir/schema.ts';
import { RenderPool } from '../render/pool.ts';
import { renderCode, generateCode } from './attempt.ts';
import { matchRenderedText } from './text-match.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

test('rendered lines are matched to their IR text nodes, repeated labels in order', async () => {
  const label = (id: string, y: number) => text(id, { x: 20, y, width: 90, height: 20 }, 'Learn more', { lineHeight: 20 }, { margin: { top: 30, right: 0, bottom: 0, left: 0 } });
  const root = frame('root', { x: 0, y: 0, width: 400, height: 400 }, [
    label('first', 30),
    text('para', { x: 20, y: 80, width: 300, height: 40 }, 'Two lines\nof text', { lineHeight: 20 }, { margin: { top: 30, right: 0, bottom: 0, left: 0 } }),
    label('second', 150),
    label('third', 200),
  ], { sizing: { width: 'fixed', height: 'fixed' } });
  const design: Design = { version: 1, viewport: { width: 400, height: 400 }, root, assets: {} };
  const { preview } = await generateCode(design, 'html-css');
  const { blocks } = await renderCode(pool, preview, design.viewport);
  const matched = matchRenderedText(root, blocks);
  assert.deepEqual(matched.map((m) => m.node.id), ['first', 'para', 'second', 'third']);
  for (const m of matched) assert.ok(Math.abs(m.box.y - m.node.box.y) < 20, `${m.node.id} matched near its own place (${m.box.y} vs ${m.node.box.y})`);
  const para = matched.find((m) => m.node.id === 'para')!;
  assert.equal(para.blocks, 2);
  assert.ok(para.box.height > 30, 'a two-line node spans both lines');
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { parseDesign, frame, text, IR_VERSION } from './index.ts';
import { MAX_DESIGN_DEPTH } from './validate.ts';
import { LoupeError } from '../errors.ts';

const valid = () => ({
  version: IR_VERSION,
  viewport: { width: 400, height: 300 },
  root: frame('root', { x: 0, y: 0, width: 400, height: 300 }, [
    text('t1', { x: 10, y: 10, width: 100, height: 20 }, 'Hello', { color: '#112233' }),
    frame('row', { x: 0, y: 40, width: 400, height: 50 }, [], { layout: { mode: 'row', gap: 8, crossGap: 0, padding: { top: 0, right: 0, bottom: 0, left: 0 }, mainAlign: 'space-between', crossAlign: 'center', wrap: false } }),
  ]),
  assets: {},
});

test('a well-formed design parses and keeps nested children', () => {
  const d = parseDesign(valid());
  assert.equal(d.root.children.length, 2);
  const row = d.root.children[1];
  assert.equal(row.type, 'frame');
  assert.equal(row.type === 'frame' && row.layout.mainAlign, 'space-between');
});

test('a wrong version is rejected', () => {
  assert.throws(() => parseDesign({ ...valid(), version: 99 }), (e) => e instanceof LoupeError && e.code === 'INVALID_IR');
});

test('a bad colour deep in the tree is rejected with its path', () => {
  const d = valid();
  (d.root.children[0] as { style: { color: string } }).style.color = 'red';
  assert.throws(() => parseDesign(d), /root\.children\.0\.style\.color/);
});

test('an unknown node type is rejected', () => {
  const d = valid() as { root: { children: unknown[] } };
  d.root.children.push({ type: 'blob', id: 'x' });
  assert.throws(() => parseDesign(d), LoupeError);
});

test('negative sizes and non-finite numbers are rejected', () => {
  const d = valid();
  d.root.children[0].box.width = -5;
  assert.throws(() => parseDesign(d), /width/);
  const e = valid();
  e.root.box.x = Number.NaN;
  assert.throws(() => parseDesign(e), LoupeError);
});

test('a design nested past the limit is refused before it is parsed, however deep', () => {
  for (const depth of [MAX_DESIGN_DEPTH + 1, 100_000]) {
    let node = frame('leaf', { x: 0, y: 0, width: 10, height: 10 }, []);
    for (let i = 1; i < depth; i++) node = frame(`f${i}`, { x: 0, y: 0, width: 10, height: 10 }, [node]);
    assert.throws(() => parseDesign({ ...valid(), root: node }), (e) => e instanceof LoupeError && e.code === 'INPUT_TOO_LARGE' && /nests boxes over 300 deep/.test(e.message));
  }
  let node = frame('leaf', { x: 0, y: 0, width: 10, height: 10 }, []);
  for (let i = 1; i < MAX_DESIGN_DEPTH; i++) node = frame(`f${i}`, { x: 0, y: 0, width: 10, height: 10 }, [node]);
  assert.equal(parseDesign({ ...valid(), root: node }).root.id, `f${MAX_DESIGN_DEPTH - 1}`);
});

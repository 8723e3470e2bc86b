import test from 'node:test';
import assert from 'node:assert/strict';
import { flowLayout, frame, text } from '../ir/build.ts';
import type { Design } from '../ir/index.ts';
import { clickTarget } from './transition-target.ts';

// What perception makes of a settings page: a sidebar whose entries show only their labels (the
// entry's box is not drawn until hovered), beside a form with a button.
const label = (id: string, y: number, words: string) => text(id, { x: 28, y, width: 8 * words.length, height: 18 }, words);
const sidebar = frame('side', { x: 0, y: 60, width: 220, height: 400 }, [
  frame('profile-row', { x: 28, y: 100, width: 90, height: 18 }, [text('icon', { x: 28, y: 100, width: 14, height: 18 }, '☺'), text('profile', { x: 50, y: 100, width: 60, height: 18 }, 'Profile')], { layout: flowLayout('row') }),
  label('billing', 140, 'Billing'),
  label('security', 180, 'Security'),
]);
const save = frame('save', { x: 600, y: 400, width: 120, height: 40 }, [text('save-label', { x: 630, y: 410, width: 60, height: 20 }, 'Save')], { role: 'button' });
const main = frame('main', { x: 240, y: 60, width: 1000, height: 700 }, [text('intro', { x: 260, y: 80, width: 500, height: 40 }, 'Your profile is what others see.'), save]);
const design: Design = {
  version: 1,
  viewport: { width: 1280, height: 800 },
  root: frame('root', { x: 0, y: 0, width: 1280, height: 800 }, [sidebar, main]),
  assets: {},
  source: { kind: 'image', name: 'settings.png' },
};

test("a click across a sidebar entry's width is its label's, on the cursor's row", () => {
  // The point is right of every label, in the entry's padding.
  assert.equal(clickTarget(design, { x: 180, y: 148 })?.id, 'billing');
  assert.equal(clickTarget(design, { x: 180, y: 190 })?.id, 'security');
  // An entry of an icon and a label is taken whole.
  assert.equal(clickTarget(design, { x: 180, y: 108 })?.id, 'profile-row');
});

test('a hover box lit around an entry picks what lies inside it on the cursor row, even away from the point', () => {
  const highlight = { x: 12, y: 132, width: 200, height: 36 };
  assert.equal(clickTarget(design, { x: 200, y: 150 }, highlight)?.id, 'billing');
  // A box lit over two entries (a hover fading out as the next lights up): the one under the cursor.
  assert.equal(clickTarget(design, { x: 200, y: 185 }, { x: 12, y: 132, width: 200, height: 72 })?.id, 'security');
  // A highlight that is the control's own box is the control.
  assert.equal(clickTarget(design, { x: 640, y: 420 }, { x: 598, y: 398, width: 124, height: 44 })?.id, 'save');
});

test('a control under the point wins over its label; a point on empty page is the innermost node there', () => {
  assert.equal(clickTarget(design, { x: 650, y: 418 })?.id, 'save');
  assert.equal(clickTarget(design, { x: 300, y: 90 })?.id, 'intro');
  assert.equal(clickTarget(design, { x: 900, y: 600 })?.id, 'main');
});

import test from 'node:test';
import assert from 'node:assert/strict';
import type { VersionView } from '../../engine/api/contract.ts';
import { designWidths, shownWidth } from './design-widths.ts';

const scores = (ssim: number) => ({ ssim, mismatch: 0, block: 1, text: 1, position: 1, color: 1 });
const checks = { largestImageShare: 0, absoluteShare: 0, elements: 1 };
const single = { design: { url: '/d.png', width: 1280, height: 900 }, diff: '/diff.png', scores: scores(0.9), checks } as VersionView;
const pair = {
  ...single,
  narrow: { name: 'phone.png', design: { url: '/p.png', width: 390, height: 1400 }, render: '/pr.png', diff: '/pdiff.png', scores: scores(0.8), checks },
} as VersionView;

test('a version of one design is shown at its width; asked for the narrow width, it still is', () => {
  const widths = designWidths(single);
  assert.deepEqual(widths.map((w) => [w.key, w.design.width, w.scores.ssim]), [['wide', 1280, 0.9]]);
  assert.equal(shownWidth(widths, 'narrow').key, 'wide');
});

test('one page at two widths is shown at each with its own design, diff and scores; a scored edit replaces both', () => {
  assert.deepEqual(designWidths(pair).map((w) => [w.key, w.design.url, w.diff, w.scores.ssim]), [
    ['wide', '/d.png', '/diff.png', 0.9],
    ['narrow', '/p.png', '/pdiff.png', 0.8],
  ]);
  const edited = designWidths(pair, { render: '/r2.png', diff: '/diff2.png', scores: scores(0.7), narrow: { render: '/pr2.png', diff: '/pdiff2.png', scores: scores(0.6) } });
  assert.deepEqual(shownWidth(edited, 'narrow').scores.ssim, 0.6);
  assert.deepEqual(shownWidth(edited, 'wide').diff, '/diff2.png');
});

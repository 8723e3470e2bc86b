import test from 'node:test';
import assert from 'node:assert/strict';
import { differenceCiede2000 } from 'culori';
import type { TextBlock } from '../ir/text-block.ts';
import { scoreBlocks, colorSimilarity, textSimilarity } from './blocks.ts';

const PAGE = { width: 1000, height: 2000 };
const blk = (text: string, x: number, y: number, width: number, height: number, color = '#222222'): TextBlock => ({
  text,
  box: { x, y, width, height },
  color,
});
const close = (actual: number, expected: number, eps = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= eps, `expected ${expected}, got ${actual}`);

const page: TextBlock[] = [
  blk('Acme Analytics', 40, 20, 200, 30),
  blk('Pricing plans for teams of every size', 100, 200, 600, 48, '#111827'),
  blk('Start your free trial', 100, 300, 300, 24, '#2563eb'),
  blk('Contact sales', 100, 1800, 150, 20, '#6b7280'),
];

test('identical blocks score 1 on every metric', () => {
  const { scores, matches } = scoreBlocks(page, structuredClone(page), PAGE, PAGE);
  assert.deepEqual(scores, { block: 1, text: 1, position: 1, color: 1 });
  assert.equal(matches.length, 4);
  for (const m of matches) assert.equal(m.reference.text, m.candidate.text);
});

test('blocks are matched by text whatever their order', () => {
  const { scores, matches } = scoreBlocks(page, [...page].reverse(), PAGE, PAGE);
  assert.deepEqual(scores, { block: 1, text: 1, position: 1, color: 1 });
  assert.equal(matches.length, 4);
});

test('a shifted block lowers position by its normalised Chebyshev shift over the match count', () => {
  const cand = structuredClone(page);
  cand[2].box.x += 50; // 50 / 1000 = 0.05 horizontally
  cand[2].box.y += 60; // 60 / 2000 = 0.03 vertically: the max, 0.05, counts
  const { scores } = scoreBlocks(page, cand, PAGE, PAGE);
  close(scores.position, 1 - 0.05 / 4);
  assert.equal(scores.block, 1);
  assert.equal(scores.text, 1);
  assert.equal(scores.color, 1);
});

test('each side is normalised by its own page size', () => {
  // The candidate page is twice as tall and everything sits at the same relative place.
  const tall = { width: 1000, height: 4000 };
  const cand = page.map((b) => ({ ...b, box: { ...b.box, y: b.box.y * 2, height: b.box.height * 2 } }));
  const { scores } = scoreBlocks(page, cand, PAGE, tall);
  assert.deepEqual(scores, { block: 1, text: 1, position: 1, color: 1 });
  // Same CSS px boxes on a taller page: vertical centres move by cy/2000 − cy/4000.
  const same = scoreBlocks(page, structuredClone(page), PAGE, tall).scores;
  const shifts = page.map((b) => (b.box.y + b.box.height / 2) / 2000 - (b.box.y + b.box.height / 2) / 4000);
  close(same.position, 1 - shifts.reduce((t, v) => t + v, 0) / 4);
});

test('a recoloured block lowers colour by its CIEDE2000 difference / 100', () => {
  const cand = structuredClone(page);
  cand[0].color = '#ffffff';
  cand[0].box = { ...page[0].box };
  const ref = structuredClone(page);
  ref[0].color = '#000000'; // black vs white: ΔE00 = 100 exactly (ΔL = 100, S_L = 1 at L̄ = 50)
  const { scores } = scoreBlocks(ref, cand, PAGE, PAGE);
  close(scores.color, (0 + 1 + 1 + 1) / 4);
});

test('colour similarity follows CIEDE2000 on CIELAB D65', () => {
  // Greys differ in lightness only, so ΔE00 = |ΔL| / S_L; computed here from first principles.
  const lightness = (v: number) => {
    const c = v / 255;
    const y = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    const f = y > (6 / 29) ** 3 ? Math.cbrt(y) : y / (3 * (6 / 29) ** 2) + 4 / 29;
    return 116 * f - 16;
  };
  const [l1, l2] = [lightness(0x77), lightness(0x88)];
  const mid = (l1 + l2) / 2;
  const sl = 1 + (0.015 * (mid - 50) ** 2) / Math.sqrt(20 + (mid - 50) ** 2);
  const expected = 1 - Math.abs(l2 - l1) / sl / 100;
  close(colorSimilarity([0x77, 0x77, 0x77], [0x88, 0x88, 0x88]), expected, 1e-3);
  close(colorSimilarity([0, 0, 0], [255, 255, 255]), 0, 1e-3);
  // The ΔE00 implementation against Sharma, Wu & Dalal's published test pairs.
  const de = differenceCiede2000();
  const lab = (l: number, a: number, b: number) => ({ mode: 'lab65' as const, l, a, b });
  close(de(lab(50, 2.6772, -79.7751), lab(50, 0, -82.7485)), 2.0425, 1e-4);
  close(de(lab(50, 0, 0), lab(50, -1, 2)), 2.3669, 1e-4);
  close(de(lab(50, 2.5, 0), lab(73, 25, -18)), 27.1492, 1e-4);
  // And in a score: a blue link recoloured red.
  const red = structuredClone(page);
  red[2].color = '#dc2626';
  const expectedRed = 1 - de('#2563eb', '#dc2626') / 100;
  close(scoreBlocks(page, red, PAGE, PAGE).scores.color, (3 + expectedRed) / 4);
});

test('a missing block lowers block-match by its area share, the rest stays 1', () => {
  const cand = page.filter((_, i) => i !== 1);
  const area = (b: TextBlock) => (b.box.width / PAGE.width) * (b.box.height / PAGE.height);
  const matched = 2 * (area(page[0]) + area(page[2]) + area(page[3]));
  const { scores, matches } = scoreBlocks(page, cand, PAGE, PAGE);
  close(scores.block, matched / (matched + area(page[1])));
  assert.equal(matches.length, 3);
  assert.equal(scores.text, 1);
  assert.equal(scores.position, 1);
  assert.equal(scores.color, 1);
  // An extra block on the candidate side penalises the same way.
  const extra = [...page, blk('Cookie banner text here', 0, 1900, 1000, 100)];
  const all = 2 * page.reduce((t, b) => t + area(b), 0);
  close(scoreBlocks(page, extra, PAGE, PAGE).scores.block, all / (all + area(extra[4])));
});

test('edited text scores its SequenceMatcher ratio (values from Python difflib)', () => {
  close(textSimilarity('Hello world', 'Hallo world'), 0.9090909090909091);
  close(textSimilarity('Get started today', 'Get started now'), 0.8125);
  const ref = [blk('Get started today', 0, 0, 200, 20), blk('Pricing plans for teams', 0, 100, 300, 20)];
  const cand = [blk('Get started now', 0, 0, 200, 20), blk('Pricing for small teams', 0, 100, 300, 20)];
  const { scores, matches } = scoreBlocks(ref, cand, PAGE, PAGE);
  close(scores.text, (0.8125 + 0.7391304347826086) / 2);
  assert.deepEqual(
    matches.map((m) => m.textSimilarity),
    [0.8125, 0.7391304347826086],
  );
  assert.equal(scores.block, 1);
});

test('matches below a ratio of 0.5 are dropped', () => {
  const { scores, matches } = scoreBlocks([blk('Subscribe', 0, 0, 100, 20)], [blk('Login', 0, 0, 100, 20)], PAGE, PAGE);
  assert.equal(matches.length, 0);
  assert.deepEqual(scores, { block: 0, text: 0, position: 0, color: 0 });
});

test('consecutive blocks split differently are merged to match', () => {
  const ref = [blk('The quick brown fox jumps over the lazy dog', 100, 100, 800, 40), blk('Footer', 100, 1900, 80, 20)];
  const cand = [
    blk('The quick brown fox', 100, 100, 380, 40, '#222222'),
    blk('jumps over the lazy dog', 500, 100, 400, 40, '#222222'),
    blk('Footer', 100, 1900, 80, 20),
  ];
  const { scores, matches } = scoreBlocks(ref, cand, PAGE, PAGE);
  assert.equal(matches.length, 2);
  const merged = matches.find((m) => m.reference.text.startsWith('The quick'))!;
  assert.equal(merged.candidate.text, 'The quick brown fox jumps over the lazy dog');
  assert.deepEqual(merged.candidate.box, { x: 100, y: 100, width: 800, height: 40 });
  assert.deepEqual(scores, { block: 1, text: 1, position: 1, color: 1 });
  // And the other way round: the reference is the split side.
  const back = scoreBlocks(cand, ref, PAGE, PAGE);
  assert.deepEqual(back.scores, { block: 1, text: 1, position: 1, color: 1 });
});

test('blocks with the same box are merged into one', () => {
  const ref = [blk('Sign up', 10, 10, 100, 20)];
  const cand = [blk('Sign', 10, 10, 100, 20), blk('up', 10, 10, 100, 20)];
  const { scores, matches } = scoreBlocks(ref, cand, PAGE, PAGE);
  assert.equal(matches.length, 1);
  assert.equal(matches[0].candidate.text, 'Sign up');
  assert.equal(scores.text, 1);
});

test('empty sides: both empty is a perfect score, one empty scores 0', () => {
  assert.deepEqual(scoreBlocks([], [], PAGE, PAGE).scores, { block: 1, text: 1, position: 1, color: 1 });
  assert.deepEqual(scoreBlocks(page, [], PAGE, PAGE).scores, { block: 0, text: 0, position: 0, color: 0 });
  assert.deepEqual(scoreBlocks([], page, PAGE, PAGE).scores, { block: 0, text: 0, position: 0, color: 0 });
});

test('rejects a page size of zero', () => {
  assert.throws(() => scoreBlocks(page, page, { width: 0, height: 100 }, PAGE), RangeError);
});

test('a long page (200 blocks a side) matches nearly everything', () => {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  const text = (i: number) => `${words[i % 10]} ${words[(i * 7) % 10]} item ${i} ${words[(i * 3) % 10]}`;
  const ref = Array.from({ length: 200 }, (_, i) => blk(text(i), 20, i * 30, 400, 20));
  const cand = Array.from({ length: 200 }, (_, i) => blk(i % 17 === 0 ? `${text(i)} extra` : text(i), 24, i * 31, 400, 20));
  const { scores } = scoreBlocks(ref, cand, { width: 1280, height: 9000 }, { width: 1280, height: 9300 });
  assert.ok(scores.text > 0.95 && scores.block > 0.95, JSON.stringify(scores));
});

test('strict scores match each block on its own: a paragraph cut into lines leaves a line unmatched', () => {
  const text = 'Twelve novels, three cookbooks and a field guide to the birds of the coast, all in this week';
  const words = text.split(' ');
  const half = Math.ceil(words.length / 2);
  const ref = [...page, blk(text, 100, 400, 600, 48)];
  const cand = [...page, blk(words.slice(0, half).join(' '), 100, 400, 600, 24), blk(words.slice(half).join(' '), 100, 424, 600, 24)];
  // Merged, the two lines are the paragraph again: same text, same union box.
  assert.deepEqual(scoreBlocks(ref, cand, PAGE, PAGE).scores, { block: 1, text: 1, position: 1, color: 1 });
  // Strict: one line matches the paragraph, the other is unmatched area.
  const area = (b: TextBlock) => (b.box.width / PAGE.width) * (b.box.height / PAGE.height);
  const others = 2 * page.reduce((t, b) => t + area(b), 0);
  const [paragraph, line] = [area(ref[4]), area(cand[4])];
  const strict = scoreBlocks(ref, cand, PAGE, PAGE, { merge: false });
  close(strict.scores.block, (others + paragraph + line) / (others + paragraph + 2 * line));
  assert.equal(strict.matches.length, 5);
  assert.ok(strict.matches.every((m) => !m.candidate.text.includes(text)), 'no block merged');
});

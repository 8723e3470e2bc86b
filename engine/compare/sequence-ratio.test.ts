import test from 'node:test';
import assert from 'node:assert/strict';
import { prepareText, quickRatioBound, sequenceRatio } from './sequence-ratio.ts';

const longA = Array(6).fill('the quick brown fox jumps over the lazy dog').join(' ');
const longB = Array(6).fill('a quick brown cat leaps over the lazy dogs').join(' ');

// Expected values printed by Python 3's difflib.SequenceMatcher(None, a, b).ratio().
const cases: Array<[string, string, number]> = [
  ['Hello world', 'Hallo world', 0.9090909090909091],
  ['', '', 1.0],
  ['abc', '', 0.0],
  ['Résumé 😀 ok', 'Resume 😀 ok', 0.8181818181818182], // code points, not UTF-16 units
  ['abcd', ' abcd abcd', 0.5714285714285714],
  [longA, longB, 0.0], // autojunk: with 200+ elements every letter of b is "popular"
  [longA, longA.slice(0, 150), 0.7263922518159807],
];

test('sequenceRatio equals Python difflib ratio()', () => {
  for (const [a, b, expected] of cases) assert.equal(sequenceRatio(a, b), expected, `${a.slice(0, 20)} / ${b.slice(0, 20)}`);
});

test('quickRatioBound is an upper bound of the ratio', () => {
  for (const [a, b, expected] of cases) assert.ok(quickRatioBound(prepareText(a), prepareText(b)) >= expected);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { faceMetrics, textWidth } from './font-metrics.ts';

const pool = new RenderPool(1);
test.after(() => pool.close());

const SAMPLES = ['Hamburgefonstiv quick brown', 'The usual PowerBait or worms, 1901-1903!', 'WAVE tomato (42%)'];

test('advances read from the bundled WOFF files give the widths Chromium lays out for the metric-compatible system faces', async () => {
  // Arial and Times resolve to Liberation Sans/Serif here, metric-compatible with Arimo and Tinos.
  const cases = SAMPLES.flatMap((text) => [
    { text, family: 'Arial', face: 'sans' as const, weight: 400 },
    { text, family: 'Arial', face: 'sans' as const, weight: 700 },
    { text, family: 'Times New Roman', face: 'serif' as const, weight: 400 },
  ]);
  const html = `<body style="margin:0">${cases.map((c, i) => `<span id="s${i}" style="font:${c.weight} 20px '${c.family}';white-space:pre;font-kerning:none">${c.text}</span><br>`).join('')}</body>`;
  const widths = (await pool.withPage(html, { width: 1000, height: 400 }, (page) =>
    page.evaluate(`[...document.querySelectorAll('span')].map((s) => s.getBoundingClientRect().width)`),
  )) as number[];
  cases.forEach((c, i) => {
    const w = textWidth(faceMetrics(c.face, c.weight === 700), c.text, 20);
    assert.ok(Math.abs(w - widths[i]) <= 1, `${c.family} ${c.weight} "${c.text}": ${w.toFixed(1)} vs ${widths[i].toFixed(1)}`);
  });
  // Letter spacing is added after every character, as CSS does.
  assert.ok(Math.abs(textWidth(faceMetrics('sans', false), 'abc', 20, 1) - textWidth(faceMetrics('sans', false), 'abc', 20) - 3) < 1e-9);
});

// `npm run bench:app`: how responsive the app is, measured in real Chromium against the real
// engine (web mode): time from dropping a design to its code in the editor, and from an edit
// to the preview showing it. Prints medians of several runs; not a test.
import { dropDesign, editAndWaitForPreview, landing, openApp } from '../e2e/harness.ts';
import { median, percentile } from './stats.ts';

const DROPS = 3;
const EDITS = 10;

const app = await openApp();
try {
  const drops: number[] = [];
  for (let i = 0; i < DROPS; i++) drops.push(await dropDesign(app.page, landing));
  const edits: number[] = [];
  for (let i = 0; i < EDITS; i++) edits.push(await editAndWaitForPreview(app.page, i === 0 ? 'Ship reports your team will read' : `Edit ${i - 1} `, `Edit ${i} `));
  const figures = {
    dropToCodeMs: { median: Math.round(median(drops)), runs: drops.map(Math.round) },
    editToPreviewMs: { median: Math.round(median(edits)), p95: Math.round(percentile(edits, 95)), runs: edits.map(Math.round) },
  };
  console.log(JSON.stringify(figures));
} finally {
  await app.close();
}

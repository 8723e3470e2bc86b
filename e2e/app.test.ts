// The app as a person uses it, in web mode: the real UI (built renderer) in real Chromium,
// against the real engine over HTTP. Each step leaves a screenshot in e2e/artifacts/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { dropDesign, editAndWaitForPreview, editorText as textOf, landing, openApp, root, until, type AppSession } from './harness.ts';

const artifacts = `${root}e2e/artifacts`;
let app: AppSession;
let page: Page;
const shot = (name: string) => page.screenshot({ path: `${artifacts}/${name}.png` });
const editorText = () => textOf(page);
const score = async (metric: string) => Number(await page.locator(`[data-metric=${metric}] b`).innerText());

test.before(async () => {
  await mkdir(artifacts, { recursive: true });
  app = await openApp();
  page = app.page;
});
test.after(() => app?.close());

test('a dropped design becomes code in the editor, a rendered preview and scores', async () => {
  await page.getByTestId('drop-hint').waitFor();
  await shot('1-empty');
  await dropDesign(page, landing);
  assert.match(await editorText(), /<!doctype html>/);
  const frame = page.frameLocator('[data-testid=preview-frame]');
  await frame.getByText('Ship reports your team will read').waitFor();
  const text = await score('text');
  assert.ok(text > 0.8, `text score ${text}`);
  await shot('2-converted');
  assert.deepEqual(app.errors, []);
});

test('editing the code re-renders the preview, and scoring the edit updates the scores', async () => {
  const blockBefore = await score('block');
  await editAndWaitForPreview(page, 'Ship reports your team will read', 'Edited in Loupe');
  await page.getByTestId('preview-latency').waitFor();
  await shot('3-edited');
  await page.getByRole('button', { name: 'Score edits' }).click();
  await until('the edit to be scored', async () => (await score('block')) < blockBefore);
});

test('overlay, swipe and diff views show the design against the render', async () => {
  for (const view of ['overlay', 'swipe', 'diff'] as const) {
    await page.getByTestId(`view-${view}`).click();
    await page.locator(`.preview[data-view=${view}]`).waitFor();
    if (view === 'diff') await page.getByTestId('diff-image').waitFor();
    else assert.equal(await page.getByTestId('design-image').count(), 1);
    await shot(`4-${view}`);
  }
  await page.getByTestId('view-side').click();
});

test('a saved edit is a new version in the history, and the history survives a restart of the engine', async () => {
  await page.getByRole('button', { name: 'Save version' }).click();
  await until('version 2', async () => (await page.getByTestId('version').innerText()).includes('v2 edited'));
  const versions = page.locator('[data-design="landing.png"] li');
  await until('two versions listed', async () => (await versions.count()) === 2);
  await shot('6-saved');

  await app.restartEngine();
  await until('the history after the restart', async () => (await page.locator('[data-design="landing.png"] li').count()) === 2);
  await page.locator('[data-design="landing.png"] li[data-version="2"] button').click();
  await until('version 2 on screen', async () => (await page.getByTestId('version').innerText()).includes('v2 edited'));
  await page.frameLocator('[data-testid=preview-frame]').getByText('Edited in Loupe').waitFor();
  await page.locator('[data-design="landing.png"] li[data-version="1"] input[type=checkbox]').check();
  await page.locator('[data-design="landing.png"] li[data-version="2"] input[type=checkbox]').check();
  await page.getByTestId('compare').waitFor();
  await shot('7-history-after-restart');
});

test('export writes a runnable project into the chosen folder, and asks before writing into a full one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-e2e-export-'));
  await page.getByRole('button', { name: 'Export…' }).click();
  await page.getByTestId('export-dir').fill(dir);
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Export' }).click();
  await page.getByTestId('export-done').waitFor();
  const written = await readdir(dir);
  for (const f of ['index.html', 'serve.mjs', 'package.json']) assert.ok(written.includes(f), f);
  assert.match(await readFile(join(dir, 'index.html'), 'utf8'), /Edited in Loupe/);
  const asked: string[] = [];
  page.once('dialog', (d) => {
    asked.push(d.message());
    void d.accept();
  });
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Export' }).click();
  await until('the overwrite question', async () => asked.length === 1);
  assert.match(asked[0]!, /already holds/);
  await shot('8-export');
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Close' }).click();
});

test('a file that is not a picture gets a clear message, and the shown work stays', async () => {
  await page.getByTestId('file-input').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are notes, not pixels') });
  const failed = page.locator('.job[data-status=failed] .error');
  await failed.waitFor({ timeout: 120_000 });
  assert.match(await failed.innerText(), /notes\.png/);
  assert.match(await page.getByTestId('version').innerText(), /v2 edited/);
  await page.frameLocator('[data-testid=preview-frame]').getByText('Edited in Loupe').waitFor();
  await page.getByTestId('file-input').setInputFiles({ name: 'song.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('ID3') });
  assert.match(await page.getByTestId('notice').innerText(), /song\.mp3 is audio\/mpeg/);
  await shot('5-bad-input');
});

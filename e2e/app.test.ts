// The app as a person uses it, in web mode: the real UI (built renderer) in real Chromium,
// against the real engine over HTTP. Each step leaves a screenshot in e2e/artifacts/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { createTestModel } from '../testing/moe/test-models.ts';
import { writeWalkthrough } from '../testing/service/app-walkthrough.ts';
import { clickInPreview, dropDesign, editAndWaitForPreview, editorText as textOf, landing, openApp, root, until, type AppSession, type InPage } from './harness.ts';
import { FIGMA_DATA } from '../testing/data.ts';

const artifacts = `${root}e2e/artifacts`;
let app: AppSession;
let page: Page;
const shot = (name: string) => page.screenshot({ path: `${artifacts}/${name}.png` });
const editorText = () => textOf(page);
const score = async (metric: string) => Number(await page.locator(`[data-metric=${metric}] b`).innerText());
const preview = () => page.frameLocator('[data-testid=preview-frame]');

/** The file of the version on screen, as the engine holds it. */
async function shownFile(path: string): Promise<string> {
  const call = async (method: string, body: unknown) =>
    (await fetch(new URL(`api/${method}`, app.server.url), { method: 'POST', headers: { ...app.server.appHeaders, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  const history = (await call('history', {})) as { name: string; versions: { number: number; versionId: string }[] }[];
  const shown = Number(/v(\d+)/.exec(await page.getByTestId('version').innerText())![1]);
  const version = history.find((d) => d.name === 'landing.png')!.versions.find((v) => v.number === shown)!;
  const view = (await call('open', { versionId: version.versionId })) as { files: { path: string; contents: string }[] };
  return view.files.find((f) => f.path === path)!.contents;
}

/** What the editor's status shows when the element holding `text` (alone) is selected in `code`. */
function selectionOfElement(code: string, text: string): string {
  const element = new RegExp(`<(\\w+)\\b[^>]*>\\s*${text}\\s*</\\1>`).exec(code)!;
  const before = code.slice(0, element.index);
  const line = before.split('\n').length;
  const column = element.index - before.lastIndexOf('\n');
  return `Ln ${line}, Col ${column} · ${element[0].length} selected`;
}

/** Whether the outline the preview draws lies on the element that holds `text`. */
async function outlined(text: string): Promise<boolean> {
  const outline = preview().locator('html > div[aria-hidden=true]');
  if ((await outline.count()) === 0) return false;
  const rect = (el: unknown) => {
    const r = (el as InPage).getBoundingClientRect();
    return [r.x, r.y, r.width, r.height];
  };
  const [a, b] = await Promise.all([outline.evaluate(rect), preview().getByText(text, { exact: true }).evaluate(rect)]);
  return a.every((v, i) => Math.abs(v - b[i]!) < 1);
}

test.before(async () => {
  await mkdir(artifacts, { recursive: true });
  // Few tokens: the tiny test model's random weights never write usable code, however long it goes on.
  app = await openApp({ localModel: { maxTokens: 32 } });
  page = app.page;
});
test.after(() => app?.close());

test('a dropped design becomes code in the editor, a rendered preview and scores', async () => {
  await page.getByTestId('drop-hint').waitFor();
  await shot('1-empty');
  await dropDesign(page, landing);
  await until('its code in the editor', async () => /<!doctype html>/.test(await editorText()));
  const frame = page.frameLocator('[data-testid=preview-frame]');
  await frame.getByText('Ship reports your team will read').waitFor();
  const text = await score('text');
  assert.ok(text > 0.8, `text score ${text}`);
  await shot('2-converted');
  assert.deepEqual(app.errors, []);
});

test('clicking an element in the preview selects its code; the editor cursor outlines its element in the preview', async () => {
  await clickInPreview(page, 'Ship reports your team will read');
  const expected = selectionOfElement(await shownFile('index.html'), 'Ship reports your team will read');
  await until('the heading selected in the editor', async () => (await page.getByTestId('code-position').innerText()) === expected, 10_000);
  await shot('3-picked');

  // The other way: the cursor in the editor (here put there by the find widget) outlines the element.
  await page.keyboard.press('Control+f');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('Weekly digests');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await until('the outline on the element', () => outlined('Weekly digests'), 10_000);
  await shot('3-cursor-outlines-element');
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

test('a viewport preset lays the preview out at its width beside the design; overlay stays at the design width', async () => {
  const frameWidth = () => preview().locator('html').evaluate((html) => (html as unknown as InPage).ownerDocument.documentElement.clientWidth);
  assert.equal(await frameWidth(), 1280);
  await page.getByTestId('viewport').selectOption('phone');
  await until('the phone width', async () => (await frameWidth()) === 390);
  await preview().getByText('Weekly digests').waitFor();
  await shot('4-phone');
  await page.getByTestId('view-overlay').click();
  await until('the design width in the overlay', async () => (await frameWidth()) === 1280);
  await page.getByTestId('view-side').click();
  assert.match(String(await page.evaluate("localStorage.getItem('loupe.settings')")), /"viewport":"phone"/, 'kept in the settings');
  await page.getByTestId('viewport').selectOption('design');
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

test('re-generating in another stack adds a version and shows it; its preview picks code in the component', async () => {
  await page.getByTestId('stack').selectOption('react-tailwind');
  const done = await page.locator('.job[data-status=done]').count();
  await page.getByRole('button', { name: 'Re-generate' }).click();
  await until('the re-generation', async () => (await page.locator('.job[data-status=done]').count()) > done, 180_000);
  await until('version 3 on screen', async () => (await page.getByTestId('version').innerText()).includes('v3 generated'));
  await until('three versions listed', async () => (await page.locator('[data-design="landing.png"] li').count()) === 3);
  assert.equal(await page.getByRole('button', { name: 'App.tsx' }).getAttribute('aria-pressed'), 'true');
  await shot('9-regenerated');

  await clickInPreview(page, 'Weekly digests');
  const expected = selectionOfElement(await shownFile('App.tsx'), 'Weekly digests');
  await until('the JSX element selected', async () => (await page.getByTestId('code-position').innerText()) === expected, 10_000);
  await shot('9-picked-in-component');
  await page.getByTestId('stack').selectOption('html-css');
});

test('a dropped Figma JSON file becomes code from its exact values', async () => {
  const name = 'grida-vector-frame.response.json';
  await dropDesign(page, join(FIGMA_DATA, name));
  // dropDesign also returns on the failed job of an earlier step: wait for this design itself.
  await until('the Figma design in the history', async () => (await page.locator(`[data-design="${name}"] li`).count()) === 1, 180_000);
  // A finished conversion leaves the work on screen in place; its job opens it.
  await page.locator('.job[data-status=done] .job-name', { hasText: name }).click();
  await until('its first version on screen', async () => (await page.getByTestId('version').innerText()).includes('v1 generated'));
  await until('its code in the editor', async () => /<!doctype html>/.test(await editorText()));
  await shot('10-figma-json');
});

test('the local model backend: a chosen folder that is no model package is refused with what to do, a test package is said to be one, before any conversion; the model\'s unusable answer falls back to perception with a warning, and the history says so', async () => {
  const work = await mkdtemp(join(tmpdir(), 'loupe-e2e-model-'));
  const model = join(work, 'model');
  await createTestModel(model, { size: 'tiny' });
  // Half the landing page's width: a quarter of the image tokens for the model to read.
  const design = join(work, 'small.png');
  await sharp(landing).resize(640).toFile(design);
  await page.getByTestId('backend').selectOption('local');
  // The local model writes one HTML file in fast mode: the toolbar offers nothing else.
  assert.deepEqual(await page.getByTestId('stack').locator('option').allInnerTexts(), ['html-css']);
  assert.deepEqual(await page.getByTestId('mode').locator('option').allInnerTexts(), ['fast']);

  // An earlier step's notice may still be on screen until the new one replaces it.
  const notice = (what: string, message: RegExp) => until(what, async () => message.test(await page.getByTestId('notice').innerText().catch(() => '')));
  // Beside the field, what the engine found in the folder typed there.
  const folder = page.getByTestId('model-folder');
  const said = (what: string, message: RegExp) => until(what, async () => message.test(await folder.innerText()));
  assert.equal(await folder.getAttribute('role'), 'status');
  await page.getByTestId('file-input').setInputFiles(design);
  await notice('the folder asked for', /Name the local model's folder/);
  await page.getByTestId('model-dir').fill(work);
  await said('the folder refused as it is typed', /no manifest\.json, so no complete model package/);
  assert.equal(await page.getByTestId('model-dir').getAttribute('aria-invalid'), 'true');
  // The engine still refuses a conversion with it.
  await page.getByTestId('file-input').setInputFiles(design);
  await notice('the refusal', /no manifest\.json, so no complete model package/);
  await shot('11-not-a-model');

  await page.getByTestId('model-dir').fill(model);
  await said('the test package said as it is typed', /is a test package/);
  assert.equal(await folder.innerText(), `${model} is a test package (random weights): it will not write code.`);
  assert.equal(await page.getByTestId('model-dir').getAttribute('aria-invalid'), 'false');
  assert.equal(await page.locator('.job', { hasText: 'small.png' }).count(), 0, 'before any conversion');
  await shot('11-test-package');
  await page.getByTestId('file-input').setInputFiles(design);
  const job = page.locator('.job', { hasText: 'small.png' });
  await until('the local conversion', async () => (await job.getAttribute('data-status').catch(() => null)) === 'done', 180_000);
  assert.match(await job.getByTestId('job-warning').innerText(), /The local model's answer was not usable code \(it wrote no HTML document\), so the code was generated from perception instead/);
  await job.locator('.job-name').click();
  await until('its code in the editor', async () => /<!doctype html>/.test(await editorText()));
  await shot('11-local-model-fallback');

  // The history tells what made the version; its model package and warning open beneath it.
  const origin = page.getByTestId('history').locator('[data-design="small.png"] [data-version="1"]').getByTestId('version-origin');
  await until('the version in the history', async () => (await origin.count()) === 1);
  assert.equal(await origin.locator('summary').innerText(), 'local model · fell back to perception · 1 warning');
  assert.equal(await origin.getByRole('list', { name: 'Warnings' }).isVisible(), false, 'closed until asked');
  await origin.locator('summary').click();
  assert.match(await origin.getByRole('list', { name: 'Warnings' }).innerText(), /The local model's answer was not usable code \(it wrote no HTML document\)/);
  assert.ok((await origin.innerText()).includes(`Model package: ${model}`), await origin.innerText());
  await shot('11-local-model-history');

  // The backend and the folder are kept for the next session, and the folder is asked about again.
  await page.reload();
  assert.equal(await page.getByTestId('backend').inputValue(), 'local');
  assert.equal(await page.getByTestId('model-dir').inputValue(), model);
  await said('the kept folder said to be a test package', /is a test package/);
  await page.getByTestId('backend').selectOption('perception');
  assert.deepEqual(await page.getByTestId('stack').locator('option').allInnerTexts(), ['html-css', 'html-tailwind', 'react-tailwind']);
});

test("a dropped walkthrough video shows its screens; drops and merges are undoable; the app generated from what is kept shows each screen's preview and exports whole", async () => {
  const errorsBefore = app.errors.length;
  const work = await mkdtemp(join(tmpdir(), 'loupe-e2e-video-'));
  const video = join(work, 'walkthrough.mp4');
  await writeWalkthrough(app.pool, video);
  await page.getByTestId('file-input').setInputFiles(video);
  const review = page.getByTestId('video-review');
  await review.waitFor({ timeout: 120_000 });
  const card = (screen: string) => review.locator(`[data-testid=screen-card][data-screen=${screen}]`);
  assert.deepEqual(await review.getByTestId('screen-card').evaluateAll((cards) => cards.map((c) => (c as unknown as { dataset: { screen: string } }).dataset.screen)), ['screen-1', 'screen-2', 'screen-3']);
  await until('the thumbnails', async () => (await review.locator('img').evaluateAll((imgs) => imgs.every((i) => (i as unknown as { naturalWidth: number }).naturalWidth > 0))) === true);
  assert.deepEqual(await Promise.all(['screen-1', 'screen-2', 'screen-3'].map((s) => card(s).getByTestId('scrolled').count())), [1, 0, 0]);
  assert.match(await card('screen-2').getByTestId('screen-times').innerText(), /^\d+\.\d s–\d+\.\d s$/);
  assert.match(await card('screen-1').innerText(), /480×\d{3}/);
  assert.deepEqual((await review.getByTestId('transitions').locator('li').allInnerTexts()).map((t) => t.replace(/ at .*/, '')), ['screen-1 → screen-2', 'screen-2 → screen-3']);
  await shot('12-video-screens');

  const generateButton = review.getByRole('button', { name: /^Generate/ });
  await card('screen-2').getByRole('button', { name: 'Drop' }).click();
  assert.equal(await card('screen-2').getAttribute('data-fate'), 'drop');
  assert.match(await generateButton.innerText(), /Generate 2 screens/);
  await review.getByRole('button', { name: 'Undo' }).click();
  assert.equal(await card('screen-2').getAttribute('data-fate'), 'keep');
  await card('screen-3').getByTestId('same-as').selectOption({ label: 'screen-2' });
  assert.equal(await card('screen-3').getAttribute('data-fate'), 'merge');
  // Merging into a screen that is then dropped is refused before anything is sent.
  await card('screen-2').getByRole('button', { name: 'Drop' }).click();
  assert.match(await review.getByTestId('edits-refusal').innerText(), /screen-3 is merged into screen-2, which is dropped/);
  assert.equal(await generateButton.isDisabled(), true);
  await review.getByRole('button', { name: 'Undo' }).click();
  assert.match(await generateButton.innerText(), /Generate 2 screens \(html-css\)/);
  await shot('12-video-edited');

  await generateButton.click();
  const screens = page.getByTestId('app-screens');
  await screens.waitFor({ timeout: 300_000 });
  assert.equal(await review.count(), 0, 'the review closes once the app is being generated');
  assert.deepEqual(await screens.locator('button[data-screen]').evaluateAll((b) => b.map((x) => (x as unknown as { dataset: { screen: string } }).dataset.screen)), ['screen-1', 'screen-2']);
  assert.match(await screens.getByTestId('app-links').innerText(), /screen-1 → screen-2/);
  await preview().getByText('Field guide').waitFor();
  assert.equal(await screens.locator('button[data-screen=screen-1]').getAttribute('aria-pressed'), 'true');
  await screens.locator('button[data-screen=screen-2]').click();
  await preview().getByText('Contact the ranger').waitFor();
  await until('its code in the editor', async () => /<!doctype html>/.test(await editorText()));
  assert.match(await page.getByTestId('version').innerText(), /v1 generated/);
  for (const name of ['walkthrough.mp4 screen-1', 'walkthrough.mp4 screen-2']) assert.equal(await page.locator(`[data-design="${name}"]`).count(), 1, name);
  assert.equal(await page.locator('[data-design="walkthrough.mp4 screen-3"]').count(), 0);
  await shot('13-video-app');
  assert.deepEqual(app.errors.slice(errorsBefore), []);

  const dir = join(work, 'export');
  await screens.getByRole('button', { name: 'Export app…' }).click();
  assert.equal(await page.getByTestId('export-what').inputValue(), 'app');
  await page.getByTestId('export-dir').fill(dir);
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Export' }).click();
  await page.getByTestId('export-done').waitFor();
  const manifest = JSON.parse(await readFile(join(dir, 'screens.json'), 'utf8')) as { screens: { name: string }[] };
  assert.deepEqual(manifest.screens.map((s) => s.name), ['screen-1', 'screen-2']);
  assert.match(await readFile(join(dir, 'screens/screen-1/index.html'), 'utf8'), /href="\.\.\/screen-2\/index\.html"/);
  assert.match(await readFile(join(dir, 'index.html'), 'utf8'), /screens\/screen-1\/index\.html/);
  await shot('14-video-export');
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Close' }).click();

  // The video's job opens its screens again; what a video cannot be generated with is refused with what to do.
  await page.locator('.job[data-status=done] .job-name', { hasText: 'walkthrough.mp4' }).first().click();
  await review.waitFor();
  await page.getByTestId('mode').selectOption('think');
  await generateButton.click();
  await until('think mode refused', async () => /converted in fast mode; think mode repairs one design at a time/.test(await page.getByTestId('notice').innerText().catch(() => '')));
  await page.getByTestId('mode').selectOption('fast');
  await page.getByTestId('backend').selectOption('local');
  await page.getByTestId('model-dir').fill(work);
  await generateButton.click();
  await until('the local model refused', async () => /converted by perception, not the local model/.test(await page.getByTestId('notice').innerText().catch(() => '')));
  await page.getByTestId('backend').selectOption('perception');
  await review.getByRole('button', { name: 'Close' }).click();
});

test("a corrupt video fails with what is wrong; one cut short shows the reader's warning over its screens; reading a long one can be cancelled", async () => {
  await page.getByTestId('file-input').setInputFiles({ name: 'broken.mp4', mimeType: 'video/mp4', buffer: Buffer.from('these bytes are not a video') });
  const broken = page.locator('.job', { hasText: 'broken.mp4' });
  await until('the failed video', async () => (await broken.getAttribute('data-status').catch(() => null)) === 'failed', 120_000);
  assert.match(await broken.locator('.error').innerText(), /broken\.mp4 is not a video Loupe can read/);

  const long = join(await mkdtemp(join(tmpdir(), 'loupe-e2e-video-')), 'long.mp4');
  await writeWalkthrough(app.pool, long, { endS: 60 });
  // The index is at the front, as screen recorders write it: what is there is read, up to where the file stops.
  const bytes = await readFile(long);
  await page.getByTestId('file-input').setInputFiles({ name: 'cut.mp4', mimeType: 'video/mp4', buffer: bytes.subarray(0, Math.round(bytes.length * 0.6)) });
  const review = page.getByTestId('video-review');
  await review.waitFor({ timeout: 120_000 });
  assert.match(await review.getByTestId('video-warning').innerText(), /cut\.mp4: its frames stop at [\d.]+ s of its [\d.]+ s; the file looks cut short/);
  await shot('15-video-cut-short');
  await review.getByRole('button', { name: 'Close' }).click();

  await page.getByTestId('file-input').setInputFiles(long);
  const job = page.locator('.job', { hasText: 'long.mp4' });
  await until('the video being read', async () => (await job.getAttribute('data-status').catch(() => null)) === 'running', 120_000);
  await job.getByRole('button', { name: 'Cancel' }).click();
  await until('the cancelled read', async () => (await job.getAttribute('data-status')) === 'cancelled', 60_000);
  await shot('16-video-failed-and-cancelled');
  assert.equal(await review.count(), 0);
});

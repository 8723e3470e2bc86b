// One page at two widths in the app, in web mode: a desktop and a phone design of a real page
// given at once, said to be one page, become one codebase; the preview, the design beside it, the
// diff and the scores follow the width chosen, each from its own design. Real UI in real
// Chromium against the real engine over HTTP. Each step leaves a screenshot in e2e/artifacts/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { VersionView } from '../engine/api/contract.ts';
import { writeDesignPair } from '../testing/service/two-widths-pair.ts';
import { openApp, root, until, type AppSession, type InPage } from './harness.ts';

const artifacts = `${root}e2e/artifacts`;
let app: AppSession;
let page: Page;
let pair: { desktop: string; phone: string };
const shot = (name: string) => page.screenshot({ path: `${artifacts}/two-designs-${name}.png` });
const preview = () => page.frameLocator('[data-testid=preview-frame]');
const frameWidth = () => preview().locator('html').evaluate((html) => (html as unknown as InPage).ownerDocument.documentElement.clientWidth);
/** The pixel width of the picture an <img> shows. */
const pictureWidth = (testId: string) => page.getByTestId(testId).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
const call = async (method: string, body: unknown) =>
  (await fetch(new URL(`api/${method}`, app.server.url), { method: 'POST', headers: { ...app.server.appHeaders, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
const shownSsim = async () => Number(await page.locator('[data-metric=ssim] b').innerText());

test.before(async () => {
  await mkdir(artifacts, { recursive: true });
  app = await openApp();
  page = app.page;
  pair = await writeDesignPair(app.pool, await mkdtemp(join(tmpdir(), 'loupe-e2e-pair-')));
});
test.after(() => app?.close());

let version: VersionView;

test('two designs given at once are asked about; as one page they become one codebase, shown at the desktop width first', async () => {
  await page.getByTestId('file-input').setInputFiles([pair.phone, pair.desktop]);
  await page.getByTestId('pair-question').waitFor();
  assert.match(await page.getByTestId('pair-question').innerText(), /phone\.png and desktop\.png: one page at two widths\?/);
  await shot('1-question');
  await page.getByTestId('pair-one-page').click();
  await until('the conversion', async () => (await page.locator('.job[data-status=done]').count()) === 1 || (await page.locator('.job[data-status=failed]').count()) > 0, 180_000);
  assert.equal(await page.locator('.job[data-status=failed]').count(), 0, await page.locator('.jobs').innerText());
  await page.getByTestId('width-switch').waitFor();
  // The phone's copy of an element the merge could not pair is in the page too, hidden at this width.
  await preview().locator('text=Roadsend PHP Compiler >> visible=true').waitFor();

  // The version as the engine holds it, to tell each width's scores from the other's.
  const history = (await call('history', {})) as { versions: { versionId: string }[] }[];
  version = (await call('open', { versionId: history[0]!.versions[0]!.versionId })) as VersionView;

  assert.equal(await page.locator('[data-testid=width-switch] button[data-width="1280"]').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('scores').getAttribute('data-width'), '1280');
  assert.equal(await frameWidth(), 1280);
  assert.equal(await pictureWidth('design-image'), 1280);
  assert.equal(await shownSsim(), Number(version.scores.ssim.toFixed(3)));
  assert.match(await page.locator('[data-design="desktop.png"] header').innerText(), /1280×\d+ and 390 px/, 'the history keeps both designs');
  await shot('2-desktop');
  assert.deepEqual(app.errors, []);
});

test("switching to the phone width lays the preview out at 390 px beside the phone design, with the phone's diff and scores", async () => {
  await page.locator('[data-testid=width-switch] button[data-width="390"]').click();
  await until('the phone width', async () => (await frameWidth()) === 390);
  assert.equal(await page.getByTestId('scores').getAttribute('data-width'), '390');
  assert.equal(await pictureWidth('design-image'), 390);
  assert.equal(await shownSsim(), Number(version.narrow!.scores.ssim.toFixed(3)));
  assert.notEqual(version.narrow!.scores.ssim.toFixed(3), version.scores.ssim.toFixed(3));
  await shot('3-phone');

  // Overlay compares at the chosen design's width; the diff is the phone's.
  await page.getByTestId('view-overlay').click();
  await until('the phone width in the overlay', async () => (await frameWidth()) === 390);
  await page.getByTestId('view-diff').click();
  await page.getByTestId('diff-image').waitFor();
  assert.equal(await pictureWidth('diff-image'), 390);
  await shot('4-phone-diff');
  await page.getByTestId('view-side').click();

  await page.locator('[data-testid=width-switch] button[data-width="1280"]').click();
  await until('the desktop width again', async () => (await frameWidth()) === 1280);
  assert.equal(await shownSsim(), Number(version.scores.ssim.toFixed(3)));
  assert.deepEqual(app.errors, []);
});

test('one page with a design that is not a picture fails its job saying which file', async () => {
  await page.getByTestId('file-input').setInputFiles([{ name: 'desktop.png', mimeType: 'image/png', buffer: await readFile(pair.desktop) }, { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not pixels') }]);
  await page.getByTestId('pair-one-page').click();
  const failed = page.locator('.job[data-status=failed] .error');
  await failed.waitFor({ timeout: 120_000 });
  assert.match(await failed.innerText(), /broken\.png is not a PNG, JPEG or WebP image/);
  await shot('5-broken');
});

test('a phone design added to a design on screen makes it one page at two widths; one not narrower is refused with what to do', async () => {
  const desktopBytes = await readFile(pair.desktop);
  const done = await page.locator('.job[data-status=done]').count();
  await page.getByTestId('file-input').setInputFiles({ name: 'article.png', mimeType: 'image/png', buffer: desktopBytes });
  await until('the conversion', async () => (await page.locator('.job[data-status=done]').count()) > done, 180_000);
  await page.locator('.job[data-status=done] .job-name', { hasText: 'article.png' }).click();
  await until('article.png on screen', async () => (await page.getByTestId('width-switch').count()) === 0);

  await page.getByTestId('add-narrow-input').setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: desktopBytes });
  await until('the refusal', async () => /wide\.png is 1280 px wide, not narrower than article\.png/.test(await page.getByTestId('notice').innerText().catch(() => '')));
  await page.getByTestId('add-narrow-input').setInputFiles(pair.phone);
  await until('version 2 on screen, at two widths', async () => (await page.getByTestId('version').innerText()).includes('v2 generated') && (await page.getByTestId('width-switch').count()) === 1, 180_000);
  await page.locator('[data-testid=width-switch] button[data-width="390"]').click();
  await until('the phone width', async () => (await frameWidth()) === 390);
  assert.equal(await pictureWidth('design-image'), 390);
  assert.match(await page.locator('[data-design="article.png"] header').innerText(), /and 390 px/);
  assert.equal(await page.getByTestId('add-narrow').count(), 0, 'one page at two widths takes no third design');
  await shot('6-added');
});

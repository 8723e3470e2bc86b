// The desktop shell's logic, tested without the Electron binary: window security, the menu,
// what loupe://app serves, and the engine's message port with the real engine behind it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { windowOptions, isAppUrl, opensInSystemBrowser } from './window-options.ts';
import { menuTemplate, type MenuCommand } from './menu.ts';
import { headersFor, routeAppUrl } from './app-protocol.ts';
import { EngineClient, EngineCallError } from './engine-client.ts';
import { hostService, type PortMessage, type PortRequest } from '../engine/transport/port-host.ts';
import { EngineService } from '../engine/service/service.ts';
import { RenderPool } from '../engine/render/pool.ts';
import { closePerception } from '../engine/perceive/index.ts';
import type { JobEvent, VersionView } from '../engine/api/contract.ts';

test('the window gives the UI no Node, a sandbox and context isolation, and developer tools only in development', () => {
  const web = windowOptions('/app/preload.cjs', false).webPreferences!;
  assert.deepEqual(
    [web.contextIsolation, web.sandbox, web.nodeIntegration, web.nodeIntegrationInSubFrames, web.webSecurity, web.webviewTag],
    [true, true, false, false, true, false],
  );
  assert.equal(web.preload, '/app/preload.cjs');
  assert.equal(web.devTools, false);
  // Left at Electron's safe defaults: no insecure content, no experimental or extra Blink features.
  assert.deepEqual([web.allowRunningInsecureContent, web.experimentalFeatures, web.enableBlinkFeatures], [undefined, undefined, undefined]);
  assert.equal(windowOptions('/app/preload.cjs', true).webPreferences!.devTools, true);
  assert.ok(isAppUrl('loupe://app/index.html'));
  assert.ok(!isAppUrl('https://example.com/'));
  assert.ok(!isAppUrl('loupe://app.evil/'));
});

test('only web addresses are handed to the system browser', () => {
  for (const url of ['https://example.com/', 'http://127.0.0.1:8080/x']) assert.ok(opensInSystemBrowser(url), url);
  for (const url of ['file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'loupe://app/', 'ms-settings:', 'https:example.com', 'data:text/html,x']) {
    assert.ok(!opensInSystemBrowser(url), url);
  }
});

const menuItems = (template: ReturnType<typeof menuTemplate>) => template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));

test('the menu has the shortcuts, and its commands reach the UI by name', () => {
  const sent: MenuCommand[] = [];
  const template = menuTemplate((c) => sent.push(c), false, false);
  const items = menuItems(template);
  const byLabel = (label: string) => items.find((i) => i.label === label)!;
  assert.equal(byLabel('Open Design…').accelerator, 'CmdOrCtrl+O');
  assert.equal(byLabel('Save Version').accelerator, 'CmdOrCtrl+S');
  assert.equal(byLabel('Export…').accelerator, 'CmdOrCtrl+E');
  assert.equal(byLabel('Re-generate').accelerator, 'CmdOrCtrl+Shift+R');
  for (const label of ['Open Design…', 'Save Version', 'Re-generate', 'Export…']) (byLabel(label).click as () => void)();
  assert.deepEqual(sent, ['open', 'save-version', 'regenerate', 'export']);
  const roles = items.map((i) => i.role).concat(template.map((m) => m.role));
  for (const role of ['editMenu', 'zoomIn', 'zoomOut', 'resetZoom', 'quit']) assert.ok(roles.includes(role as never), role);
  assert.equal(menuTemplate(() => {}, true, false)[0]!.role, 'appMenu');
});

test('the shipped menu has no reload and no developer tools; a development run has both, and Ctrl+Shift+R stays Re-generate', () => {
  const roles = (development: boolean) => menuItems(menuTemplate(() => {}, false, development)).map((i) => i.role);
  for (const role of ['reload', 'forceReload', 'toggleDevTools']) assert.ok(!roles(false).includes(role as never), role);
  assert.ok(roles(true).includes('reload') && roles(true).includes('toggleDevTools'));
  assert.ok(!roles(true).includes('forceReload'));
});

test('loupe://app serves the UI under the app CSP, previews under the sandbox CSP, nothing outside', () => {
  assert.deepEqual(routeAppUrl('loupe://app/'), { kind: 'file', path: 'index.html' });
  assert.deepEqual(routeAppUrl('loupe://app/workers/ts.worker.js'), { kind: 'file', path: 'workers/ts.worker.js' });
  assert.deepEqual(routeAppUrl('loupe://app/artifacts/abc.html'), { kind: 'artifact', id: 'abc.html' });
  assert.deepEqual(routeAppUrl('loupe://app/..%2f..%2fetc/passwd'), { kind: 'refused' });
  assert.deepEqual(routeAppUrl('loupe://other/index.html'), { kind: 'refused' });
  assert.deepEqual(routeAppUrl('not a url'), { kind: 'refused' });
  for (const bad of ['loupe://app/%', 'loupe://app/a%zz.js', 'loupe://app/artifacts/%E0%A4%A.png', 'loupe://app/%C0%AF']) {
    assert.deepEqual(routeAppUrl(bad), { kind: 'malformed' }, bad);
  }
  assert.match(headersFor({ kind: 'file', path: 'index.html' })['content-security-policy']!, /script-src 'self'/);
  assert.match(headersFor({ kind: 'artifact', id: 'x.html' }, 'text/html')['content-security-policy']!, /^sandbox allow-scripts; default-src 'none'/);
  assert.equal(headersFor({ kind: 'artifact', id: 'x.png' }, 'image/png')['content-security-policy'], undefined);
});

test('the engine answers over its message port: calls, job events, artifacts, and a dead engine fails what was pending', async () => {
  const pool = new RenderPool(1);
  const service = new EngineService(pool, join(await mkdtemp(join(tmpdir(), 'loupe-shell-')), 'history.sqlite'));
  const { port1, port2 } = new MessageChannel();
  hostService(service, { post: (m) => port1.postMessage(m), onMessage: (l) => port1.on('message', l) });
  const events: JobEvent[] = [];
  const client = new EngineClient({ post: (m: PortRequest) => port2.postMessage(m), onMessage: (l: (m: PortMessage) => void) => port2.on('message', l) }, (e) => events.push(e as JobEvent));
  try {
    assert.deepEqual(await client.call('history', {}), []);
    await assert.rejects(client.call('nonsense', {}), (e: EngineCallError) => e.code === 'NOT_FOUND');
    await assert.rejects(client.call('open', { versionId: 'nope' }), (e: EngineCallError) => e.code === 'INVALID_ARGUMENT' && /No version/.test(e.message));

    const data = (await readFile(new URL('../examples/landing.png', import.meta.url))).toString('base64');
    const { jobId } = (await client.call('convert', { name: 'landing.png', data, stack: 'html-css' })) as { jobId: string };
    await service.jobs.idle();
    await new Promise((r) => setTimeout(r, 50));
    const done = events.find((e) => e.jobId === jobId && e.type === 'done') as Extract<JobEvent, { type: 'done' }>;
    assert.ok(done, JSON.stringify(events.filter((e) => e.type !== 'progress')));
    const preview = await client.artifact((done.result as VersionView).preview.replace('/artifacts/', ''));
    assert.equal(preview.mime, 'text/html');
    assert.match(Buffer.from(preview.bytes!).toString('utf8'), /Ship reports/);
    assert.deepEqual((await client.artifact('gone.png')).bytes, null);

    // A call the engine will never answer, then the engine dies.
    const silent = new EngineClient({ post: () => {}, onMessage: () => {} }, () => {});
    const pending = silent.call('history', {});
    silent.fail('The engine stopped; it has been restarted.');
    await assert.rejects(pending, (e: EngineCallError) => e.code === 'ENGINE_RESTARTED');
  } finally {
    port1.close();
    service.close();
    await pool.close();
    await closePerception();
  }
});

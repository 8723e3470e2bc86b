// Web mode's server refuses whoever lacks this launch's key or calls from another page: real HTTP
// on loopback, and a real Chromium for what only a browser does (cookies, Sec-Fetch-Site).
import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../render/browser.ts';
import { RenderPool } from '../render/pool.ts';
import { startServer, type EngineServer } from './http.ts';

const pool = new RenderPool(1);
let server: EngineServer;

test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-access-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Loupe</title>');
  server = await startServer({ pool, appDir: dir, historyPath: join(dir, 'history.sqlite'), exportsRoot: dir, figmaBridge: { port: 0 } });
});
test.after(async () => {
  await server.close();
  await pool.close();
});

const call = (method: string, headers: Record<string, string>) =>
  fetch(new URL(`api/${method}`, server.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

test('without the key nothing is served: not the API, the event stream, the app nor its pictures', async () => {
  const { cookie: _, ...originOnly } = server.appHeaders;
  for (const answer of [
    await call('history', originOnly),
    await call('figmaBridge', { ...originOnly, cookie: `${server.appHeaders.cookie!.split('=')[0]}=not-the-key` }),
    await fetch(new URL('api/events', server.url)),
    await fetch(server.url),
    await fetch(new URL('artifacts/anything', server.url)),
  ]) {
    assert.equal(answer.status, 401, answer.url);
    assert.equal(((await answer.json()) as { code: string }).code, 'AUTH_MISSING');
  }
  const wrongKey = await fetch(new URL('?key=guess', server.url), { redirect: 'manual' });
  assert.equal(wrongKey.status, 401);
  assert.equal(wrongKey.headers.get('set-cookie'), null);
});

test('with the key the API and the event stream answer', async () => {
  const history = await call('history', server.appHeaders);
  assert.equal(history.status, 200);
  assert.deepEqual(await history.json(), []);
  const stop = new AbortController();
  const events = await fetch(new URL('api/events', server.url), { headers: server.appHeaders, signal: stop.signal });
  assert.equal(events.status, 200);
  assert.equal(events.headers.get('content-type'), 'text/event-stream');
  stop.abort();
});

test('the printed address sets the key as a cookie scripts cannot read nor other sites send, and leaves the address bar', async () => {
  const opened = await fetch(server.openUrl, { redirect: 'manual' });
  assert.equal(opened.status, 303);
  assert.equal(opened.headers.get('location'), '/');
  assert.equal(opened.headers.get('set-cookie'), `${server.appHeaders.cookie}; HttpOnly; SameSite=Strict; Path=/`);
});

test('a call from another origin is refused even with the key: POSTs must name this server', async () => {
  const port = new URL(server.url).port;
  for (const origin of ['https://evil.example', 'http://127.0.0.1:1', `http://localhost:${port}`, 'null']) {
    const answer = await call('figmaNewCode', { ...server.appHeaders, origin });
    assert.equal(answer.status, 403, origin);
    assert.equal(((await answer.json()) as { code: string }).code, 'FORBIDDEN');
  }
  const { origin: _, ...cookieOnly } = server.appHeaders;
  assert.equal((await call('figmaNewCode', cookieOnly)).status, 403, 'a POST without Origin');
  const sameSite = await fetch(new URL('api/events', server.url), { headers: { cookie: server.appHeaders.cookie!, 'sec-fetch-site': 'same-site' } });
  assert.equal(sameSite.status, 403, 'a page on another port of this machine');
});

test('in a browser, the app opened with the printed address works; a page on another port cannot frame it', async () => {
  const other: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><iframe src="${server.url}"></iframe>`);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(server.openUrl);
    assert.equal(page.url(), server.url, 'the key left the address');
    const status = await page.evaluate(async () => (await fetch('api/history', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    assert.equal(status, 200);
    assert.equal(await page.evaluate('document.cookie'), '', 'the key is out of scripts\' reach');

    // The same browser holds the cookie, and 127.0.0.1 on another port is the same site, so it goes along.
    const framing = await browser.newPage();
    const refused = framing.waitForResponse((r) => r.url() === server.url);
    await framing.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    assert.equal((await refused).status(), 403);
  } finally {
    await browser?.close();
    other.close();
  }
});

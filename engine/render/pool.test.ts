import test from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { RenderPool } from './pool.ts';
import { MAX_CAPTURE_PIXELS } from './capture.ts';
import { runningProcesses } from '../../testing/processes.ts';
import type { LoupeError } from '../errors.ts';

const pool = new RenderPool(2);
test.after(() => pool.close());

test('renders a page at the viewport width, full height, with the right pixels', async () => {
  const html = '<html><body style="margin:0"><div style="height:700px;background:#ff0000"></div><div style="height:300px;background:#0000ff"></div></body></html>';
  const shot = await pool.screenshot(html, { width: 320, height: 200 });
  const meta = await sharp(shot.png).metadata();
  assert.equal(meta.width, 320);
  assert.equal(meta.height, 1000);
  const { data, info } = await sharp(shot.png).raw().toBuffer({ resolveWithObject: true });
  const px = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
  assert.deepEqual(px(10, 10), [255, 0, 0]);
  assert.deepEqual(px(10, 900), [0, 0, 255]);
});

test('network requests from rendered code are blocked', async () => {
  const html = '<html><body><img id="i" src="http://127.0.0.1:9/x.png"><script>fetch("http://127.0.0.1:9/").then(()=>document.title="reached",()=>document.title="blocked")</script></body></html>';
  const title = await pool.withPage(html, { width: 200, height: 100 }, async (page) => {
    await page.waitForFunction('document.title !== ""');
    return page.title();
  });
  assert.equal(title, 'blocked');
});

test('concurrent renders beyond the pool size all complete', async () => {
  const shots = await Promise.all(
    [1, 2, 3, 4, 5].map((n) => pool.screenshot(`<body style="margin:0;height:${n * 100}px;background:#0f0"></body>`, { width: 100, height: 50 })),
  );
  assert.deepEqual(shots.map((s) => s.height), [100, 200, 300, 400, 500]);
});

test('nothing a page sets survives into the next render, even on a reused page', async () => {
  const single = new RenderPool(1);
  try {
    await single.withPage('<script>window.leak = 42; document.cookie = "a=1"</script>', { width: 100, height: 100 }, async () => undefined);
    const seen = await single.withPage('<p>next</p>', { width: 100, height: 100 }, (page) => page.evaluate('[typeof window.leak, document.body.innerText]'));
    assert.deepEqual(seen, ['undefined', 'next']);
  } finally {
    await single.close();
  }
});

test('a render that fails leaves the pool usable', async () => {
  await assert.rejects(pool.withPage('<p>x</p>', { width: 100, height: 100 }, async () => { throw new Error('boom'); }), /boom/);
  const shot = await pool.screenshot('<body style="margin:0;background:#00f"></body>', { width: 50, height: 40 });
  assert.deepEqual([shot.width, shot.height], [50, 40]);
});

// The test's own timeout only turns a render that hangs (no limit at all) into a failure.
test('code that never stops running is stopped at the time limit, and the next render works', { timeout: 60_000 }, async () => {
  const limited = new RenderPool(1, { renderS: 2 });
  try {
    // An edit a user can make: the page loads, then its script keeps the renderer busy for ever.
    const looping = '<p>x</p><script>addEventListener("load", () => setTimeout(() => { for (;;) {} }, 0))</script>';
    await assert.rejects(limited.screenshot(looping, { width: 100, height: 100 }), (e: LoupeError) => {
      assert.equal(e.code, 'RENDER_TIMEOUT');
      assert.match(e.message, /did not finish rendering in 2 s/);
      return true;
    });
    const shot = await limited.screenshot('<body style="margin:0;background:#00f"></body>', { width: 50, height: 40 });
    const { data } = await sharp(shot.png).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual(Array.from(data.subarray(0, 3)), [0, 0, 255]);
  } finally {
    await limited.close();
  }
});

test('code that navigates away from itself is refused for it, and the next render works', async () => {
  const navigations = [
    '<p>x</p><script>location.href = "http://127.0.0.1:9/"</script>',
    '<form action="http://127.0.0.1:9/"></form><script>document.forms[0].submit()</script>',
  ];
  for (const html of navigations) {
    await assert.rejects(pool.screenshot(html, { width: 100, height: 100 }), (e: LoupeError) => {
      assert.equal(e.code, 'RENDER_NAVIGATED', `${html}: ${e.message}`);
      assert.match(e.message, /navigated away from itself/);
      return true;
    });
  }
  const seen = await pool.withPage('<p>next</p>', { width: 100, height: 100 }, (page) => page.evaluate('document.body.innerText'));
  assert.equal(seen, 'next');
});

test('a browser that died is replaced by the next render', async () => {
  const single = new RenderPool(1);
  try {
    const pid = await single.withPage('<p>x</p>', { width: 100, height: 100 }, async (page) => {
      const session = await page.context().browser()!.newBrowserCDPSession();
      const { processInfo } = await session.send('SystemInfo.getProcessInfo');
      return processInfo.find((p) => p.type === 'browser')!.id;
    });
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const seen = await single.withPage('<p>after</p>', { width: 100, height: 100 }, (page) => page.evaluate('document.body.innerText'));
    assert.equal(seen, 'after');
  } finally {
    await single.close();
  }
});

test('a cancelled render ends as cancelled, not at the time limit, and the next render works', { timeout: 60_000 }, async () => {
  const looping = '<p>x</p><script>addEventListener("load", () => setTimeout(() => { for (;;) {} }, 0))</script>';
  const rendering = pool.screenshot(looping, { width: 100, height: 100 }, { signal: AbortSignal.timeout(1000) });
  await assert.rejects(rendering, (e: LoupeError) => e.code === 'CANCELLED');
  const shot = await pool.screenshot('<body style="margin:0;background:#00f"></body>', { width: 50, height: 40 });
  assert.deepEqual([shot.width, shot.height], [50, 40]);
});

test("after a capture past the most pixels drawn at once, the browser is closed when no page is in use, and the next render starts another; after an ordinary one it stays", { timeout: 120_000 }, async () => {
  const own = new RenderPool(1);
  // The browser is a child of this process; so is each `ps` that lists them, seen once only.
  const listChildren = () => runningProcesses().filter((p) => p.ppid === process.pid).map((p) => p.pid);
  const children = () => {
    const again = new Set(listChildren());
    return new Set(listChildren().filter((pid) => again.has(pid)));
  };
  const before = children();
  const browserPids = () => [...children()].filter((pid) => !before.has(pid));
  const alive = (pids: number[]) => pids.filter((pid) => children().has(pid));
  const settle = () => new Promise((r) => setTimeout(r, 1500));
  try {
    const small = { width: 320, height: 200 };
    await own.screenshot('<p>small</p>', small);
    const first = browserPids();
    assert.ok(first.length > 0, 'the render started a browser');
    await own.screenshot('<p>small again</p>', small);
    await settle();
    assert.deepEqual(alive(first), first, 'an ordinary render keeps the browser');

    const width = 4096;
    const height = Math.ceil(MAX_CAPTURE_PIXELS / width) + 100;
    const large = await own.screenshot(`<body style="margin:0"><div style="height:${height}px;background:#00ff00"></div></body>`, { width, height: 600 });
    assert.equal(large.height, height);
    for (let waited = 0; alive(first).length > 0 && waited < 20; waited++) await settle();
    assert.deepEqual(alive(first), [], 'the browser that drew the large page has ended');

    const next = await own.screenshot('<p>after</p>', small);
    assert.equal(next.width, 320);
    assert.ok(browserPids().some((pid) => !first.includes(pid)), 'a fresh browser drew the next page');
  } finally {
    await own.close();
  }
});

test('a page is captured with its animations run to their end, not caught halfway through a fade; an endless one is left running', async () => {
  const html = '<style>@keyframes in { from { opacity: 0 } to { opacity: 1 } } div { width: 100px; height: 100px; background: #ff0000; animation: in 30s linear } p { animation: in 1s linear infinite }</style><body style="margin:0;background:#ffffff"><div></div><p>spinner</p></body>';
  const shot = await pool.screenshot(html, { width: 200, height: 200 });
  const { data, info } = await sharp(shot.png).raw().toBuffer({ resolveWithObject: true });
  const at = (50 * info.width + 50) * info.channels;
  assert.deepEqual(Array.from(data.subarray(at, at + 3)), [255, 0, 0]);
});

// IPC answers only the app's own top frame: the frames Electron reports for the window's page, a
// preview inside it, a page that got elsewhere, and a frame that has gone.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ForeignFrameError, fromAppFrame, isAppFrame } from './app-frame.ts';

const top = { url: 'loupe://app/', parent: null };
const preview = { url: 'loupe://app/artifacts/0b1c.html', parent: top };

test("the app's top frame is the app; previews, other pages and sub-frames are not", () => {
  assert.ok(isAppFrame({ url: 'loupe://app/', isMainFrame: true }));
  assert.ok(isAppFrame({ url: 'loupe://app/index.html?design=1#code', isMainFrame: true }));
  assert.ok(!isAppFrame({ url: 'loupe://app/index.html', isMainFrame: false }));
  assert.ok(!isAppFrame({ url: 'loupe://app/artifacts/0b1c.html', isMainFrame: true }));
  assert.ok(!isAppFrame({ url: 'loupe://app/%zz', isMainFrame: true }));
  for (const url of ['https://example.com/', 'loupe://app.evil/', 'file:///etc/passwd', 'about:blank', 'data:text/html,x', '']) {
    assert.ok(!isAppFrame({ url, isMainFrame: true }), url);
  }
});

test('a guarded IPC handler runs for the app and refuses every other sender before touching its arguments', async () => {
  const calls: unknown[][] = [];
  const handler = fromAppFrame(async (method: unknown, body: unknown) => {
    calls.push([method, body]);
    return 'answered';
  });
  assert.equal(await handler({ senderFrame: top }, 'history', {}), 'answered');
  for (const senderFrame of [preview, { url: 'loupe://app/index.html', parent: top }, { url: 'https://example.com/', parent: null }, null]) {
    assert.throws(() => handler({ senderFrame }, 'export', { dir: '/' }), ForeignFrameError);
  }
  assert.deepEqual(calls, [['history', {}]]);
  assert.throws(() => handler({ senderFrame: preview }, 'history', {}), /only the app's own page.*loupe:\/\/app\/artifacts\/0b1c\.html/);
});

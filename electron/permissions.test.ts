// The session's permission rule, asked as Electron asks it: by the app's page, by a preview, by
// other pages, for what the app uses and for what it does not.
import test from 'node:test';
import assert from 'node:assert/strict';
import { APP_PERMISSIONS, grantsPermission } from './permissions.ts';

const app = { isMainFrame: true, requestingUrl: 'loupe://app/' };
const preview = { isMainFrame: false, requestingUrl: 'loupe://app/artifacts/0b1c.html' };

test("the app's page gets the clipboard and nothing else", () => {
  for (const permission of APP_PERMISSIONS) assert.ok(grantsPermission(permission, app), permission);
  const others = ['media', 'display-capture', 'notifications', 'geolocation', 'fullscreen', 'openExternal', 'pointerLock', 'midiSysex', 'hid', 'serial', 'usb', 'fileSystem', 'local-fonts', 'storage-access', 'window-management', 'unknown'];
  for (const permission of others) assert.ok(!grantsPermission(permission, app), permission);
});

test('previews, other pages and askers without a document get no permission at all', () => {
  for (const permission of [...APP_PERMISSIONS, 'media', 'notifications']) {
    assert.ok(!grantsPermission(permission, preview), `preview: ${permission}`);
    assert.ok(!grantsPermission(permission, { isMainFrame: true, requestingUrl: 'loupe://app/artifacts/0b1c.html' }), `preview as a page: ${permission}`);
    assert.ok(!grantsPermission(permission, { isMainFrame: true, requestingUrl: 'https://example.com/' }), `web page: ${permission}`);
    assert.ok(!grantsPermission(permission, { isMainFrame: false, requestingUrl: 'loupe://app/' }), `sub-frame: ${permission}`);
    assert.ok(!grantsPermission(permission, { isMainFrame: true }), `no document: ${permission}`);
  }
});

// The desktop shell: one locked-down window showing the UI from loupe://app, the engine in a
// utility process (restarted if it dies), the API bridged over IPC, menus and shortcuts, and
// model servers' keys kept encrypted by the system (model-server-keys.ts). Every IPC channel answers
// only the app's own top frame (app-frame.ts), and the session grants no web permission but the
// clipboard to that frame (permissions.ts).
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell, utilityProcess, type UtilityProcess } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { headersFor, routeAppUrl } from './app-protocol.ts';
import { fromAppFrame } from './app-frame.ts';
import { grantsPermission } from './permissions.ts';
import { EngineClient, EngineCallError } from './engine-client.ts';
import { menuTemplate } from './menu.ts';
import { PickedFolders } from './picked-folders.ts';
import { ModelServerKeyFile, keyChannels, type Cipher } from './model-server-keys.ts';
import { isAppUrl, opensInSystemBrowser, windowOptions } from './window-options.ts';
import { isApiMethod } from '../engine/api/contract.ts';
import { noWayOut } from '../engine/render/no-way-out.ts';

const root = join(fileURLToPath(import.meta.url), '../..');
const appDir = join(root, 'renderer/dist');
protocol.registerSchemesAsPrivileged([{ scheme: 'loupe', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let window: BrowserWindow | undefined;
let engine: { process: UtilityProcess; client: EngineClient } | undefined;
let keyFile: ModelServerKeyFile | undefined;
const pickedFolders = new PickedFolders();

// Linux without a secret service falls back to a key written in Chromium itself: no better than plain text.
const systemCipher: Cipher = {
  available: async () => (await safeStorage.isAsyncEncryptionAvailable()) && !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'),
  encrypt: (text) => safeStorage.encryptStringAsync(text),
  decrypt: async (sealed) => (await safeStorage.decryptStringAsync(sealed)).result,
};

/** The engine holds keys in memory only: a restarted one is given the saved keys again (the UI gives them at its start). */
async function giveKeys(client: EngineClient): Promise<void> {
  for (const { baseUrl, key } of (await keyFile?.all()) ?? []) await client.call('modelServerKey', { baseUrl, key });
}

function startEngine(): { process: UtilityProcess; client: EngineClient } {
  const child = utilityProcess.fork(join(root, 'electron/engine-entry.mjs'), [], {
    env: { ...process.env, LOUPE_HISTORY_PATH: join(app.getPath('userData'), 'history.sqlite') },
    serviceName: 'Loupe engine',
  });
  const client = new EngineClient(
    { post: (m) => child.postMessage(m), onMessage: (l) => child.on('message', l) },
    (event) => window?.webContents.send('loupe:event', event),
  );
  child.on('exit', (code) => {
    client.fail(`The engine stopped (exit code ${code}); it has been restarted and your history is safe. Try again.`);
    if (engine?.client === client && !quitting) {
      engine = startEngine();
      giveKeys(engine.client).catch(() => undefined);
      window?.webContents.send('loupe:event', { type: 'engine-restarted', code });
    }
  });
  return { process: child, client };
}

let quitting = false;
app.on('before-quit', () => {
  quitting = true;
  engine?.process.kill();
});

app.whenReady().then(async () => {
  engine = startEngine();
  // The window needs no network (the engine answers over its message port, the app's files come
  // from loupe://): every connection goes to a proxy that closes it, so a preview's TURN over TCP,
  // which no CSP or switch blocks, reaches nothing.
  const { proxy, bypass } = await noWayOut();
  await session.defaultSession.setProxy({ proxyRules: proxy, proxyBypassRules: bypass });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, grant, asker) => grant(grantsPermission(permission, asker)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission, _origin, asker) => grantsPermission(permission, asker));
  // USB, serial and HID devices: none, whoever asks.
  session.defaultSession.setDevicePermissionHandler(() => false);
  protocol.handle('loupe', async (request) => {
    const route = routeAppUrl(request.url);
    if (route.kind === 'refused') return new Response('not found', { status: 404 });
    if (route.kind === 'malformed') return new Response('bad request: the address has a malformed % escape', { status: 400 });
    if (route.kind === 'artifact') {
      const { bytes, mime } = await engine!.client.artifact(route.id);
      if (!bytes) return new Response('This preview or picture has expired; convert again.', { status: 404 });
      return new Response(bytes, { headers: headersFor(route, mime) });
    }
    try {
      return new Response(await readFile(join(appDir, route.path)), { headers: headersFor(route) });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });

  // Answers travel as an envelope: Electron would reduce a thrown error to its message and lose its code.
  ipcMain.handle('loupe:call', fromAppFrame(async (method: unknown, body: unknown) => {
    try {
      if (!isApiMethod(method)) {
        throw new EngineCallError('NOT_FOUND', `${String(method)} is not part of the API.`);
      }
      pickedFolders.check(method, body);
      return { result: await engine!.client.call(method, body) };
    } catch (e) {
      return { error: { code: e instanceof EngineCallError ? e.code : 'INTERNAL', message: (e as Error).message } };
    }
  }));
  keyFile = new ModelServerKeyFile(join(app.getPath('userData'), 'model-server-keys.json'), systemCipher);
  for (const [channel, handle] of Object.entries(keyChannels(keyFile))) ipcMain.handle(channel, fromAppFrame(handle));
  ipcMain.handle('loupe:pick-folder', fromAppFrame(async () => {
    const picked = await dialog.showOpenDialog(window!, { properties: ['openDirectory', 'createDirectory'] });
    return picked.canceled || !picked.filePaths[0] ? undefined : pickedFolders.add(picked.filePaths[0]);
  }));

  // Reloading and the developer tools only where the app runs unpackaged (npm start).
  const development = !app.isPackaged;
  window = new BrowserWindow(windowOptions(join(root, 'electron/dist/preload.cjs'), development));
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate((command) => window?.webContents.send('loupe:command', command), process.platform === 'darwin', development)));
  // Generated code never navigates the app or opens windows; links go to the system browser.
  window.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  // Nor does the preview's frame navigate itself out of the app (CSP cannot stop a frame's own navigations).
  window.webContents.on('will-frame-navigate', (e) => {
    if (!isAppUrl(e.url)) e.preventDefault();
  });
  // CSP cannot block WebRTC either: with this policy it sends no UDP (STUN, TURN over UDP), and TCP goes to the proxy above.
  window.webContents.setWebRTCIPHandlingPolicy('disable_non_proxied_udp');
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (opensInSystemBrowser(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window?.show());
  void window.loadURL('loupe://app/');
});

app.on('window-all-closed', () => app.quit());

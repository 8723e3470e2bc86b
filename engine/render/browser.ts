// Finds a Chromium-family browser already on the machine (Loupe never downloads one) and
// starts it so that it leaves nothing behind.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { LoupeError } from '../errors.ts';
import { noWayOutFlags } from './no-way-out.ts';

const CANDIDATES: Record<string, string[]> = {
  linux: [
    '/usr/lib/chromium/chromium',
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  ],
};

// Without the background-networking flags Chromium keeps dialling out, which an offline
// tool must not do (and which a closed network refuses noisily).
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Rendered code is untrusted and WebRTC bypasses both the rule below and the pages' request
  // routing: with this policy it sends no UDP at all (no STUN, no TURN over UDP) without a proxy.
  // TURN over TCP is stopped by the render pool's proxy (startBrowser).
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
  // Even so it looked up update.googleapis.com and accounts.google.com. With this rule every host,
  // named or by address, is "not found" without a lookup, for pages and Chromium's own services
  // alike; loopback stays reachable, for the app's own server.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
  '--font-render-hinting=none',
  '--hide-scrollbars',
];

/** LOUPE_CHROMIUM, else the first known install location that exists. */
export function findChromium(): string {
  const fromEnv = process.env.LOUPE_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new LoupeError('BROWSER_NOT_FOUND', `LOUPE_CHROMIUM points at ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  const found = (CANDIDATES[process.platform] ?? []).find((p) => existsSync(p));
  if (!found) {
    throw new LoupeError(
      'BROWSER_NOT_FOUND',
      'No Chromium, Chrome or Edge was found. Install one (Debian: apt-get install chromium) or set LOUPE_CHROMIUM to its executable.',
    );
  }
  return found;
}

/**
 * Playwright gives Chromium a temporary profile that it removes, but Chromium also writes outside
 * its profile: its crash reporter's database under $XDG_CONFIG_HOME/chromium (its
 * `--crash-dumps-dir` does not move it) and GTK's settings cache under $XDG_CACHE_HOME/dconf. Both
 * are pointed into a scratch folder of this launch, removed once the browser is gone, so that
 * rendering leaves nothing in the user's home.
 *
 * Signals are the engine's to answer (the CLI cancels its work, then closes the browser), not
 * Playwright's: its handlers close the browser under a running render and exit behind the
 * engine's back, or ignore SIGTERM after closing the browser. The browser goes with the engine
 * however it ends: Playwright kills its process group on exit, and Chromium quits when the
 * engine's end of its pipe closes, even on SIGKILL.
 */
export async function launchBrowser(extraFlags: string[] = []): Promise<Browser> {
  const scratch = mkdtempSync(join(tmpdir(), 'loupe-chromium-'));
  // Synchronous, so that a process that exits as soon as the browser is closed still removes it.
  const remove = () => rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  const env = { ...process.env, XDG_CONFIG_HOME: join(scratch, 'config'), XDG_CACHE_HOME: join(scratch, 'cache') };
  try {
    const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_FLAGS, ...extraFlags], headless: true, env, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    browser.once('disconnected', remove);
    return browser;
  } catch (error) {
    remove();
    throw error;
  }
}

/** A launched browser and the way to end it when it no longer answers. */
export interface RunningBrowser {
  browser: Browser;
  /** Ends the browser and every process it started, at once. */
  kill: () => void;
}

/**
 * Launches a browser for untrusted code, whose process can be killed. It reaches nothing: every
 * connection it opens goes to a proxy that closes it (see no-way-out.ts). Its id is read at
 * launch, while the browser still answers: one stuck later cannot be asked. Playwright starts it
 * leading a process group of its own, so killing the group takes its renderers with it.
 */
export async function startBrowser(): Promise<RunningBrowser> {
  const browser = await launchBrowser(await noWayOutFlags());
  const pid = await browserProcessId(browser).catch(() => undefined);
  const kill = () => {
    // A browser without Chromium's SystemInfo domain did not say its id: it can only be asked to close.
    if (pid === undefined) return void browser.close().catch(() => undefined);
    try {
      process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  return { browser, kill };
}

async function browserProcessId(browser: Browser): Promise<number | undefined> {
  const session = await browser.newBrowserCDPSession();
  const { processInfo } = await session.send('SystemInfo.getProcessInfo');
  await session.detach();
  return processInfo.find((p) => p.type === 'browser')?.id;
}

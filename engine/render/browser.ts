// Finds a Chromium-family browser already on the machine: Loupe never downloads one.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { LoupeError } from '../errors.ts';

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
 * Signals are the engine's to answer (the CLI cancels its work, then closes the browser), not
 * Playwright's: its handlers close the browser under a running render and exit behind the
 * engine's back, or ignore SIGTERM after closing the browser. The browser goes with the engine
 * however it ends: Playwright kills its process group on exit, and Chromium quits when the
 * engine's end of its pipe closes, even on SIGKILL.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS, headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
}

/** A launched browser and the way to end it when it no longer answers. */
export interface RunningBrowser {
  browser: Browser;
  /** Ends the browser and every process it started, at once. */
  kill: () => void;
}

/**
 * Launches a browser whose process can be killed. Its id is read at launch, while the browser
 * still answers: one stuck later cannot be asked. Playwright starts it leading a process group
 * of its own, so killing the group takes its renderers with it.
 */
export async function startBrowser(): Promise<RunningBrowser> {
  const browser = await launchBrowser();
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

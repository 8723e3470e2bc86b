// Chromium as Loupe starts it resolves no host: Chromium's own network log, read back after a
// page asked for a host name, holds no DNS lookup of any kind, neither Chromium's DNS client nor
// the system's resolver. The same browser without the resolver rule does look the name up, so
// the log shows what it is asked to. And killing a launched browser, as the render pool does to
// one that no longer answers, ends every process it started.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { runningInGroup, runningProcesses } from '../../testing/processes.ts';
import { CHROMIUM_FLAGS, findChromium, startBrowser } from './browser.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-browser-'));
after(() => rm(dir, { recursive: true, force: true }));

/** A resolution job, and the lookups it runs: Chromium's own DNS client or the system's resolver. */
const LOOKUPS = /^(HOST_RESOLVER_MANAGER_JOB|HOST_RESOLVER_DNS_TASK|HOST_RESOLVER_SYSTEM_TASK|DNS_TRANSACTION)$/;

/** The hosts Chromium looked up while a page fetched from `http://loupe-probe.example/`, by its network log. */
async function lookupsWith(args: string[]): Promise<{ fetched: string; lookups: number; hosts: string[] }> {
  const log = join(dir, `net-${args.length}.json`);
  const browser = await chromium.launch({ executablePath: findChromium(), args: [...args, `--log-net-log=${log}`], headless: true });
  const page = await browser.newPage();
  const fetched = await page.evaluate(() => fetch('http://loupe-probe.example/').then(() => 'fetched', (e: Error) => e.message));
  await browser.close();
  const net = JSON.parse(await readFile(log, 'utf8')) as { constants: { logEventTypes: Record<string, number> }; events: Array<{ type: number; params?: { host?: string; hostname?: string } }> };
  const lookupTypes = new Set(Object.entries(net.constants.logEventTypes).filter(([name]) => LOOKUPS.test(name)).map(([, type]) => type));
  const lookups = net.events.filter((e) => lookupTypes.has(e.type));
  return { fetched, lookups: lookups.length, hosts: [...new Set(lookups.map((e) => e.params?.host ?? e.params?.hostname).filter((h): h is string => !!h))] };
}

test('Chromium as Loupe starts it looks up no host, for a page or for itself', async () => {
  const { fetched, lookups, hosts } = await lookupsWith(CHROMIUM_FLAGS);
  assert.equal(fetched, 'Failed to fetch');
  assert.deepEqual(hosts, []);
  assert.equal(lookups, 0);
});

test('without the resolver rule the same browser looks the page’s host up, and the log shows it', async () => {
  const { hosts } = await lookupsWith(CHROMIUM_FLAGS.filter((f) => !f.startsWith('--host-resolver-rules')));
  assert.ok(hosts.some((h) => h.includes('loupe-probe.example')), `looked up: ${hosts.join(', ')}`);
});

test('kill ends the browser and every process it started', { skip: process.platform === 'win32', timeout: 60_000 }, async () => {
  const { browser, kill } = await startBrowser();
  const page = await browser.newPage();
  await page.setContent('<p>a renderer of its own</p>');
  // Playwright starts the browser leading a process group of its own.
  const group = runningProcesses().find((p) => p.ppid === process.pid && p.pgid === p.pid)!.pid;
  assert.ok(runningInGroup(group).length > 1, 'the browser and its helpers run');
  const disconnected = new Promise((resolve) => browser.once('disconnected', resolve));
  kill();
  await disconnected;
  while (runningInGroup(group).length > 0) await new Promise((r) => setTimeout(r, 50));
});

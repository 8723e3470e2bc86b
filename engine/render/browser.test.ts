// Killing a launched browser: what the render pool does to one that no longer answers.
import test from 'node:test';
import assert from 'node:assert/strict';
import { runningInGroup, runningProcesses } from '../../testing/processes.ts';
import { startBrowser } from './browser.ts';

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

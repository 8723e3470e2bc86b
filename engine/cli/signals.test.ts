// Stopping the engine with a signal while it renders code that loops for ever: the render is
// cancelled, the engine ends as cancelled (not with an internal error), and no process of its
// browser outlives it. Real processes, real Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningInGroup, runningProcesses } from '../../testing/processes.ts';
import { EXIT } from './exit-codes.ts';

const bin = new URL('../../bin/loupe.js', import.meta.url).pathname;

/** The browser `pid` launched, once it has: the child leading a process group of its own. */
async function browserOf(pid: number): Promise<number> {
  for (;;) {
    const browser = runningProcesses().find((p) => p.ppid === pid && p.pgid === p.pid);
    if (browser) return browser.pid;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// SIGTERM, as a service manager stops `loupe serve`; Ctrl-C (SIGINT) is answered the same way.
test('SIGTERM stops a looping render; the engine ends as cancelled and its browser with it', { skip: process.platform === 'win32', timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-signals-'));
  const page = join(dir, 'loop.html');
  await writeFile(page, '<p>x</p><script>addEventListener("load", () => setTimeout(() => { for (;;) {} }, 0))</script>');
  const child = spawn(process.execPath, [bin, 'render', page, '--width', '100', '--out', join(dir, 'out.png')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit');
  const browser = await browserOf(child.pid!);
  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, EXIT.cancelled, stderr);
  assert.match(stderr, /cancelled/);
  assert.deepEqual(runningInGroup(browser), [], "the browser's processes are gone");
});

// Stopping the engine with a signal while it renders code that loops for ever: the render is
// cancelled, the engine ends as cancelled (not with an internal error), and no process of its
// browser outlives it. Real processes, real Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from './exit-codes.ts';

const bin = new URL('../../bin/loupe.js', import.meta.url).pathname;

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  zombie: boolean;
}

function processes(): Proc[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, pgid, stat]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), zombie: stat!.startsWith('Z') }));
}

/** The browser `pid` launched, once it has: the child leading a process group of its own. */
async function browserOf(pid: number): Promise<number> {
  for (;;) {
    const browser = processes().find((p) => p.ppid === pid && p.pgid === p.pid && !p.zombie);
    if (browser) return browser.pid;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a signal stops a looping render; the engine ends as cancelled and its browser with it', { skip: process.platform === 'win32', timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-signals-'));
  const page = join(dir, 'loop.html');
  await writeFile(page, '<p>x</p><script>addEventListener("load", () => setTimeout(() => { for (;;) {} }, 0))</script>');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const child = spawn(process.execPath, [bin, 'render', page, '--width', '100', '--out', join(dir, 'out.png')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(child, 'exit');
    const browser = await browserOf(child.pid!);
    child.kill(signal);
    const [code] = await exited;
    assert.equal(code, EXIT.cancelled, `${signal}: ${stderr}`);
    assert.match(stderr, /cancelled/);
    const left = processes().filter((p) => p.pgid === browser && !p.zombie);
    assert.deepEqual(left, [], `${signal}: the browser's processes are gone`);
  }
});

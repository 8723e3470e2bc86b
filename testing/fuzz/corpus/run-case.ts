// Runs one corpus case through the real `loupe` process as a user would start it, under a
// time limit, with its process tree's memory sampled and its writes checked: HOME, TMPDIR and
// the working folder are the runner's own, and must hold nothing new when it ends; the case's
// inputs must be as they were, apart from what lies under its --out.
import { spawn } from 'node:child_process';
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { processTree, processesMentioning, watchTreeMemory } from '../../processes.ts';

const BIN = new URL('../../../bin/loupe.js', import.meta.url).pathname;

export type Verdict = 'clear' | 'internal error' | 'hang' | 'memory' | 'stray write' | 'left running';

export interface Sandbox {
  /** HOME, TMPDIR and the working folder given to the CLI. */
  home: string;
  tmp: string;
  cwd: string;
}

export interface RunLimits {
  seconds: number;
  /** Peak RSS of the process tree past which a case is a memory blow-up. */
  memoryBytes: number;
  /** Past this the tree is killed at once, so one case cannot take the machine down. */
  killBytes: number;
}

export interface CaseRun {
  verdict: Verdict;
  code: number | null;
  seconds: number;
  peakBytes: number;
  /** The end of stderr, or what was wrong. */
  detail: string;
}

/**
 * Every entry under `root` (links listed, never followed) with what `lstat` says of it. Node 20's
 * recursive readdir follows links to folders, and a case's link to /proc/self never ends.
 */
export async function walk(root: string): Promise<Array<{ path: string; stats: Stats }>> {
  const found: Array<{ path: string; stats: Stats }> = [];
  const folders = [root];
  for (let folder; (folder = folders.pop()) !== undefined; ) {
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const path = join(folder, name);
      const stats = await lstat(path).catch(() => undefined);
      if (!stats) continue;
      found.push({ path, stats });
      if (stats.isDirectory()) folders.push(path);
    }
  }
  return found;
}

/** Every entry under `root` with its size and modification time; `skip` paths are left out. */
async function snapshot(root: string, skip: (path: string) => boolean): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  for (const { path, stats } of await walk(root)) if (!skip(path)) entries.set(path, stats.isDirectory() ? 'dir' : `${stats.size}@${stats.mtimeMs}`);
  return entries;
}

const changes = (before: Map<string, string>, after: Map<string, string>) => [
  ...[...after].filter(([path, state]) => before.get(path) !== state).map(([path]) => (before.has(path) ? `changed ${path}` : `new ${path}`)),
  ...[...before.keys()].filter((path) => !after.has(path)).map((path) => `removed ${path}`),
];

/** tsx keeps its compile cache in TMPDIR: the runner's, not Loupe's, writing. */
const isTsxCache = (tmp: string) => (path: string) => path.startsWith(join(tmp, 'tsx-'));

const kill = (pid: number) => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
};

const stackTrace = /\n\s+at .+[:(]/;

/** Runs `loupe …args` in `sandbox`; `inputs` is the case's folder, `out` the --out it names (if any). */
export async function runCase(args: string[], inputs: string, sandbox: Sandbox, limits: RunLimits): Promise<CaseRun> {
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 && args[outIndex + 1] ? resolve(args[outIndex + 1]!) : undefined;
  const underOut = (path: string) => out !== undefined && (path === out || path.startsWith(out + sep));
  const watched = [
    { root: sandbox.home, skip: () => false },
    { root: sandbox.tmp, skip: isTsxCache(sandbox.tmp) },
    { root: sandbox.cwd, skip: () => false },
    { root: inputs, skip: underOut },
  ];
  const before = await Promise.all(watched.map(({ root, skip }) => snapshot(root, skip)));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: sandbox.home, TMPDIR: sandbox.tmp };
  for (const name of ['XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME']) delete env[name];

  const started = performance.now();
  // Its own process group: a hang is ended with everything it started.
  const child = spawn(process.execPath, [BIN, ...args], { cwd: sandbox.cwd, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-8000)));
  // Its verdict is on summed RSS: PSS is not read.
  const memory = watchTreeMemory(child.pid!, 200, { pss: false });
  let killedFor: 'hang' | 'memory' | undefined;
  const killTree = () => {
    // Chromium starts in a process group of its own: the tree is found by parent ids instead.
    for (const { pid } of processTree(child.pid!)) kill(pid);
    kill(-child.pid!);
  };
  const timer = setTimeout(() => ((killedFor = 'hang'), killTree()), limits.seconds * 1000);
  const guard = setInterval(() => memory.peak().rss > limits.killBytes && ((killedFor = 'memory'), killTree()), 200);
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  clearTimeout(timer);
  clearInterval(guard);
  const peakBytes = memory.stop().rss;
  const seconds = (performance.now() - started) / 1000;
  // What the CLI started must end with it: Chromium names its profile in TMPDIR, ffmpeg the input.
  const left = [...new Set([...processesMentioning(sandbox.tmp), ...processesMentioning(inputs)])];
  for (const pid of left) kill(pid);

  const after = await Promise.all(watched.map(({ root, skip }) => snapshot(root, skip)));
  const strays = watched.flatMap((_, i) => changes(before[i]!, after[i]!));
  const tail = stderr.trim().split('\n').slice(-12).join('\n');
  const result = (verdict: Verdict, detail: string): CaseRun => ({ verdict, code, seconds, peakBytes, detail });
  if (killedFor === 'hang') return result('hang', `killed after ${limits.seconds} s\n${tail}`);
  if (killedFor === 'memory' || peakBytes > limits.memoryBytes) return result('memory', `peak RSS of the process tree ${Math.round(peakBytes / 1024 / 1024)} MB\n${tail}`);
  if ((code !== 0 && code !== 2) || stackTrace.test(stderr) || /internal error/.test(stderr)) return result('internal error', `exit ${code}\n${tail}`);
  if (left.length > 0) return result('left running', `${left.length} processes outlived the CLI (pids ${left.join(', ')})`);
  if (strays.length > 0) return result('stray write', strays.slice(0, 20).join('\n'));
  return result('clear', tail);
}

// Runs a seeded fuzzing campaign: each kind's cases in a child process (worker.ts) with a time
// limit per case and a ceiling on the process's peak memory; every failing input is kept in a
// folder of its own with the command that runs it again. A few refused inputs of the kinds the
// CLI reads are then given to the real `loupe convert`, which must exit 2 without a stack trace.
import { fork, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loupe } from '../run-loupe.ts';
import { CLI_KINDS, type FuzzKindName } from './kind.ts';
import { writeRepro } from './repro.ts';
import type { WorkerOrder, WorkerReport } from './worker.ts';

export interface FuzzOptions {
  kinds: readonly FuzzKindName[];
  /** Cases in all, shared evenly among the kinds. */
  cases: number;
  seed: number;
  /** Run only this case number (of each kind given): how a failure is reproduced. */
  only?: number;
  caseLimitS: number;
  memoryLimitBytes: number;
  /** Where failing inputs are written, a folder per case. */
  failuresDir: string;
  /** Refused inputs per CLI kind also run through `loupe convert`. */
  cliChecks: number;
  log?: (line: string) => void;
}

export type Failure = { kind: FuzzKindName; n: number; why: 'internal error' | 'hang' | 'memory' | 'crash' | 'CLI'; detail: string; folder: string };

export interface FuzzSummary {
  cases: number;
  accepted: number;
  refused: number;
  internalErrors: number;
  hangs: number;
  overMemory: number;
  /** The highest peak RSS of any worker: no single case used more. */
  peakRssBytes: number;
  /** The same, kind by kind. */
  peakRssByKind: Partial<Record<FuzzKindName, number>>;
  cliChecked: number;
  failures: Failure[];
}

/** How long a kind may take to get ready (encode its clip, start its server) before it counts as hung. */
const SETUP_LIMIT_MS = 120_000;
const WORKER = new URL('./worker.ts', import.meta.url).pathname;

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const summary: FuzzSummary = { cases: 0, accepted: 0, refused: 0, internalErrors: 0, hangs: 0, overMemory: 0, peakRssBytes: 0, peakRssByKind: {}, cliChecked: 0, failures: [] };
  const log = options.log ?? (() => {});
  for (const [i, kind] of options.kinds.entries()) {
    const share = Math.floor(options.cases / options.kinds.length) + (i < options.cases % options.kinds.length ? 1 : 0);
    const numbers = options.only !== undefined ? [options.only] : Array.from({ length: share }, (_, n) => n);
    if (numbers.length === 0) continue;
    const started = performance.now();
    const refusedInputs = await runKind(kind, numbers, options, summary);
    log(`${kind}: ${numbers.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${mb(summary.peakRssByKind[kind] ?? 0)}`);
    for (const input of refusedInputs) await checkCli(kind, input, options, summary);
    await Promise.all(refusedInputs.map((input) => rm(input.dir, { recursive: true, force: true })));
  }
  return summary;
}

interface KeptInput {
  n: number;
  dir: string;
  path: string;
}

/** Runs the cases, restarting the worker after a hang or a crash; returns a few refused inputs for the CLI. */
async function runKind(kind: FuzzKindName, numbers: number[], options: FuzzOptions, summary: FuzzSummary): Promise<KeptInput[]> {
  const scratch = await mkdtemp(join(tmpdir(), `loupe-fuzz-${kind}-`));
  const kept: KeptInput[] = [];
  let remaining = numbers;
  try {
    while (remaining.length > 0) {
      const done = await runWorker(kind, remaining, scratch, options, summary, kept);
      remaining = remaining.slice(done);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return kept;
}

/** Runs cases in one worker until they end or one fails it; resolves with how many cases were dealt with. */
function runWorker(kind: FuzzKindName, cases: number[], scratch: string, options: FuzzOptions, summary: FuzzSummary, kept: KeptInput[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker: ChildProcess = fork(WORKER, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    worker.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
    let handled = 0;
    let current: { n: number; name: string; how: string } | undefined;
    let timer = setTimeout(() => fail('hang', `not ready in ${SETUP_LIMIT_MS / 1000} s`), SETUP_LIMIT_MS);
    let overReported = false;
    let queue = Promise.resolve();
    const later = (work: () => Promise<void>) => void (queue = queue.then(work).catch(reject));

    function fail(why: Failure['why'], detail: string) {
      clearTimeout(timer);
      worker.removeAllListeners('exit');
      worker.removeAllListeners('message');
      worker.kill('SIGKILL');
      if (!current) return reject(new Error(`the ${kind} fuzz worker failed before its first case (${why}): ${detail}\n${stderr}`));
      const { n, name, how } = current;
      summary.cases++;
      if (why === 'hang') summary.hangs++;
      else summary.internalErrors++;
      later(async () => {
        await keepFailure(kind, n, join(scratch, `${n}.${name}`), name, why, `${how}\n\n${detail}`, options, summary);
        resolve(handled + 1);
      });
    }

    worker.on('message', (report: WorkerReport) => {
      if (report.type === 'ready') return clearTimeout(timer);
      if (report.type === 'started') {
        current = report;
        timer = setTimeout(() => fail('hang', `no answer in ${options.caseLimitS} s`), options.caseLimitS * 1000);
        return;
      }
      clearTimeout(timer);
      const { n, name, how } = current!;
      const input = join(scratch, `${n}.${name}`);
      current = undefined;
      handled++;
      summary.cases++;
      summary.peakRssBytes = Math.max(summary.peakRssBytes, report.peakRssBytes);
      summary.peakRssByKind[kind] = Math.max(summary.peakRssByKind[kind] ?? 0, report.peakRssBytes);
      // The peak only grows: the case that first takes it over the limit is the one kept.
      const overMemory = report.peakRssBytes > options.memoryLimitBytes && !overReported;
      overReported ||= overMemory;
      if (report.outcome === 'accepted') summary.accepted++;
      if (report.outcome === 'refused') summary.refused++;
      if (report.outcome === 'internal') summary.internalErrors++;
      if (overMemory) summary.overMemory++;
      later(async () => {
        if (report.outcome === 'internal') await keepFailure(kind, n, input, name, 'internal error', `${how}\n\n${report.error}`, options, summary);
        if (overMemory) await keepFailure(kind, n, input, name, 'memory', `${how}\n\nthe fuzz worker's peak RSS reached ${mb(report.peakRssBytes)} with this case`, options, summary);
        if (report.outcome === 'refused' && CLI_KINDS.has(kind) && kept.length < options.cliChecks) {
          const dir = await mkdtemp(join(tmpdir(), 'loupe-fuzz-cli-'));
          await copyFile(input, join(dir, name));
          kept.push({ n, dir, path: join(dir, name) });
        }
        await rm(input, { force: true });
      });
    });
    worker.on('exit', (code, signal) => {
      if (current) return fail('crash', `the worker died (${signal ?? `exit ${code}`}) running this case\n${stderr}`);
      clearTimeout(timer);
      later(async () => (handled === cases.length ? resolve(handled) : reject(new Error(`the ${kind} fuzz worker stopped after ${handled} cases (${signal ?? `exit ${code}`})\n${stderr}`))));
    });
    worker.send({ kind, seed: options.seed, cases, scratch } satisfies WorkerOrder);
  });
}

const reproCommand = (kind: FuzzKindName, n: number, o: FuzzOptions) =>
  `npm run fuzz -- --kind ${kind} --seed ${o.seed} --case ${n} --case-limit ${o.caseLimitS} --memory-limit ${Math.round(o.memoryLimitBytes / 1024 / 1024)}`;

async function keepFailure(kind: FuzzKindName, n: number, input: string, name: string, why: Failure['why'], detail: string, options: FuzzOptions, summary: FuzzSummary): Promise<void> {
  const folder = join(options.failuresDir, `${kind}-${options.seed}-${n}`);
  await writeRepro(folder, {
    title: `${kind} case ${n} of seed ${options.seed}: ${why}`,
    command: reproCommand(kind, n, options),
    cli: CLI_KINDS.has(kind) ? `node bin/loupe.js convert "$(dirname "$0")/${name}" --out "$(mktemp -d)"` : undefined,
    input: { path: input, name },
    detail,
  });
  summary.failures.push({ kind, n, why, detail: detail.split('\n').slice(0, 4).join('\n'), folder });
}

async function checkCli(kind: FuzzKindName, input: KeptInput, options: FuzzOptions, summary: FuzzSummary): Promise<void> {
  const out = join(input.dir, 'out');
  const run = await loupe('convert', input.path, '--out', out);
  summary.cliChecked++;
  if (run.code === 2 && !/\n\s+at /.test(run.stderr)) return;
  summary.internalErrors++;
  const detail = `refused in-process, but \`loupe convert\` exited ${run.code}:\n${run.stderr.slice(-2000)}`;
  await keepFailure(kind, input.n, input.path, input.path.split('/').pop()!, 'CLI', detail, options, summary);
}

export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

export function formatSummary(s: FuzzSummary): string {
  return [
    `cases ${s.cases}: accepted ${s.accepted}, refused ${s.refused}, internal errors ${s.internalErrors}, hangs ${s.hangs}, over the memory limit ${s.overMemory}`,
    `peak RSS of a fuzz worker: ${mb(s.peakRssBytes)}; refused inputs also run through \`loupe convert\`: ${s.cliChecked}`,
    ...s.failures.map((f) => `FAILED ${f.kind} case ${f.n} (${f.why}): ${f.folder}\n  ${f.detail.replaceAll('\n', '\n  ')}`),
  ].join('\n');
}

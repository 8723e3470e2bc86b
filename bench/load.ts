// `npm run bench:load [-- --jobs N]`: N conversions (default 20) of examples/landing.png posted at
// once to a real `loupe serve` on loopback, as N drops in the app. Prints what each got (a job, or
// a refusal with its status and code), how they ended, the slowest and median answers of the API
// (`history`, as the app's list asks it) while they ran, and the peak memory (RSS) of the
// server's process tree, its browsers included. A measurement, not a test.
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { JobEvent } from '../engine/api/contract.ts';
import { treeRssBytes } from '../testing/processes.ts';
import { ServeClient, spawnServe } from '../testing/service/serve-process.ts';
import { median, percentile } from './stats.ts';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '20' } } });
const jobs = Number(values.jobs);
if (!Number.isSafeInteger(jobs) || jobs < 1) throw new Error(`--jobs takes a whole number of conversions, not ${values.jobs}`);
const SAMPLE_MS = 250;

const treeRssMb = (root: number) => treeRssBytes(root) / 1024 / 1024;

const dir = await mkdtemp(join(tmpdir(), 'loupe-load-'));
const app = join(dir, 'app');
await mkdir(app);
await writeFile(join(app, 'index.html'), '<!doctype html><title>Loupe</title>');
const serve = await spawnServe({ app, data: join(dir, 'data'), exports: join(dir, 'exports') });
try {
  const client = await ServeClient.open(serve.address);
  const data = (await readFile(new URL('../examples/landing.png', import.meta.url))).toString('base64');

  const ended = new Map<string, JobEvent['type']>();
  let accepted: number | undefined;
  const allEnded = await client.event((e) => {
    if (e.type === 'done' || e.type === 'failed') ended.set(e.jobId, e.type);
    return accepted !== undefined && ended.size >= accepted;
  });

  let peakRss = treeRssMb(serve.child.pid!);
  const apiMs: number[] = [];
  let running = true;
  const sampling = (async () => {
    while (running) {
      const started = performance.now();
      await client.call('history');
      apiMs.push(performance.now() - started);
      peakRss = Math.max(peakRss, treeRssMb(serve.child.pid!));
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();

  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: jobs }, () =>
      client.call<{ jobId: string }>('convert', { name: 'landing.png', data, stack: 'html-css' }).then(
        ({ jobId }) => ({ jobId }),
        (error: Error) => ({ refused: /^convert: (\d+) \{"code":"(\w+)"/.exec(error.message)?.slice(1).join(' ') ?? error.message }),
      ),
    ),
  );
  const jobIds = answers.flatMap((a) => ('jobId' in a ? [a.jobId] : []));
  accepted = jobIds.length;
  const refusals = new Map<string, number>();
  for (const a of answers) if ('refused' in a) refusals.set(a.refused, (refusals.get(a.refused) ?? 0) + 1);
  // Ends that came before the last answer were counted; the stream resolves on the next end, so
  // when every job had ended already there is nothing left to wait for.
  if (ended.size < accepted) await allEnded();
  const wallS = (performance.now() - started) / 1000;
  running = false;
  await sampling;

  console.log(
    JSON.stringify(
      {
        posted: jobs,
        accepted,
        refused: Object.fromEntries(refusals),
        done: [...ended.values()].filter((t) => t === 'done').length,
        failed: [...ended.values()].filter((t) => t === 'failed').length,
        wallS: Math.round(wallS),
        apiAnswers: apiMs.length,
        apiWorstMs: Math.round(Math.max(...apiMs)),
        apiMedianMs: Math.round(median(apiMs)),
        apiP95Ms: Math.round(percentile(apiMs, 95)),
        peakTreeRssMb: Math.round(peakRss),
      },
      null,
      2,
    ),
  );
} finally {
  const exited = once(serve.child, 'exit');
  serve.child.kill('SIGINT');
  await exited;
  await rm(dir, { recursive: true, force: true });
}

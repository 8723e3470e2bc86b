// One kind's cases, run one after another in this child process so the runner can time each
// case, kill a hung one, and read this process's peak memory. Each case's input is written to
// disk first: whatever becomes of this process, the runner finds what it was running.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FuzzKindName, FuzzTarget } from './kind.ts';
import { startApi } from './kinds/api.ts';
import { startBridge } from './kinds/bridge.ts';
import { startFigma } from './kinds/figma.ts';
import { startImages } from './kinds/images.ts';
import { startVideo } from './kinds/video.ts';

const START: Record<FuzzKindName, () => Promise<FuzzTarget>> = { images: startImages, figma: startFigma, video: startVideo, api: startApi, bridge: startBridge };

export interface WorkerOrder {
  kind: FuzzKindName;
  seed: number;
  cases: number[];
  /** Where each case's input is written before it runs. */
  scratch: string;
}

export type WorkerReport =
  | { type: 'ready' }
  | { type: 'started'; n: number; name: string; how: string }
  | { type: 'ended'; n: number; outcome: 'accepted' | 'refused' | 'internal'; error?: string; peakRssBytes: number };

const send = (report: WorkerReport) => new Promise<void>((resolve) => process.send!(report, () => resolve()));

// A runner stopped (Ctrl-C, killed) leaves no worker running cases for nobody.
process.once('disconnect', () => process.exit(1));

process.once('message', async (order: WorkerOrder) => {
  const target = await START[order.kind]();
  await send({ type: 'ready' });
  for (const n of order.cases) {
    const input = target.make(order.seed, n);
    const path = join(order.scratch, `${n}.${input.name}`);
    await writeFile(path, input.bytes);
    await send({ type: 'started', n, name: input.name, how: input.how });
    let outcome: 'accepted' | 'refused' | 'internal';
    let error: string | undefined;
    try {
      outcome = await target.run(path);
    } catch (e) {
      outcome = 'internal';
      error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
    // maxRSS is this process's peak so far (KiB): no case ran above it.
    await send({ type: 'ended', n, outcome, error, peakRssBytes: process.resourceUsage().maxRSS * 1024 });
  }
  await target.close();
  process.exit(0);
});

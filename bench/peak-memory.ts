// `npm run bench:peak-memory -- <loupe arguments…>`: runs one `loupe` command (a conversion
// near the limits, say) and prints its exit code, wall-clock seconds and the peak RSS of its
// whole process tree (Node, its worker threads, Chromium, ffmpeg), sampled every 100 ms, as
// summed RSS and, on Linux, summed PSS (pages shared between the processes, such as Chromium's
// binary, counted once: what the tree takes from the machine). `/usr/bin/time -f %M` sees only
// the largest single process. A measurement, not a test.
import { spawn } from 'node:child_process';
import { watchTreeMemory } from '../testing/processes.ts';

const args = process.argv.slice(2);
if (args.length === 0) throw new Error('give the loupe command to measure, e.g. convert design.png --out out');
const started = performance.now();
const child = spawn(process.execPath, [new URL('../bin/loupe.js', import.meta.url).pathname, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
const memory = watchTreeMemory(child.pid!, 100);
const code = await new Promise<number | null>((done) => child.on('close', done));
const peak = memory.stop();
const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MiB`;
console.log(`exit ${code}, ${((performance.now() - started) / 1000).toFixed(1)} s, peak of the process tree: RSS summed ${mib(peak.rss)}${peak.pss ? `, PSS summed ${mib(peak.pss)}` : ''}`);

import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { runD2CBench, type PageResult } from '../bench/d2c.ts';
import type { CliContext } from './main.ts';
import { parsePositiveInt, parseStack } from './options.ts';

export function registerBench(program: Command, context: CliContext): void {
  const bench = program.command('bench').description('benchmarks that print figures');
  bench
    .command('d2c')
    .description('Design2Code: render each reference page at 1280 px, convert the PNG, score against the page')
    .requiredOption('--pages <dir>', 'folder of reference .html pages')
    .option('--limit <n>', 'only the first n pages', parsePositiveInt)
    .option('--stack <stack>', 'html-css | html-tailwind | react-tailwind', parseStack, 'html-css')
    .option('--json <file>', 'write the summary and per-page results here')
    .option('--cache <dir>', 'where reference renders are cached', '.loupe-cache/d2c')
    .action(async (opts: { pages: string; limit?: number; stack: ReturnType<typeof parseStack>; json?: string; cache: string }) => {
      process.stdout.write(row(['page', 'block', 'text', 'position', 'color', 'ssim', 'img', 'abs', 'ms']) + '\n');
      const { summary, results } = await runD2CBench({
        pagesDir: opts.pages,
        limit: opts.limit,
        stack: opts.stack,
        pool: context.pool(),
        cacheDir: opts.cache,
        signal: context.signal,
        onPage: (r) => process.stdout.write(pageRow(r) + '\n'),
      });
      process.stdout.write(JSON.stringify(summary) + '\n');
      if (opts.json) await writeFile(opts.json, JSON.stringify({ summary, results }, null, 2) + '\n');
    });
}

function pageRow(r: PageResult): string {
  if (!r.ok) return row([r.page, `FAILED: ${r.error}`]);
  const m = r.metrics!;
  const c = r.checks!;
  return row([r.page, ...[m.block, m.text, m.position, m.color, m.ssim, c.largestImageShare, c.absoluteShare].map((x) => x.toFixed(3)), String(r.convertMs)]);
}

const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(9))).join(' ');

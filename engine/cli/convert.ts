import type { Command } from 'commander';
import { failedCodeChecks } from '../compare/index.ts';
import { convertFile } from '../pipeline/convert-file.ts';
import type { CliContext } from './main.ts';
import { parseStack } from './options.ts';
import { progressBar } from './progress-bar.ts';

export function registerConvert(program: Command, context: CliContext): void {
  program
    .command('convert')
    .description('convert a design image (PNG, JPEG, WebP) into code, render it and score it')
    .argument('<design>', 'the design image')
    .requiredOption('--out <dir>', 'folder for the code, preview.html, render.png, diff.png and scores.json')
    .option('--stack <stack>', 'html-css | html-tailwind | react-tailwind', parseStack, 'html-css')
    .option('--json', 'print one JSON object with the files, scores and timings on stdout')
    .action(async (design: string, opts: { out: string; stack: ReturnType<typeof parseStack>; json?: boolean }) => {
      const bar = progressBar('converting');
      try {
        const result = await convertFile(design, opts.out, { stack: opts.stack, pool: context.pool(), signal: context.signal, onProgress: bar.listener });
        bar.stop();
        if (opts.json) {
          process.stdout.write(JSON.stringify(result) + '\n');
        } else {
          const s = result.scores;
          const c = result.checks;
          const failed = failedCodeChecks(c);
          process.stdout.write(
            `Wrote ${result.files.length} files to ${result.outDir} (entry: ${result.entry}) in ${(result.timings.total / 1000).toFixed(1)} s\n` +
              `block ${f(s.block)}  text ${f(s.text)}  position ${f(s.position)}  color ${f(s.color)}  ssim ${f(s.ssim)}\n` +
              `largest picture ${pct(c.largestImageShare)} of the page, ${pct(c.absoluteShare)} of elements absolute` +
              (failed.length ? ` (over the limits: ${failed.join('; ')})\n` : '\n'),
          );
        }
      } finally {
        bar.stop();
      }
    });
}

const f = (n: number) => n.toFixed(3);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

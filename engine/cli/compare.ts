import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkOutputFile } from '../pipeline/output-folder.ts';
import type { CliContext } from './main.ts';

export function registerCompare(program: Command, _context: CliContext): void {
  program
    .command('compare')
    .description('compare two images: SSIM, share of differing pixels, and a diff heat map')
    .argument('<reference>', 'the design (PNG, JPEG, WebP)')
    .argument('<candidate>', 'the render to score against it')
    .option('--diff <png>', 'write the heat map here')
    .option('--json', 'print the scores as JSON')
    .action(async (reference: string, candidate: string, opts: { diff?: string; json?: boolean }) => {
      if (opts.diff) await checkOutputFile(opts.diff, '--diff');
      const [{ comparePixels }, { encodePng, readDesignImage }] = await Promise.all([import('../compare/index.ts'), import('../ingest/image.ts')]);
      // Both go through ingest, so a bad file gets the same clear error as in convert.
      const [a, b] = await Promise.all([readDesignImage(reference), readDesignImage(candidate)]);
      const result = await comparePixels(await encodePng(a), await encodePng(b));
      if (opts.diff) await writeFile(opts.diff, result.heatmap);
      const scores = { ssim: result.ssim, mismatch: result.mismatchRatio, width: result.width, height: result.height };
      process.stdout.write(
        opts.json ? JSON.stringify(scores) + '\n' : `ssim ${scores.ssim.toFixed(4)}  mismatch ${(scores.mismatch * 100).toFixed(2)}%  (${scores.width}×${scores.height})\n`,
      );
    });
}

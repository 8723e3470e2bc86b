import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkOutputFile } from '../pipeline/output-folder.ts';
import type { CliContext } from './main.ts';
import { parsePositiveInt } from './options.ts';

export function registerRender(program: Command, context: CliContext): void {
  program
    .command('render')
    .description('render a code file (.html, or a React .tsx/.jsx component) to a full-page PNG, offline')
    .argument('<code-file>', 'the file to render')
    .requiredOption('--width <px>', 'viewport width', parsePositiveInt)
    .option('--height <px>', 'initial viewport height (the page still renders full length)', parsePositiveInt, 800)
    .requiredOption('--out <png>', 'where to write the PNG')
    .action(async (file: string, opts: { width: number; height: number; out: string }) => {
      await checkOutputFile(opts.out, '--out');
      const { previewFromFile } = await import('../codegen/index.ts');
      const html = await previewFromFile(file);
      const shot = await (await context.pool()).screenshot(html, { width: opts.width, height: opts.height }, { signal: context.signal });
      await writeFile(opts.out, shot.png);
      process.stdout.write(`Wrote ${opts.out} (${shot.width}×${shot.height})\n`);
    });
}

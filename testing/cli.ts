// `loupe models create-test`: random model packages, tiny ones for tests and a 1–2 GB one for
// `loupe bench engine`. A development command of a source checkout (bin/loupe.js adds it).
import type { QuantChoice } from '../engine/moe/convert-checkpoint.ts';
import type { RegisterCommands } from '../engine/cli/main.ts';
import { reportWritten } from '../engine/cli/models.ts';
import { QUANTS, parseChoice as choice, parsePositiveInt } from '../engine/cli/options.ts';
import { progressBar } from '../engine/cli/progress-bar.ts';
import type { TestModelSize } from './moe/test-models.ts';

export const registerCommands: RegisterCommands = (program, context) => {
  const models = program.commands.find((c) => c.name() === 'models');
  if (!models) throw new Error('the CLI has no models command to add create-test to');
  models
    .command('create-test')
    .description('write a random test model package: tiny (for tests, a few MB) or bench (Kimi-VL-A3B widths, fewer layers: 2.6 GB int4, for loupe bench engine)')
    .argument('<dir>', 'the package folder to write')
    .option('--size <size>', 'tiny | bench', choice(['tiny', 'bench'] as const), 'tiny')
    .option('--quant <q>', 'tiny only: int4 | int8 | none', choice(QUANTS), 'int4')
    .option('--seed <n>', 'random seed', parsePositiveInt, 1)
    .option('--force', 'replace a package already in <dir>')
    .action(async (dir: string, opts: { size: TestModelSize; quant: QuantChoice; seed: number; force?: boolean }) => {
      const { createTestModel } = await import('./moe/test-models.ts');
      const bar = progressBar('writing');
      const t0 = performance.now();
      try {
        const written = await createTestModel(dir, { size: opts.size, quant: opts.quant, seed: opts.seed, overwrite: opts.force, signal: context.signal, onProgress: (p) => bar.fraction(p.fraction) });
        bar.stop();
        reportWritten(written, performance.now() - t0);
      } finally {
        bar.stop();
      }
    });
};

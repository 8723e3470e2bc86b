// `loupe models …`: model packages for the local engine: conversion of Hugging Face checkpoints
// (Kimi-VL / DeepSeek-V3 layout) with int4/int8 quantisation. A source checkout adds
// `models create-test` (testing/cli.ts).
import type { Command } from 'commander';
import { testPackageNotice } from '../api/contract.ts';
import type { QuantChoice } from '../moe/convert-checkpoint.ts';
import type { WrittenPackage } from '../moe/package.ts';
import type { CliContext } from './main.ts';
import { registerInspect } from './models-inspect.ts';
import { registerPlan } from './models-plan.ts';
import { QUANTS, parseChoice as choice, parsePositiveInt } from './options.ts';
import { progressBar } from './progress-bar.ts';

export function reportWritten(written: WrittenPackage, ms: number): void {
  process.stdout.write(`Wrote ${written.dir}: ${(written.bytes / 1e9).toFixed(2)} GB in ${(ms / 1000).toFixed(1)} s\n`);
}

/**
 * A line on stderr when the model package a command is given is a test package, whose random
 * weights will not write code. A folder that is no package is refused here, as the engine would.
 */
export async function sayIfTestPackage(dir: string): Promise<void> {
  const { openPackage } = await import('../moe/package.ts');
  const pkg = openPackage(dir);
  const { testPackage } = pkg;
  pkg.close();
  if (testPackage) process.stderr.write(`${testPackageNotice(dir)}\n`);
}

export function registerModels(program: Command, context: CliContext): void {
  const models = program.command('models').description('model packages for the local engine');
  models
    .command('convert')
    .description('convert a Hugging Face checkpoint (Kimi-VL, Kimi K2 or DeepSeek-V3 layout: config.json, *.safetensors, tiktoken.model) into a model package')
    .argument('<hf-dir>', 'the checkpoint folder')
    .argument('<out-dir>', 'the package folder to write')
    .option('--quant <q>', 'int4 | int8 | none', choice(QUANTS), 'int4')
    .option('--block-size <n>', "values per quantisation block, a power of two ≥ 16 (default 32; an int4 release's own group size)", parsePositiveInt)
    .option('--force', 'replace a package already in <out-dir>')
    .action(async (hfDir: string, outDir: string, opts: { quant: QuantChoice; blockSize?: number; force?: boolean }) => {
      const { convertCheckpoint } = await import('../moe/convert-checkpoint.ts');
      const bar = progressBar('converting');
      const t0 = performance.now();
      try {
        // Resuming: a conversion killed or cancelled part-way goes on from its last finished layer file.
        const written = await convertCheckpoint(hfDir, outDir, { quant: opts.quant, blockSize: opts.blockSize, overwrite: opts.force, resume: true, signal: context.signal, onProgress: (p) => bar.fraction(p.fraction) });
        bar.stop();
        reportWritten(written, performance.now() - t0);
        for (const note of written.notes) process.stdout.write(`Note: ${note}\n`);
      } finally {
        bar.stop();
      }
    });
  models
    .command('verify')
    .description("check every weights file of a model package against its manifest's sha256s (a package copied or installed from elsewhere); on success, reads skip hashing until a file changes")
    .argument('<dir>', 'the package folder')
    .action(async (dir: string) => {
      const { verifyPackage } = await import('../moe/package.ts');
      const bar = progressBar('verifying');
      try {
        const { tensors, bytes } = await verifyPackage(dir, { signal: context.signal, onProgress: bar.fraction });
        bar.stop();
        process.stdout.write(`${dir}: ${tensors} tensors, ${(bytes / 1e9).toFixed(2)} GB, every checksum as recorded.\n`);
      } finally {
        bar.stop();
      }
    });
  registerInspect(models);
  registerPlan(models);
}

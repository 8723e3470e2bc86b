// `npm run fuzz -- --cases N [--seed S] [--kind K] [--case n]`: a seeded fuzzing campaign over
// Loupe's inputs; prints a summary and exits 1 when any case failed (see run.ts).
import { Command, InvalidArgumentError } from 'commander';
import { parseChoice, parsePositiveInt } from '../../engine/cli/options.ts';
import { FUZZ_KINDS, type FuzzKindName } from './kind.ts';
import { formatSummary, runFuzz } from './run.ts';

/** Case numbers and counts start at 0. */
function parseWholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number (0 or more).');
  return n;
}

const program = new Command('fuzz')
  .description("fuzz Loupe's inputs: damaged images, Figma JSON, videos, API bodies and Figma bridge payloads")
  .option('--cases <n>', 'cases in all, shared among the kinds', parsePositiveInt, 500)
  .option('--seed <n>', 'the run\'s seed: the same seed makes the same cases', parsePositiveInt, Date.now() % 1_000_000)
  .option('--kind <kind>', `one kind only: ${FUZZ_KINDS.join(' | ')}`, parseChoice(FUZZ_KINDS))
  .option('--case <n>', 'run only case n (of each kind given): how a failure is reproduced', parseWholeNumber)
  .option('--case-limit <s>', 'seconds a case may run before it counts as a hang', parsePositiveInt, 30)
  .option('--memory-limit <mb>', 'MB of peak RSS a fuzz worker may reach', parsePositiveInt, 2048)
  .option('--cli-checks <n>', 'refused inputs per file kind also run through `loupe convert`', parseWholeNumber, 2)
  .option('--failures <dir>', 'where failing inputs are written', '.loupe-cache/fuzz-failures')
  .parse();

const opts = program.opts<{ cases: number; seed: number; kind?: FuzzKindName; case?: number; caseLimit: number; memoryLimit: number; cliChecks: number; failures: string }>();
console.log(`fuzz seed ${opts.seed}`);
const summary = await runFuzz({
  kinds: opts.kind ? [opts.kind] : FUZZ_KINDS,
  cases: opts.cases,
  seed: opts.seed,
  only: opts.case,
  caseLimitS: opts.caseLimit,
  memoryLimitBytes: opts.memoryLimit * 1024 * 1024,
  failuresDir: opts.failures,
  cliChecks: opts.cliChecks,
  log: (line) => console.log(line),
});
console.log(formatSummary(summary));
process.exitCode = summary.failures.length > 0 ? 1 : 0;

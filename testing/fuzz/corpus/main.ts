// `npm run corpus -- [--category C]… [--case C/name]… [--every k] [--limit s]`: the hostile-CLI
// corpus of issue 18, regenerated from the repository's data and run through the real
// `loupe`, one case at a time. Prints a line per case and the summary table; each failing case
// is written to --failures with the command that runs it again; exits 1 when any failed.
import { Command } from 'commander';
import { parseChoice, parsePositiveInt } from '../../../engine/cli/options.ts';
import { CATEGORIES, CATEGORY_TITLES, type Category } from './case.ts';
import { caseId, corpus, formatTable, runCorpus } from './corpus.ts';

const collect = <T>(parse: (v: string) => T) => (value: string, previous: T[] = []) => [...previous, parse(value)];

const program = new Command('corpus')
  .description('run the hostile-CLI corpus: malformed images, videos, Figma JSON, Figma flags and --out targets through `loupe`')
  .option('--category <name>', `only these categories (repeatable): ${CATEGORIES.join(' | ')}`, collect(parseChoice(CATEGORIES)))
  .option('--case <category/name>', 'only this case (repeatable): how a failure is run again', collect(String))
  .option('--every <k>', 'run one case in k of each category (the first, the k+1th, …): a shorter run', parsePositiveInt, 1)
  .option('--limit <s>', 'seconds a case may run before it is killed as a hang', parsePositiveInt, 150)
  .option('--memory-limit <mb>', 'MB of peak RSS of the process tree past which a case is a memory blow-up', parsePositiveInt, 2048)
  .option('--failures <dir>', 'where failing cases are written', '.loupe-cache/corpus-failures')
  .option('--list', 'list the cases and exit')
  .parse();

const opts = program.opts<{ category?: Category[]; case?: string[]; every: number; limit: number; memoryLimit: number; failures: string; list?: boolean }>();
const all = corpus();
const unknown = (opts.case ?? []).filter((id) => !all.some((c) => caseId(c) === id));
if (unknown.length > 0) program.error(`no such case: ${unknown.join(', ')} (--list lists them)`);
const cases = all.filter((c) => (opts.case ? opts.case.includes(caseId(c)) : !opts.category || opts.category.includes(c.category))).filter((c, _, chosen) => chosen.filter((o) => o.category === c.category).indexOf(c) % opts.every === 0);
if (opts.list) {
  for (const c of cases) console.log(caseId(c));
  process.exit(0);
}
console.log(`${cases.length} cases (${CATEGORIES.map((k) => `${k} ${cases.filter((c) => c.category === k).length}`).join(', ')}), ${opts.limit} s each at most`);
const started = performance.now();
const outcomes = await runCorpus({ cases, seconds: opts.limit, memoryBytes: opts.memoryLimit * 1024 * 1024, killBytes: Math.max(6 * 1024 ** 3, opts.memoryLimit * 2 * 1024 * 1024), failuresDir: opts.failures, log: (line) => console.log(line) });
console.log(`\n${formatTable(outcomes, CATEGORY_TITLES)}\n\n${((performance.now() - started) / 60_000).toFixed(1)} minutes`);
const failed = outcomes.filter((o) => o.verdict !== 'clear');
for (const o of failed) console.log(`FAILED ${o.id} (${o.verdict}): npm run corpus -- --case ${o.id}\n  ${o.detail.split('\n').slice(0, 6).join('\n  ')}`);
if (failed.length > 0) console.log(`failing cases written to ${opts.failures}`);
process.exitCode = failed.length > 0 ? 1 : 0;

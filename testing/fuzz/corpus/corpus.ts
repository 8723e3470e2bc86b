// The hostile-CLI corpus of issue 18: every case by category, and a run of some or all of them
// through the real `loupe`, one at a time, each in a folder of its own that is removed after.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRepro } from '../repro.ts';
import { CATEGORIES, writableFolder, type Category, type CorpusCase } from './case.ts';
import { figmaCases } from './figma.ts';
import { flagCases } from './flags.ts';
import { imageCases } from './images.ts';
import { outCases } from './out-targets.ts';
import { runCase, walk, type CaseRun, type RunLimits, type Verdict } from './run-case.ts';
import { videoCases } from './videos.ts';

export const corpus = (): CorpusCase[] => [...imageCases(), ...videoCases(), ...figmaCases(), ...flagCases(), ...outCases()];

export const caseId = (c: CorpusCase) => `${c.category}/${c.name}`;

export interface CorpusOptions extends RunLimits {
  cases: readonly CorpusCase[];
  /** Where failing cases are written, a folder each. */
  failuresDir: string;
  log?: (line: string) => void;
}

export interface CaseOutcome extends CaseRun {
  id: string;
  category: Category;
}

export async function runCorpus(options: CorpusOptions): Promise<CaseOutcome[]> {
  const root = await mkdtemp(join(tmpdir(), 'loupe-corpus-'));
  const sandbox = { home: join(root, 'home'), tmp: join(root, 'tmp'), cwd: join(root, 'cwd') };
  await Promise.all(Object.values(sandbox).map((dir) => mkdir(dir)));
  const outcomes: CaseOutcome[] = [];
  try {
    for (const [i, c] of options.cases.entries()) {
      const dir = join(root, 'cases', `${i}`);
      await mkdir(dir, { recursive: true });
      const args = await c.prepare({ dir, out: join(root, 'out', `${i}`) });
      const run = await runCase(args, dir, sandbox, options);
      const outcome = { id: caseId(c), category: c.category, ...run };
      outcomes.push(outcome);
      options.log?.(`${String(i + 1).padStart(3)}/${options.cases.length} ${outcome.id}: ${run.verdict}, exit ${run.code}, ${run.seconds.toFixed(1)} s, ${mb(run.peakBytes)}`);
      if (run.verdict !== 'clear') await keep(outcome, args, options.failuresDir);
      // Read-only folders a case made would stop its removal.
      await unlockTree(dir);
      await rm(dir, { recursive: true, force: true });
      await rm(join(root, 'out', `${i}`), { recursive: true, force: true });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return outcomes;
}

async function unlockTree(dir: string): Promise<void> {
  for (const { path, stats } of await walk(dir)) if (stats.isDirectory()) await writableFolder(path);
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

function keep(outcome: CaseOutcome, args: string[], failuresDir: string): Promise<void> {
  return writeRepro(join(failuresDir, outcome.id.replace('/', '-')), {
    title: `corpus case ${outcome.id}: ${outcome.verdict}`,
    command: `npm run corpus -- --case ${outcome.id}`,
    cli: `node bin/loupe.js ${args.map(quote).join(' ')}   (paths in a temporary folder the command above makes again)`,
    detail: `exit ${outcome.code} after ${outcome.seconds.toFixed(1)} s, peak RSS of the process tree ${mb(outcome.peakBytes)}\n\n${outcome.detail}`,
  });
}

export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`;

const COLUMNS: Array<[string, (v: Verdict) => boolean]> = [
  ['clear error (exit 2) or success', (v) => v === 'clear'],
  ['internal error (exit 1, a stack trace)', (v) => v === 'internal error'],
  ['hang (killed at the limit) or memory blow-up', (v) => v === 'hang' || v === 'memory'],
  ['wrote outside --out, or left processes running', (v) => v === 'stray write' || v === 'left running'],
];

/** The issue's table, as Markdown, with the slowest case and the highest peak of each category. */
export function formatTable(outcomes: readonly CaseOutcome[], titles: Record<Category, string>): string {
  const rows = CATEGORIES.map((category) => {
    const of = outcomes.filter((o) => o.category === category);
    if (of.length === 0) return undefined;
    const slowest = Math.max(...of.map((o) => o.seconds));
    const peak = Math.max(...of.map((o) => o.peakBytes));
    return `| ${titles[category]} | ${of.length} | ${COLUMNS.map(([, test]) => of.filter((o) => test(o.verdict)).length).join(' | ')} | ${slowest.toFixed(0)} s | ${mb(peak)} |`;
  });
  return [
    `| input kind | tried | ${COLUMNS.map(([title]) => title).join(' | ')} | slowest case | highest peak RSS (process tree) |`,
    `| --- | --- | ${COLUMNS.map(() => '---').join(' | ')} | --- | --- |`,
    ...rows.filter((r) => r !== undefined),
  ].join('\n');
}

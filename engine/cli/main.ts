// `loupe`: the command line. Each command lives in its own module; this file wires them,
// maps errors to exit codes and makes Ctrl-C cancel the running job. A command module registers
// its name, options and help at start-up and imports what does the work (pipelines, the render
// pool, the engine) only when its action runs: importing all of it at start-up took the process
// from about 100 MiB to 280 before any command ran (and 2 s longer), memory that `loupe engine
// run` and `loupe bench engine` carried beside the model's weights.
import { Command, CommanderError } from 'commander';
import type { RenderPool } from '../render/pool.ts';
import { EXIT, describeError, exitCodeFor } from './exit-codes.ts';
import { registerConvert } from './convert.ts';
import { registerFigma } from './figma.ts';
import { registerRender } from './render.ts';
import { registerCompare } from './compare.ts';
import { registerServe } from './serve.ts';
import { registerModels } from './models.ts';
import { registerEngine } from './engine.ts';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface CliContext {
  /** The render pool, made on first use (playwright-core is imported then) and closed when the command ends. */
  pool: () => Promise<RenderPool>;
  /**
   * Awaits `module`, the import of something that perceives (a conversion pipeline, the web
   * server, a page benchmark), and has perception's text reader closed when the command ends:
   * its worker threads would keep the process alive.
   */
  perceiving: <M>(module: Promise<M>) => Promise<M>;
  signal: AbortSignal;
}

/** Adds commands to the CLI. A source checkout adds its development commands this way (see bin/loupe.js). */
export type RegisterCommands = (program: Command, context: CliContext) => void;

export async function main(argv: string[], extraCommands: readonly RegisterCommands[] = []): Promise<number> {
  const abort = new AbortController();
  // Ctrl-C, or SIGTERM (how a service manager stops `loupe serve`), cancels the running work,
  // which then ends as usual, closing its browser; a second one ends the process at once (and
  // its browser with it, see launchBrowser).
  const onSignal = () => (abort.signal.aborted ? process.exit(EXIT.cancelled) : abort.abort());
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  let pool: Promise<RenderPool> | undefined;
  let closePerception: (() => Promise<void>) | undefined;
  const context: CliContext = {
    pool: () => (pool ??= import('../render/pool.ts').then(({ RenderPool }) => new RenderPool(2))),
    perceiving: async (module) => {
      const [loaded, perception] = await Promise.all([module, import('../perceive/index.ts')]);
      closePerception = perception.closePerception;
      return loaded;
    },
    signal: abort.signal,
  };

  const program = new Command('loupe')
    .description('Turn a design into frontend code, render it, and score it against the design.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();
  registerConvert(program, context);
  registerFigma(program, context);
  registerRender(program, context);
  registerCompare(program, context);
  registerServe(program, context);
  registerModels(program, context);
  registerEngine(program, context);
  for (const register of extraCommands) register(program, context);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.user;
    }
    process.stderr.write(describeError(error) + '\n');
    return exitCodeFor(error);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    await (await pool)?.close();
    await closePerception?.();
  }
}

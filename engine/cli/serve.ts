import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { LoupeError } from '../errors.ts';
import { startServer } from '../server/http.ts';
import type { CliContext } from './main.ts';
import { parsePositiveInt } from './options.ts';

export function registerServe(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('web mode: serve the app and the engine API on this machine (loopback only) until Ctrl-C')
    .option('--port <n>', 'port to listen on', parsePositiveInt, 4173)
    .option('--app <dir>', 'the built UI', 'renderer/dist')
    .action(async (opts: { port: number; app: string }) => {
      const appDir = resolve(opts.app);
      if (!existsSync(join(appDir, 'index.html'))) {
        throw new LoupeError('INPUT_NOT_FOUND', `The app is not built in ${opts.app}; run \`npm run build:renderer\` (or \`npm run web\`, which builds and serves).`);
      }
      const server = await startServer({ pool: context.pool(), appDir, port: opts.port });
      process.stdout.write(`Loupe is running at ${server.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((done) => context.signal.addEventListener('abort', () => done(), { once: true }));
      await server.close();
    });
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { LoupeError } from '../errors.ts';
import { startServer } from '../transport/http.ts';
import { defaultDataDir, historyFile } from '../service/user-data.ts';
import type { CliContext } from './main.ts';
import { parsePositiveInt } from './options.ts';

export function registerServe(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('web mode: serve the app and the engine API on this machine (loopback only) until Ctrl-C')
    .option('--port <n>', 'port to listen on', parsePositiveInt, 4173)
    .option('--app <dir>', 'the built UI', 'renderer/dist')
    .option('--data <dir>', 'where the history database lives (default: the user data folder, or LOUPE_DATA_DIR)')
    .action(async (opts: { port: number; app: string; data?: string }) => {
      const appDir = resolve(opts.app);
      if (!existsSync(join(appDir, 'index.html'))) {
        throw new LoupeError('INPUT_NOT_FOUND', `The app is not built in ${opts.app}; run \`npm run build:renderer\` (or \`npm run web\`, which builds and serves).`);
      }
      const historyPath = historyFile(opts.data ?? defaultDataDir());
      const server = await startServer({ pool: context.pool(), appDir, port: opts.port, historyPath });
      process.stdout.write(`Loupe is running at ${server.url} (Ctrl-C to stop); history in ${historyPath}\n`);
      process.stdout.write(
        server.figmaBridge
          ? `Figma plugin bridge at ${server.figmaBridge.url}: pair the plugin with the code in the app's Figma panel\n`
          : 'Figma plugin bridge not running (its port is taken, see the Figma panel): the plugin cannot send frames\n',
      );
      await new Promise<void>((done) => context.signal.addEventListener('abort', () => done(), { once: true }));
      await server.close();
    });
}

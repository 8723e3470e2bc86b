import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { LoupeError } from '../errors.ts';
import { DEFAULT_QUEUE } from '../transport/generation-queue.ts';
import type { GenerationRecord } from '../transport/openai-server.ts';
import { checkOutputFolder } from '../pipeline/output-folder.ts';
import { defaultDataDir, historyFile } from '../service/user-data.ts';
import type { CliContext } from './main.ts';
import { sayIfTestPackage } from './models.ts';
import { parsePositiveInt } from './options.ts';

const WEB_PORT = 4173;
/** The port `loupe serve --openai` listens on unless told: vLLM's and SGLang's default, so clients set up for those find it. */
const OPENAI_DEFAULT_PORT = 8000;
const EXPORTS_FOLDER = 'loupe-exports';

interface ServeFlags {
  port?: number;
  app: string;
  data?: string;
  exports?: string;
  openai?: boolean;
  model?: string;
  queue?: number;
}

export function registerServe(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('web mode: serve the app and the engine API on this machine (loopback only) until Ctrl-C; with --openai, the local model engine as an OpenAI-compatible API instead')
    .option('--port <n>', `port to listen on (default ${WEB_PORT}; ${OPENAI_DEFAULT_PORT} with --openai)`, parsePositiveInt)
    .option('--app <dir>', 'the built UI', 'renderer/dist')
    .option('--data <dir>', 'where the history database lives (default: the user data folder, or LOUPE_DATA_DIR)')
    .option('--exports <dir>', `exports go only into folders inside this one (default ${join('~', EXPORTS_FOLDER)})`)
    .option('--openai', 'serve the local model engine as an OpenAI-compatible API (/v1/models, /v1/chat/completions)')
    .option('--model <dir>', 'with --openai: the model package (loupe models convert)')
    .option('--queue <n>', `with --openai: requests that may wait while one generates; more get 429 (default ${DEFAULT_QUEUE})`, parsePositiveInt)
    .action(async (opts: ServeFlags, command: Command) => {
      if (opts.openai) {
        const webOnly = ['app', 'data', 'exports'].filter((name) => command.getOptionValueSource(name) === 'cli');
        if (webOnly.length) throw new LoupeError('INVALID_ARGUMENT', `${webOnly.map((n) => `--${n}`).join(' and ')} ${webOnly.length > 1 ? 'go' : 'goes'} with web mode (loupe serve without --openai).`);
        if (!opts.model) throw new LoupeError('INVALID_ARGUMENT', 'Name the model package: loupe serve --openai --model <dir>.');
        return serveOpenAi(opts.model, opts.port ?? OPENAI_DEFAULT_PORT, opts.queue ?? DEFAULT_QUEUE, context);
      }
      if (opts.model || opts.queue) throw new LoupeError('INVALID_ARGUMENT', '--model and --queue go with --openai (loupe serve --openai --model <dir>).');
      await serveWeb(opts, context);
    });
}

async function serveWeb(opts: ServeFlags, context: CliContext): Promise<void> {
  const appDir = resolve(opts.app);
  if (!existsSync(join(appDir, 'index.html'))) {
    throw new LoupeError('INPUT_NOT_FOUND', `The app is not built in ${opts.app}; run \`npm run build:renderer\` (or \`npm run web\`, which builds and serves).`);
  }
  const dataDir = opts.data ?? defaultDataDir();
  await checkOutputFolder(dataDir, opts.data ? '--data' : 'the data folder (LOUPE_DATA_DIR)');
  const historyPath = historyFile(dataDir);
  const exportsRoot = resolve(opts.exports ?? join(homedir(), EXPORTS_FOLDER));
  const { startServer } = await context.perceiving(import('../transport/http.ts'));
  const server = await startServer({ pool: await context.pool(), appDir, port: opts.port ?? WEB_PORT, historyPath, exportsRoot });
  process.stdout.write(`Loupe is running: open ${server.openUrl} (the key in it is this launch's; Ctrl-C to stop); history in ${historyPath}; exports into ${exportsRoot}\n`);
  process.stdout.write(
    server.figmaBridge
      ? `Figma plugin bridge at ${server.figmaBridge.url}: pair the plugin with the code in the app's Figma panel\n`
      : 'Figma plugin bridge not running (its port is taken, see the Figma panel): the plugin cannot send frames\n',
  );
  await stopped(context.signal);
  await server.close();
}

/** The model's id is its package folder's name: what the user typed, where a converted package's recorded source may be a temporary folder's. */
async function serveOpenAi(modelDir: string, port: number, queue: number, context: CliContext): Promise<void> {
  await sayIfTestPackage(modelDir);
  const [{ EngineClient }, { startOpenAiServer }] = await Promise.all([import('../moe/runtime/engine-client.ts'), import('../transport/openai-server.ts')]);
  const engine = await EngineClient.open(modelDir);
  try {
    const server = await startOpenAiServer({ engine, modelId: basename(resolve(modelDir)), port, queue, onGeneration: (r) => process.stdout.write(logLine(r)) });
    process.stdout.write(`OpenAI-compatible API at ${server.baseUrl} (Ctrl-C to stop); model "${server.modelId}", ${queue} request(s) may wait\n`);
    await stopped(context.signal);
    await server.close();
  } finally {
    await engine.close();
  }
}

function logLine(r: GenerationRecord): string {
  const time = `${(r.ms / 1000).toFixed(1)} s`;
  if ('failed' in r) return `${r.id}: failed after ${time}: ${r.failed}\n`;
  const outcome = r.stoppedBy === 'cancelled' ? 'cancelled, the client went away' : `stopped by ${r.stoppedBy}`;
  return `${r.id}: ${r.promptTokens} prompt + ${r.completionTokens} completion tokens in ${time}, ${outcome}\n`;
}

const stopped = (signal: AbortSignal) => new Promise<void>((done) => (signal.aborted ? done() : signal.addEventListener('abort', () => done(), { once: true })));

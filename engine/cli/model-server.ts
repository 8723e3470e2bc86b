// The flags that choose who writes a conversion's code: perception, the local model (a package
// folder) or an OpenAI-compatible server. A server's key comes from the environment only, so it
// never appears in a shell's history or a process list.
import { InvalidArgumentError, type Command } from 'commander';
import { ModelServerBackend, STRATEGIES, THINKING } from '../api/contract.ts';
import { LoupeError } from '../errors.ts';
import type { LocalBackend } from '../pipeline/model-code.ts';
import type { ModelServerRun } from '../pipeline/convert.ts';
import { parseChoice, parsePositiveInt } from './options.ts';

export interface BackendFlags {
  backend: 'perception' | 'local' | 'openai';
  model?: string;
  baseUrl?: string;
  strategy: (typeof STRATEGIES)[number];
  thinking?: (typeof THINKING)[number];
  concurrency: number;
  timeout: number;
}

/** The key's environment variables, in the order they are read. */
export const KEY_VARIABLES = ['LOUPE_API_KEY', 'OPENAI_API_KEY'] as const;

const parseSeconds = (value: string) => {
  const n = Number(value);
  if (!(n > 0) || n > 3600) throw new InvalidArgumentError('expected seconds, more than 0 and at most 3600.');
  return n;
};

/** --base-url, --strategy, --thinking, --concurrency, --timeout. */
export function withModelServerOptions(command: Command): Command {
  return command
    .option('--base-url <url>', '--backend openai: the server\'s OpenAI-compatible API root, e.g. http://gpu-box:8000/v1 (the key is read from LOUPE_API_KEY or OPENAI_API_KEY)')
    .option('--strategy <strategy>', '--backend openai: refine (perception\'s code improved, kept only where it scores no worse; the default) | swarm (one request per segment, in parallel) | direct (the whole design in one request)', parseChoice(STRATEGIES), 'refine')
    .option('--thinking <on|off>', '--backend openai: thinking or instant mode, for models that have both (default: the server\'s)', parseChoice(THINKING))
    .option('--concurrency <n>', '--backend openai: requests in flight at once', parsePositiveInt, 4)
    .option('--timeout <s>', '--backend openai: how long the server may stay silent before a request is tried again, in seconds; a segment\'s retries stop after three times this', parseSeconds, 120);
}

/** The conversion's backend from the flags: undefined for perception. */
export function conversionBackend(opts: BackendFlags): LocalBackend | ModelServerRun | undefined {
  if (opts.backend !== 'openai' && opts.baseUrl !== undefined) throw new LoupeError('INVALID_ARGUMENT', '--base-url is for --backend openai.');
  if (opts.backend === 'perception') {
    if (opts.model !== undefined) throw new LoupeError('INVALID_ARGUMENT', '--model is for --backend local or openai.');
    return undefined;
  }
  if (opts.model === undefined) throw new LoupeError('INVALID_ARGUMENT', opts.backend === 'local' ? '--backend local needs --model <dir>, a model package folder.' : '--backend openai needs --model <name>, the model the server serves.');
  if (opts.backend === 'local') return { kind: 'local', modelDir: opts.model };
  if (opts.baseUrl === undefined) throw new LoupeError('INVALID_ARGUMENT', '--backend openai needs --base-url <url>, e.g. http://localhost:8000/v1.');
  const checked = ModelServerBackend.safeParse({ kind: 'openai', baseUrl: opts.baseUrl, model: opts.model, strategy: opts.strategy, thinking: opts.thinking, concurrency: opts.concurrency, timeoutMs: Math.round(opts.timeout * 1000) });
  if (!checked.success) throw new LoupeError('INVALID_ARGUMENT', `--backend openai: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  const apiKey = KEY_VARIABLES.map((name) => process.env[name]).find((v) => v);
  return { kind: 'openai', server: checked.data, ...(apiKey && { apiKey }) };
}

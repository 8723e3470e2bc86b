// `loupe serve` started as a user starts it, in a process of its own on a free loopback port: for
// tests that need the real process (its printed address, signals, a kill -9 and a restart).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { JobEvent } from '../../engine/api/contract.ts';
import { jobEvents } from './api-calls.ts';

const bin = new URL('../../bin/loupe.js', import.meta.url).pathname;

export interface ServeProcess {
  child: ChildProcess;
  /** The address it printed, with this launch's key. */
  address: string;
  /** Everything it printed so far. */
  output: () => string;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Starts `loupe serve` and waits for the address it prints; the caller stops it. */
export async function spawnServe(options: { app: string; data: string; exports: string }): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(await freePort()), '--app', options.app, '--data', options.data, '--exports', options.exports]);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  // Starting takes seconds (the engine is TypeScript loaded through tsx); a minute means it is stuck.
  const deadline = Date.now() + 60_000;
  while (!/open (\S+)/.test(out) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const address = /open (\S+)/.exec(out)?.[1];
  if (!address) {
    child.kill('SIGKILL');
    throw new Error(`loupe serve did not start: ${out}`);
  }
  return { child, address, output: () => out };
}

/** A client of a running `loupe serve` holding its launch's key, as the app's pages do. */
export class ServeClient {
  private constructor(private readonly base: URL, private readonly headers: Record<string, string>) {}

  static async open(address: string): Promise<ServeClient> {
    const opened = await fetch(address, { redirect: 'manual' });
    const cookie = opened.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`${address} set no key (${opened.status})`);
    const base = new URL('/', address);
    return new ServeClient(base, { cookie, origin: base.origin });
  }

  /** An API call; a refusal or failure throws with the server's answer. */
  async call<T = Record<string, unknown>>(method: string, body: unknown = {}): Promise<T> {
    const response = await fetch(new URL(`api/${method}`, this.base), { method: 'POST', headers: { ...this.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method}: ${response.status} ${JSON.stringify(json)}`);
    return json as T;
  }

  /** Resolves with the first job event that `wanted` accepts; the stream is open once this returns, so nothing sent after is missed. */
  async event(wanted: (event: JobEvent) => boolean): Promise<() => Promise<JobEvent>> {
    const stop = new AbortController();
    const response = await fetch(new URL('api/events', this.base), { headers: this.headers, signal: stop.signal });
    const found = (async () => {
      try {
        for await (const event of jobEvents(response)) if (wanted(event)) return event;
      } finally {
        // Leaving the loop cancels the body; the connection goes with it.
        stop.abort();
      }
      throw new Error('the event stream ended before the event came');
    })();
    // A caller that stops the server without waiting for the event is not told that it never came.
    found.catch(() => undefined);
    return () => found;
  }
}

// A model server through the engine's API: what a check answers, and where its key goes. The key
// is sent to the server it was given for, and written nowhere: not the history file, not a line
// the engine prints, not a job's events (errors, warnings, segments), not an exported project.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobEvent, VersionView } from '../api/contract.ts';
import { LoupeError } from '../errors.ts';
import { closePerception } from '../perceive/index.ts';
import { RenderPool } from '../render/pool.ts';
import { startScriptedServer, type ScriptedRequest } from '../../testing/openai/scripted-server.ts';
import { HIDDEN_KEY, ModelServerKeys } from './model-server-keys.ts';
import { modelServerState, type ListModels } from './model-server.ts';
import { EngineService } from './service.ts';

const KEY = 'sk-loupe-test-4f1d0c9e7b2a-never-written';
const work = await mkdtemp(join(tmpdir(), 'loupe-model-server-'));
test.after(async () => {
  await closePerception();
  await rm(work, { recursive: true, force: true });
});

test('a check lists the models a server serves; a server that cannot be used is refused with why, the key cut out; the engine\'s own faults stay errors', async () => {
  const server = await startScriptedServer(() => ({ kind: 'answer', content: '' }), { models: ['kimi-k2.5', 'qwen3-vl'] });
  try {
    const keys = new ModelServerKeys();
    assert.deepEqual(await modelServerState(server.baseUrl, keys), { kind: 'reachable', models: ['kimi-k2.5', 'qwen3-vl'] });
    keys.set(server.baseUrl, KEY);
    const sent: Array<string | undefined> = [];
    const echoing: ListModels = async (_baseUrl, key) => {
      sent.push(key);
      throw new LoupeError('AUTH_REJECTED', `The server refused the key ${key}.`);
    };
    assert.deepEqual(await modelServerState(`${server.baseUrl}/`, keys, echoing), { kind: 'refused', code: 'AUTH_REJECTED', message: `The server refused the key ${HIDDEN_KEY}.` });
    assert.deepEqual(sent, [KEY], 'the key held for the server is the one it is asked with');
    const closed = await modelServerState('http://127.0.0.1:9/v1', keys);
    assert.equal(closed.kind, 'refused');
    await assert.rejects(
      modelServerState(server.baseUrl, keys, async () => Promise.reject(new Error('a bug'))),
      /a bug/,
    );
  } finally {
    await server.close();
  }
});

/** Every file under `dir`, as bytes. */
async function filesUnder(dir: string): Promise<Buffer[]> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(names.filter((d) => d.isFile()).map((d) => readFile(join(d.parentPath, d.name))));
}

test('the key reaches its server and is written nowhere: history, printed lines, job events, an exported project', async () => {
  // The second request is refused with the key quoted back, as a careless proxy might.
  const script = (request: ScriptedRequest) =>
    request.index === 1
      ? { kind: 'status' as const, status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${request.authorization}` } }) }
      : { kind: 'answer' as const, content: '```html\n<section class="part"><p>Ship reports</p></section>\n<style>.part { display: flex; height: 100%; }</style>\n```', reasoning: 'A block of text.' };
  const server = await startScriptedServer(script, { models: ['scripted-model'] });
  const historyPath = join(work, 'history.sqlite');
  const pool = new RenderPool(1);
  const service = new EngineService(pool, historyPath);
  const events: JobEvent[] = [];
  service.subscribe((e) => events.push(e));
  const printed: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const capture = (stream: NodeJS.WriteStream, original: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture(process.stdout, writes.out);
  process.stderr.write = capture(process.stderr, writes.err);
  const call = (method: string, body: unknown) => service.method(method)!(body);
  try {
    await call('modelServerKey', { baseUrl: server.baseUrl, key: KEY });
    assert.deepEqual(await call('modelServer', { baseUrl: server.baseUrl }), { kind: 'reachable', models: ['scripted-model'] });
    const data = (await readFile(new URL('../../examples/landing.png', import.meta.url))).toString('base64');
    const backend = { kind: 'openai', baseUrl: server.baseUrl, model: 'scripted-model', strategy: 'swarm', concurrency: 1 };
    const { jobId } = (await call('convert', { name: 'landing.png', data, stack: 'html-css', backend })) as { jobId: string };
    await service.jobs.idle();
    const done = events.find((e): e is Extract<JobEvent, { type: 'done' }> => e.jobId === jobId && e.type === 'done');
    assert.ok(done, JSON.stringify(events.filter((e) => e.type === 'failed')));
    assert.ok(server.requests.length >= 2, `${server.requests.length} requests`);
    assert.ok(server.requests.every((r) => r.authorization === `Bearer ${KEY}`), 'every request carries the key');

    const origin = (done.result as VersionView).origin;
    assert.equal(origin.backend, 'openai');
    const sources = origin.modelServer!.segments.map((s) => s.from);
    assert.ok(sources.includes('model') && sources.includes('perception'), JSON.stringify(origin.modelServer));
    assert.match(origin.modelServer!.segments.find((s) => s.from === 'perception')!.reason!, /refused the key/);
    assert.ok(events.some((e) => e.type === 'segments'), 'segments were sent as they moved');
    const last = events.filter((e): e is Extract<JobEvent, { type: 'segments' }> => e.type === 'segments').at(-1)!;
    assert.ok(events.indexOf(last) < events.indexOf(done), "the segments' last state comes before the job's end");
    assert.ok(last.segments.every((s) => s.state === 'model' || s.state === 'perception'), 'the last state is where every segment ended');

    const exported = join(work, 'export');
    await call('export', { versionId: done.result.versionId, dir: exported, format: 'project' });
    await call('modelServerKey', { baseUrl: server.baseUrl, key: null });
    await service.close();

    const written = [...(await filesUnder(work)), ...(await filesUnder(exported))];
    assert.ok(written.length > 3, `${written.length} files`);
    const leaks = [
      ...written.filter((bytes) => bytes.includes(KEY)).map(() => 'a file'),
      ...(printed.join('').includes(KEY) ? ['a printed line'] : []),
      ...(JSON.stringify(events).includes(KEY) ? ['a job event'] : []),
    ];
    assert.deepEqual(leaks, []);
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await pool.close();
    await server.close();
  }
});

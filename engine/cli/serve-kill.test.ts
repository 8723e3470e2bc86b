// `loupe serve` killed with SIGKILL (no handler runs, nothing is flushed) right after a history save
// and in the middle of a conversion, then started again on the same data folder: every version
// committed before the kill opens with its code, nothing of the killed conversion shows, the
// SQLite file passes its integrity check, the killed engine's browser does not outlive it, and
// the upload it left in the scratch area is removed by the next start. Real processes, real
// Chromium, a real design of examples/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DesignSummary, VersionView } from '../api/contract.ts';
import { HistoryStore } from '../history/store.ts';
import { uploadsDir } from '../service/upload-spool.ts';
import { historyFile } from '../service/user-data.ts';
import { runningInGroup, runningProcesses } from '../../testing/processes.ts';
import { ServeClient, spawnServe, type ServeProcess } from '../../testing/service/serve-process.ts';

const design = await readFile(new URL('../../examples/landing.png', import.meta.url));
const code = await readFile(new URL('../../examples/landing.html', import.meta.url), 'utf8');
const edited = code.replace('</body>', '<p>Saved just before the kill.</p></body>');

/** Kills the engine as the system would (SIGKILL), and waits until it and the browsers it launched are gone. */
async function kill9(serve: ServeProcess): Promise<void> {
  const pid = serve.child.pid!;
  // Each browser leads a process group of its own, its renderers in it.
  const browsers = runningProcesses().filter((p) => p.ppid === pid && p.pgid === p.pid).map((p) => p.pid);
  const exited = once(serve.child, 'exit');
  serve.child.kill('SIGKILL');
  await exited;
  while (browsers.some((group) => runningInGroup(group).length > 0)) await new Promise((r) => setTimeout(r, 100));
}

/** What the file says of itself, opened as the next engine will open it (recovering its write-ahead log). */
function integrity(dataDir: string): string {
  const db = new Database(historyFile(dataDir));
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

const spooledFiles = async (dataDir: string) => (await readdir(uploadsDir(dataDir), { recursive: true, withFileTypes: true })).filter((f) => f.isFile());

/** The history holds exactly the one design and these versions, each opening with its code. */
async function assertCommitted(client: ServeClient, versions: Array<{ versionId: string; contents: string }>): Promise<void> {
  const history = await client.call<DesignSummary[]>('history');
  assert.deepEqual(history.map((d) => d.name), ['landing.png'], 'no design of the killed conversion');
  assert.deepEqual(history[0]!.versions.map((v) => v.versionId).sort(), versions.map((v) => v.versionId).sort());
  for (const { versionId, contents } of versions) {
    const opened = await client.call<VersionView>('open', { versionId });
    assert.equal(opened.files.find((f) => f.path === 'index.html')?.contents, contents);
  }
}

test('killed right after a save and in the middle of a conversion, the engine restarts with every committed version and nothing half-written', { skip: process.platform === 'win32', timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-kill-'));
  const app = join(dir, 'app');
  const data = join(dir, 'data');
  await mkdir(app);
  await writeFile(join(app, 'index.html'), '<!doctype html><title>Loupe</title>');
  const options = { app, data, exports: join(dir, 'exports') };

  // The design as a finished conversion leaves it: its first version, committed.
  const store = new HistoryStore(historyFile(data));
  const { versionId: first } = store.addDesign(
    { name: 'landing.png', width: 1280, height: 800, png: design, textBlocks: [] },
    {
      kind: 'generated', stack: 'html-css', mode: 'fast', entry: 'index.html', files: [{ path: 'index.html', contents: code }],
      render: design, diff: design, scores: {}, checks: {}, timings: {}, origin: { backend: 'perception', fellBack: false, warnings: [] },
    },
  );
  store.close();

  let serve = await spawnServe(options);
  try {
    // 1. An edit saved, and the engine killed the moment the save has answered.
    let client = await ServeClient.open(serve.address);
    const saved = await client.call<VersionView>('save', { versionId: first, files: [{ path: 'index.html', contents: edited }] });
    await kill9(serve);
    assert.equal(integrity(data), 'ok');
    const committed = [{ versionId: first, contents: code }, { versionId: saved.versionId, contents: edited }];

    // 2. Started again: both versions are there. A conversion started, and the engine killed once it is under way.
    serve = await spawnServe(options);
    client = await ServeClient.open(serve.address);
    await assertCommitted(client, committed);
    const underWay = await client.event((e) => e.type === 'progress');
    await client.call('convert', { name: 'another.png', data: design.toString('base64'), stack: 'html-css' });
    await underWay();
    assert.equal((await spooledFiles(data)).length, 1, 'the running conversion\'s upload is in the scratch area');
    await kill9(serve);
    assert.equal(integrity(data), 'ok');
    assert.equal((await spooledFiles(data)).length, 1, 'a killed engine cannot remove its upload');

    // 3. Started again: the same versions, nothing of the killed conversion, its upload removed.
    serve = await spawnServe(options);
    client = await ServeClient.open(serve.address);
    await assertCommitted(client, committed);
    assert.deepEqual(await spooledFiles(data), []);
  } finally {
    if (serve.child.exitCode === null && serve.child.signalCode === null) {
      const exited = once(serve.child, 'exit');
      serve.child.kill('SIGINT');
      await exited;
    }
  }
});

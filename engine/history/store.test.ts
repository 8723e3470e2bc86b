import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { VersionOrigin } from '../api/contract.ts';
import { HistoryStore, type NewVersion } from './store.ts';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const font = new Uint8Array(4096).map((_, i) => i % 251);
const version = (html: string, kind: NewVersion['kind'] = 'generated'): NewVersion => ({
  kind,
  stack: 'html-css',
  mode: 'fast',
  entry: 'index.html',
  files: [
    { path: 'index.html', contents: html },
    { path: 'fonts/arimo.woff2', contents: font },
  ],
  render: new Uint8Array([1, 1, 1]),
  diff: new Uint8Array([2, 2, 2]),
  scores: { block: 0.9, text: 0.95 },
  checks: { largestImageShare: 0.1, absoluteShare: 0 },
  timings: { perceive: 800 },
  origin: { backend: 'perception', fellBack: false, warnings: [] },
});
const design = { name: 'landing.png', width: 1280, height: 800, png, textBlocks: [{ text: 'Hello', box: { x: 1, y: 2, width: 3, height: 4 }, color: '#000000' }] };

const tempDb = async () => join(await mkdtemp(join(tmpdir(), 'loupe-history-')), 'history.sqlite');

/**
 * A history file as an older Loupe left it, of schema `version`: `tables`, its designs table and
 * what came with it, beside the blobs (holding one picture, 'p'), versions and files tables that
 * every schema before 4 had; then `rows`.
 */
async function oldHistory(version: number, tables: string, rows: string): Promise<string> {
  const path = await tempDb();
  const Database = (await import('better-sqlite3')).default;
  const old = new Database(path);
  old.exec(`CREATE TABLE blobs (hash TEXT PRIMARY KEY, bytes BLOB NOT NULL);
    ${tables}
    CREATE TABLE versions (id TEXT PRIMARY KEY, design_id TEXT NOT NULL REFERENCES designs(id) ON DELETE CASCADE,
      number INTEGER NOT NULL, kind TEXT NOT NULL, stack TEXT NOT NULL, mode TEXT NOT NULL, entry TEXT NOT NULL,
      render TEXT NOT NULL REFERENCES blobs(hash), diff TEXT NOT NULL REFERENCES blobs(hash),
      scores TEXT NOT NULL, checks TEXT NOT NULL, timings TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (design_id, number));
    CREATE TABLE files (version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE, path TEXT NOT NULL,
      blob TEXT NOT NULL REFERENCES blobs(hash), is_text INTEGER NOT NULL, PRIMARY KEY (version_id, path));
    INSERT INTO blobs VALUES ('p', x'89504e47');
    ${rows}
    PRAGMA user_version = ${version};`);
  old.close();
  return path;
}

test('designs and their versions survive closing and reopening the file', async () => {
  const path = await tempDb();
  const store = new HistoryStore(path);
  const { designId, versionId } = store.addDesign(design, version('<p>one</p>'));
  const edited = store.addVersion(designId, version('<p>two</p>', 'edited'));
  store.close();

  const again = new HistoryStore(path);
  const [d] = again.list();
  assert.equal(d!.name, 'landing.png');
  assert.deepEqual(d!.versions.map((v) => [v.number, v.kind]), [[1, 'generated'], [2, 'edited']]);
  const v2 = again.version(edited);
  assert.equal(v2.files[0]!.contents, '<p>two</p>');
  assert.deepEqual(v2.files[1]!.contents, font);
  assert.deepEqual(again.design(designId).png, png);
  assert.deepEqual(again.design(designId).textBlocks, design.textBlocks);
  assert.equal(again.version(versionId).files[0]!.contents, '<p>one</p>');
  again.close();
});

test('versions share stored files; deleting the last version deletes the design and its data', async () => {
  const path = await tempDb();
  const store = new HistoryStore(path);
  const { designId, versionId } = store.addDesign(design, version('<p>one</p>'));
  const second = store.addVersion(designId, version('<p>two</p>', 'edited'));
  const blobs = () => (store as unknown as { db: { prepare(s: string): { get(): { n: number } } } }).db.prepare('SELECT COUNT(*) AS n FROM blobs').get().n;
  // design png, render, diff, font, two htmls: the font and pictures are stored once.
  assert.equal(blobs(), 6);
  store.deleteVersion(versionId);
  assert.deepEqual(store.list()[0]!.versions.map((v) => v.number), [2]);
  assert.equal(blobs(), 5);
  store.deleteVersion(second);
  assert.deepEqual(store.list(), []);
  assert.equal(blobs(), 0);
  assert.throws(() => store.version(second), /No version/);
  store.close();
});

test('a process killed right after a save keeps the saved version (WAL, committed transaction)', async () => {
  const path = await tempDb();
  const script = `
    import { HistoryStore } from ${JSON.stringify(new URL('./store.ts', import.meta.url).pathname)};
    const store = new HistoryStore(${JSON.stringify(path)});
    const v = ${JSON.stringify(version('<p>saved</p>'))};
    v.files = [{ path: 'index.html', contents: '<p>saved</p>' }];
    for (const k of ['render', 'diff']) v[k] = new Uint8Array([1]);
    store.addDesign(${JSON.stringify({ ...design, png: [1, 2] })}, v);
    process.kill(process.pid, 'SIGKILL');
  `;
  const file = join(tmpdir(), `loupe-kill-${process.pid}.ts`);
  await writeFile(file, script.replace('"png":[1,2]', '"png":new Uint8Array([1,2])'));
  assert.throws(() => execFileSync(process.execPath, ['--import', 'tsx', file], { stdio: 'pipe' }));
  const store = new HistoryStore(path);
  assert.equal(store.list().length, 1);
  assert.equal(store.version(store.list()[0]!.versions[0]!.versionId).files[0]!.contents, '<p>saved</p>');
  store.close();
});

test('a file that is not a database is refused with advice, not a crash', async () => {
  const path = await tempDb();
  await writeFile(path, 'this is not sqlite '.repeat(100));
  assert.throws(() => new HistoryStore(path), (e: Error & { code?: string }) => e.code === 'INPUT_CORRUPT' && /Move it aside/.test(e.message));
});

test("a Figma design keeps its IR; a file written before designs had one opens and takes it from then on", async () => {
  // The schema as it was before designs kept their IR (schema 1).
  const path = await oldHistory(
    1,
    `CREATE TABLE designs (id TEXT PRIMARY KEY, name TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
      png TEXT NOT NULL REFERENCES blobs(hash), text_blocks TEXT NOT NULL, created_at INTEGER NOT NULL);`,
    `INSERT INTO designs VALUES ('old', 'old.png', 10, 10, 'p', '[]', 1);`,
  );

  const store = new HistoryStore(path);
  assert.equal(store.design('old').ir, undefined);
  const ir = JSON.stringify({ version: 1, root: { id: 'r' } });
  const { designId } = store.addDesign({ ...design, name: 'frame.json', ir }, version('<p>figma</p>'));
  store.close();
  const again = new HistoryStore(path);
  assert.equal(again.design(designId).ir, ir);
  again.deleteDesign(designId);
  const left = (again as unknown as { db: { prepare(s: string): { all(): Array<{ hash: string }> } } }).db.prepare('SELECT hash FROM blobs').all();
  assert.deepEqual(left.map((b) => b.hash), ['p'], 'the deleted design takes its IR with it');
  again.close();
});

test("a walkthrough's app keeps its screens as designs of their own; it goes with its last screen, its files with it", async () => {
  const path = await tempDb();
  const store = new HistoryStore(path);
  const screen = (n: number) => ({ screen: `screen-${n}`, design: { ...design, name: `walk.mp4 screen-${n}`, png: new Uint8Array([n]) }, first: version(`<p>screen ${n}</p>`) });
  const manifest = { path: 'screens.json', contents: '{"screens":[]}\n' };
  const { appId, screens } = store.addApp({ name: 'walk.mp4', stack: 'html-css', files: [manifest] }, [screen(1), screen(2)]);
  store.addDesign(design, version('<p>alone</p>'));
  store.close();

  const again = new HistoryStore(path);
  const app = again.app(appId);
  assert.deepEqual([app.name, app.stack, app.files], ['walk.mp4', 'html-css', [manifest]]);
  assert.deepEqual(app.screens.map((s) => [s.screen, s.designId, s.width, s.versions.map((v) => v.versionId)]), [
    ['screen-1', screens[0]!.designId, 1280, [screens[0]!.versionId]],
    ['screen-2', screens[1]!.designId, 1280, [screens[1]!.versionId]],
  ]);
  assert.deepEqual(again.design(screens[1]!.designId).app, { appId, screen: 'screen-2' });
  assert.equal(again.version(screens[1]!.versionId).files[0]!.contents, '<p>screen 2</p>');
  const listed = again.list();
  assert.deepEqual(listed.map((d) => d.app?.screen), [undefined, 'screen-2', 'screen-1']);
  assert.equal(again.design(listed[0]!.designId).app, undefined);

  again.deleteDesign(screens[0]!.designId);
  assert.deepEqual(again.app(appId).screens.map((s) => s.screen), ['screen-2']);
  again.deleteVersion(screens[1]!.versionId);
  assert.throws(() => again.app(appId), /No app/);
  const texts = (again as unknown as { db: { prepare(s: string): { all(): Array<{ bytes: Buffer }> } } }).db.prepare('SELECT bytes FROM blobs').all().map((b) => b.bytes.toString('utf8'));
  assert.ok(!texts.includes(manifest.contents), "the app's files go with it");
  again.close();
});

test('a file of schema 2 (before apps) opens, keeps its designs and takes apps from then on', async () => {
  const path = await oldHistory(
    2,
    `CREATE TABLE designs (id TEXT PRIMARY KEY, name TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
      png TEXT NOT NULL REFERENCES blobs(hash), text_blocks TEXT NOT NULL, created_at INTEGER NOT NULL, ir TEXT REFERENCES blobs(hash));`,
    `INSERT INTO designs VALUES ('old', 'old.png', 10, 10, 'p', '[]', 1, NULL);`,
  );

  const store = new HistoryStore(path);
  assert.deepEqual(store.list().map((d) => [d.name, d.app]), [['old.png', undefined]]);
  const { appId } = store.addApp({ name: 'walk.mp4', stack: 'html-css', files: [] }, [{ screen: 'screen-1', design, first: version('<p>1</p>') }]);
  assert.equal(store.app(appId).screens.length, 1);
  store.close();
});

test('each version keeps what made it: the backend and model package, a fallback and the warnings; an edit, the version it was edited from', async () => {
  const path = await tempDb();
  const store = new HistoryStore(path);
  const fellBack: VersionOrigin = { backend: 'local', modelDir: '/models/tiny', fellBack: true, warnings: ["The local model's answer was not usable code"] };
  const { designId, versionId } = store.addDesign(design, { ...version('<p>one</p>'), origin: fellBack });
  const edited = store.addVersion(designId, { ...version('<p>two</p>', 'edited'), origin: { ...fellBack, editOf: 1 } });
  const again = store.addVersion(designId, version('<p>three</p>'));
  store.close();

  const reopened = new HistoryStore(path);
  assert.deepEqual(reopened.version(versionId).origin, fellBack);
  assert.deepEqual(reopened.version(edited).origin, { ...fellBack, editOf: 1 });
  assert.deepEqual(
    reopened.list()[0]!.versions.map((v) => v.origin),
    [fellBack, { ...fellBack, editOf: 1 }, { backend: 'perception', fellBack: false, warnings: [] }],
  );
  assert.deepEqual(reopened.version(again).origin, { backend: 'perception', fellBack: false, warnings: [] });
  reopened.close();
});

test('a file of schema 3 (before versions kept what made them) opens: perception where the local model cannot have written the code, unknown where it could', async () => {
  const path = await oldHistory(
    3,
    `CREATE TABLE apps (id TEXT PRIMARY KEY, name TEXT NOT NULL, stack TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE app_files (app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE, path TEXT NOT NULL,
      blob TEXT NOT NULL REFERENCES blobs(hash), is_text INTEGER NOT NULL, PRIMARY KEY (app_id, path));
    CREATE TABLE designs (id TEXT PRIMARY KEY, name TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
      png TEXT NOT NULL REFERENCES blobs(hash), text_blocks TEXT NOT NULL, created_at INTEGER NOT NULL, ir TEXT REFERENCES blobs(hash),
      app_id TEXT REFERENCES apps(id) ON DELETE CASCADE, app_screen TEXT);`,
    `INSERT INTO apps VALUES ('walk', 'walk.mp4', 'html-css', 1);
    INSERT INTO designs VALUES ('picture', 'old.png', 10, 10, 'p', '[]', 1, NULL, NULL, NULL);
    INSERT INTO designs VALUES ('figma', 'frame.json', 10, 10, 'p', '[]', 1, 'p', NULL, NULL);
    INSERT INTO designs VALUES ('screen', 'walk.mp4 screen-1', 10, 10, 'p', '[]', 1, 'p', 'walk', 'screen-1');
    INSERT INTO versions VALUES ('html', 'picture', 1, 'generated', 'html-css', 'fast', 'index.html', 'p', 'p', '{}', '{}', '{}', 1);
    INSERT INTO versions VALUES ('html-edit', 'picture', 2, 'edited', 'html-css', 'fast', 'index.html', 'p', 'p', '{}', '{}', '{}', 2);
    INSERT INTO versions VALUES ('react', 'picture', 3, 'generated', 'react-tailwind', 'fast', 'src/App.tsx', 'p', 'p', '{}', '{}', '{}', 3);
    INSERT INTO versions VALUES ('think', 'picture', 4, 'generated', 'html-css', 'think', 'index.html', 'p', 'p', '{}', '{}', '{}', 4);
    INSERT INTO versions VALUES ('frame', 'figma', 1, 'generated', 'html-css', 'fast', 'index.html', 'p', 'p', '{}', '{}', '{}', 5);
    INSERT INTO versions VALUES ('screen-1', 'screen', 1, 'generated', 'html-css', 'fast', 'index.html', 'p', 'p', '{}', '{}', '{}', 6);`,
  );

  const store = new HistoryStore(path);
  const origin = (id: string) => store.version(id).origin;
  const unknown = { backend: 'unknown', fellBack: false, warnings: [] };
  const perception = { backend: 'perception', fellBack: false, warnings: [] };
  assert.deepEqual(
    ['html', 'html-edit', 'react', 'think', 'frame', 'screen-1'].map(origin),
    [unknown, unknown, perception, perception, perception, perception],
  );
  const local: VersionOrigin = { backend: 'local', modelDir: '/models/tiny', fellBack: true, warnings: ['not usable'] };
  const next = store.addVersion('picture', { ...version('<p>5</p>'), origin: local });
  store.close();
  const again = new HistoryStore(path);
  assert.deepEqual(again.version(next).origin, local);
  again.close();
});

/** A model server's conversion as the history keeps it: where each segment's code came from, and what it took. */
const fromServer: VersionOrigin = {
  backend: 'openai',
  modelServer: {
    baseUrl: 'http://gpu-box:8000/v1',
    model: 'kimi-k2.5',
    strategy: 'swarm',
    segments: [
      { label: 'header', from: 'model' },
      { label: 'pricing', from: 'perception', reason: 'it scored worse (0.61 < 0.74)' },
    ],
    requests: 3,
    promptTokens: 5120,
    completionTokens: 2048,
  },
  fellBack: false,
  warnings: [],
};

test("a model server's version keeps the server, model, strategy, each segment's source, requests and tokens; an edit of it keeps them too", async () => {
  const path = await tempDb();
  const store = new HistoryStore(path);
  const { designId, versionId } = store.addDesign(design, { ...version('<p>served</p>'), origin: fromServer });
  const edited = store.addVersion(designId, { ...version('<p>edited</p>', 'edited'), origin: { ...fromServer, editOf: 1 } });
  store.close();
  const again = new HistoryStore(path);
  assert.deepEqual(again.version(versionId).origin, fromServer);
  assert.deepEqual(again.list()[0]!.versions.map((v) => v.origin), [fromServer, { ...fromServer, editOf: 1 }]);
  assert.deepEqual(again.version(edited).origin, { ...fromServer, editOf: 1 });
  again.close();
});

test('a file of schema 4 (before the openai backend) opens with its designs, versions, origins and files, and takes model servers from then on', async () => {
  const path = await tempDb();
  const Database = (await import('better-sqlite3')).default;
  const old = new Database(path);
  // Schema 4 as Loupe wrote it, with foreign keys enforced as it ran.
  old.pragma('foreign_keys = ON');
  old.exec(`CREATE TABLE blobs (hash TEXT PRIMARY KEY, bytes BLOB NOT NULL);
    CREATE TABLE apps (id TEXT PRIMARY KEY, name TEXT NOT NULL, stack TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE app_files (app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE, path TEXT NOT NULL,
      blob TEXT NOT NULL REFERENCES blobs(hash), is_text INTEGER NOT NULL, PRIMARY KEY (app_id, path));
    CREATE TABLE designs (id TEXT PRIMARY KEY, name TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
      png TEXT NOT NULL REFERENCES blobs(hash), text_blocks TEXT NOT NULL, created_at INTEGER NOT NULL, ir TEXT REFERENCES blobs(hash),
      app_id TEXT REFERENCES apps(id) ON DELETE CASCADE, app_screen TEXT);
    CREATE TABLE versions (id TEXT PRIMARY KEY, design_id TEXT NOT NULL REFERENCES designs(id) ON DELETE CASCADE,
      number INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('generated', 'edited')),
      stack TEXT NOT NULL, mode TEXT NOT NULL, entry TEXT NOT NULL,
      render TEXT NOT NULL REFERENCES blobs(hash), diff TEXT NOT NULL REFERENCES blobs(hash),
      scores TEXT NOT NULL, checks TEXT NOT NULL, timings TEXT NOT NULL, created_at INTEGER NOT NULL,
      backend TEXT NOT NULL CHECK (backend IN ('perception', 'local', 'unknown')), model_dir TEXT,
      fell_back INTEGER NOT NULL, warnings TEXT NOT NULL, edit_of INTEGER, UNIQUE (design_id, number));
    CREATE TABLE files (version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE, path TEXT NOT NULL,
      blob TEXT NOT NULL REFERENCES blobs(hash), is_text INTEGER NOT NULL, PRIMARY KEY (version_id, path));
    CREATE INDEX versions_by_design ON versions(design_id, number);
    INSERT INTO blobs VALUES ('p', x'89504e47'), ('h', CAST('<p>kept</p>' AS BLOB));
    INSERT INTO designs VALUES ('picture', 'old.png', 10, 10, 'p', '[]', 1, NULL, NULL, NULL);
    INSERT INTO versions VALUES ('perceived', 'picture', 1, 'generated', 'html-css', 'fast', 'index.html', 'p', 'p', '{"ssim":0.9}', '{}', '{}', 1, 'perception', NULL, 0, '[]', NULL);
    INSERT INTO versions VALUES ('local', 'picture', 2, 'generated', 'html-css', 'fast', 'index.html', 'p', 'p', '{}', '{}', '{}', 2, 'local', '/models/tiny', 1, '["not usable"]', NULL);
    INSERT INTO versions VALUES ('edit', 'picture', 3, 'edited', 'html-css', 'fast', 'index.html', 'p', 'p', '{}', '{}', '{}', 3, 'local', '/models/tiny', 1, '["not usable"]', 2);
    INSERT INTO files VALUES ('perceived', 'index.html', 'h', 1), ('local', 'index.html', 'h', 1), ('edit', 'index.html', 'h', 1);
    PRAGMA user_version = 4;`);
  old.close();

  const store = new HistoryStore(path);
  const local: VersionOrigin = { backend: 'local', modelDir: '/models/tiny', fellBack: true, warnings: ['not usable'] };
  assert.deepEqual(
    store.list()[0]!.versions.map((v) => [v.versionId, v.number, v.kind, v.scores, v.origin]),
    [
      ['perceived', 1, 'generated', { ssim: 0.9 }, { backend: 'perception', fellBack: false, warnings: [] }],
      ['local', 2, 'generated', {}, local],
      ['edit', 3, 'edited', {}, { ...local, editOf: 2 }],
    ],
  );
  assert.deepEqual(['perceived', 'local', 'edit'].map((id) => store.version(id).files), Array(3).fill([{ path: 'index.html', contents: '<p>kept</p>' }]), 'the files of each version stay');
  const next = store.addVersion('picture', { ...version('<p>4</p>'), origin: fromServer });
  // Foreign keys hold again: deleting a version takes its files with it.
  store.deleteVersion('perceived');
  store.close();

  const again = new HistoryStore(path);
  assert.deepEqual(again.version(next).origin, fromServer);
  assert.deepEqual(again.list()[0]!.versions.map((v) => v.number), [2, 3, 4]);
  const db = (again as unknown as { db: { prepare(s: string): { get(): { n: number } } } }).db;
  assert.equal(db.prepare("SELECT COUNT(*) AS n FROM files WHERE version_id = 'perceived'").get().n, 0);
  assert.equal(db.prepare('SELECT COUNT(*) AS n FROM files').get().n, 2 + 2, "the other old versions' files and the new version's two");
  again.close();
});

test('one page at two widths keeps its narrower design, and each version its render and scores there; deleting it takes them', async () => {
  const store = new HistoryStore(await tempDb());
  const narrowPng = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9]);
  const narrow = { name: 'phone.png', width: 390, height: 900, png: narrowPng, textBlocks: [] };
  const atNarrow = { render: new Uint8Array([3]), diff: new Uint8Array([4]), scores: { ssim: 0.8 }, checks: { absoluteShare: 0 } };
  const { designId, versionId } = store.addDesign({ ...design, narrow }, { ...version('<p>both</p>'), narrow: atNarrow });
  assert.deepEqual(store.design(designId).narrow, narrow);
  assert.deepEqual(store.version(versionId).narrow, atNarrow);
  assert.equal(store.list()[0]!.narrowWidth, 390);
  store.deleteDesign(designId);
  const db = (store as unknown as { db: { prepare(s: string): { get(): { n: number } } } }).db;
  assert.equal(db.prepare('SELECT COUNT(*) AS n FROM blobs').get().n, 0);
  store.close();
});

test('a file of schema 5 (before one page at two widths) opens with its versions and their model servers, and takes two widths from then on', async () => {
  const path = await tempDb();
  const Database = (await import('better-sqlite3')).default;
  const old = new Database(path);
  old.pragma('foreign_keys = ON');
  // Schema 5 as Loupe wrote it.
  old.exec(`CREATE TABLE blobs (hash TEXT PRIMARY KEY, bytes BLOB NOT NULL);
    CREATE TABLE apps (id TEXT PRIMARY KEY, name TEXT NOT NULL, stack TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE app_files (app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE, path TEXT NOT NULL,
      blob TEXT NOT NULL REFERENCES blobs(hash), is_text INTEGER NOT NULL, PRIMARY KEY (app_id, path));
    CREATE TABLE designs (id TEXT PRIMARY KEY, name TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
      png TEXT NOT NULL REFERENCES blobs(hash), text_blocks TEXT NOT NULL, created_at INTEGER NOT NULL, ir TEXT REFERENCES blobs(hash),
      app_id TEXT REFERENCES apps(id) ON DELETE CASCADE, app_screen TEXT);
    CREATE TABLE versions (id TEXT PRIMARY KEY, design_id TEXT NOT NULL REFERENCES designs(id) ON DELETE CASCADE,
      number INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('generated', 'edited')),
      stack TEXT NOT NULL, mode TEXT NOT NULL, entry TEXT NOT NULL,
      render TEXT NOT NULL REFERENCES blobs(hash), diff TEXT NOT NULL REFERENCES blobs(hash),
      scores TEXT NOT NULL, checks TEXT NOT NULL, timings TEXT NOT NULL, created_at INTEGER NOT NULL,
      backend TEXT NOT NULL CHECK (backend IN ('perception', 'local', 'openai', 'unknown')), model_dir TEXT,
      fell_back INTEGER NOT NULL, warnings TEXT NOT NULL, edit_of INTEGER, model_server TEXT, UNIQUE (design_id, number));
    CREATE TABLE files (version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE, path TEXT NOT NULL,
      blob TEXT NOT NULL REFERENCES blobs(hash), is_text INTEGER NOT NULL, PRIMARY KEY (version_id, path));
    CREATE INDEX versions_by_design ON versions(design_id, number);
    INSERT INTO blobs VALUES ('p', x'89504e47'), ('h', CAST('<p>kept</p>' AS BLOB));
    INSERT INTO designs VALUES ('picture', 'old.png', 10, 10, 'p', '[]', 1, NULL, NULL, NULL);
    INSERT INTO versions VALUES ('served', 'picture', 1, 'generated', 'html-css', 'fast', 'index.html', 'p', 'p', '{}', '{}', '{}', 1, 'openai', NULL, 0, '[]', NULL, '${JSON.stringify(fromServer.modelServer)}');
    INSERT INTO files VALUES ('served', 'index.html', 'h', 1);
    PRAGMA user_version = 5;`);
  old.close();

  const store = new HistoryStore(path);
  assert.deepEqual(store.version('served').origin, fromServer);
  assert.deepEqual(store.version('served').files, [{ path: 'index.html', contents: '<p>kept</p>' }]);
  assert.equal(store.design('picture').narrow, undefined);
  const atNarrow = { render: new Uint8Array([3]), diff: new Uint8Array([4]), scores: { ssim: 0.8 }, checks: {} };
  const next = store.addDesign({ ...design, narrow: { name: 'phone.png', width: 390, height: 900, png, textBlocks: [] } }, { ...version('<p>6</p>'), narrow: atNarrow });
  assert.deepEqual(store.version(next.versionId).narrow, atNarrow);
  store.close();
});

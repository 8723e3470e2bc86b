// History: every design the user converted, with its versions (generated and hand-edited),
// scores and timestamps, in one SQLite file in the user-data folder. WAL journaling, and one
// transaction per saved version, so a crash mid-save loses nothing that was committed.
// File contents are stored once by hash: versions of a design share their pictures and fonts.
// Each version records what made it (the backend, whether the local model's code fell back to
// perception's, the warnings; a model server's segments, requests and tokens; an edit, which
// version it was edited from), so the history tells the truth about it.
// One page at two widths (a desktop and a phone design) is one design that keeps both pictures;
// each of its versions keeps the code's render and scores at both widths.
// A walkthrough video becomes an app: one design per screen (so each is previewed, edited,
// scored and converted again like any design), grouped under the app with its own files.
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { VersionOrigin } from '../api/contract.ts';
import { LoupeError } from '../errors.ts';
import type { TextBlock } from '../ir/text-block.ts';

export interface StoredFile {
  path: string;
  contents: string | Uint8Array;
}

export interface NewDesign {
  name: string;
  width: number;
  height: number;
  /** The design as PNG. */
  png: Uint8Array;
  /** Perception's text blocks: what every version is scored against. */
  textBlocks: TextBlock[];
  /** The Design IR as JSON, for designs whose values are exact (Figma): converting again starts from it, not from the picture. */
  ir?: string;
  /** One page at two widths: the narrower design, scored against the same way. */
  narrow?: NarrowDesign;
}

/** The narrower design of one page at two widths: kept as the wide one is (`ir` for a Figma frame). */
export type NarrowDesign = Omit<NewDesign, 'narrow'>;

/** A version's code rendered and scored at the narrower design's width. */
export interface NarrowResult {
  render: Uint8Array;
  diff: Uint8Array;
  scores: Record<string, number>;
  checks: Record<string, number>;
}

/** An app made of several designs (a walkthrough video's screens) and its own files (screens.json). */
export interface NewApp {
  name: string;
  stack: string;
  files: StoredFile[];
}

export interface NewVersion {
  kind: 'generated' | 'edited';
  stack: string;
  mode: string;
  entry: string;
  files: StoredFile[];
  render: Uint8Array;
  diff: Uint8Array;
  scores: Record<string, number>;
  checks: Record<string, number>;
  timings: Record<string, number>;
  origin: VersionOrigin;
  /** For a design of one page at two widths. */
  narrow?: NarrowResult;
}

export interface VersionSummary {
  versionId: string;
  number: number;
  kind: 'generated' | 'edited';
  stack: string;
  mode: string;
  scores: Record<string, number>;
  createdAt: number;
  origin: VersionOrigin;
}

/** Where a design sits in an app: the app, and the screen's name in it (its folder under screens/). */
export interface AppPlace {
  appId: string;
  screen: string;
}

export interface DesignSummary {
  designId: string;
  name: string;
  width: number;
  height: number;
  narrowWidth?: number;
  createdAt: number;
  versions: VersionSummary[];
  app?: AppPlace;
}

export interface StoredApp extends NewApp {
  appId: string;
  createdAt: number;
  /** In the order they were added, each with its versions (oldest first). */
  screens: Array<{ screen: string; designId: string; width: number; height: number; versions: VersionSummary[] }>;
}

export interface StoredVersion extends VersionSummary, Omit<NewVersion, 'kind' | 'stack' | 'mode' | 'scores' | 'origin'> {
  designId: string;
}

const SCHEMA_VERSION = 6;
const APPS = `
CREATE TABLE apps (id TEXT PRIMARY KEY, name TEXT NOT NULL, stack TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE app_files (
  app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE, path TEXT NOT NULL,
  blob TEXT NOT NULL REFERENCES blobs(hash), is_text INTEGER NOT NULL, PRIMARY KEY (app_id, path)
);
`;
/** `model_server`: a model server's report as JSON (server, model, strategy, segments, requests, tokens). */
function versionsTable(name: string): string {
  return `CREATE TABLE ${name} (
  id TEXT PRIMARY KEY, design_id TEXT NOT NULL REFERENCES designs(id) ON DELETE CASCADE,
  number INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('generated', 'edited')),
  stack TEXT NOT NULL, mode TEXT NOT NULL, entry TEXT NOT NULL,
  render TEXT NOT NULL REFERENCES blobs(hash), diff TEXT NOT NULL REFERENCES blobs(hash),
  scores TEXT NOT NULL, checks TEXT NOT NULL, timings TEXT NOT NULL, created_at INTEGER NOT NULL,
  backend TEXT NOT NULL CHECK (backend IN ('perception', 'local', 'openai', 'unknown')), model_dir TEXT,
  fell_back INTEGER NOT NULL, warnings TEXT NOT NULL, edit_of INTEGER, model_server TEXT,
  ${VERSION_NARROW_COLUMNS},
  UNIQUE (design_id, number)
);`;
}
/** Schema 6: one page at two widths, the narrower design and each version's render and scores at its width. */
const DESIGN_NARROW_COLUMNS = [
  'narrow_name TEXT',
  'narrow_png TEXT REFERENCES blobs(hash)',
  'narrow_width INTEGER',
  'narrow_height INTEGER',
  'narrow_text_blocks TEXT',
  'narrow_ir TEXT REFERENCES blobs(hash)',
];
const VERSION_NARROW_COLUMN_LIST = ['narrow_render TEXT REFERENCES blobs(hash)', 'narrow_diff TEXT REFERENCES blobs(hash)', 'narrow_scores TEXT', 'narrow_checks TEXT'];
const VERSION_NARROW_COLUMNS = VERSION_NARROW_COLUMN_LIST.join(', ');
const VERSIONS_INDEX = 'CREATE INDEX versions_by_design ON versions(design_id, number);';
/** The versions table's columns up to schema 4, which a rebuild copies. */
const VERSION_COLUMNS_4 =
  'id, design_id, number, kind, stack, mode, entry, render, diff, scores, checks, timings, created_at, backend, model_dir, fell_back, warnings, edit_of';
const SCHEMA = `
CREATE TABLE blobs (hash TEXT PRIMARY KEY, bytes BLOB NOT NULL);
${APPS}
CREATE TABLE designs (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
  png TEXT NOT NULL REFERENCES blobs(hash), text_blocks TEXT NOT NULL, created_at INTEGER NOT NULL,
  ir TEXT REFERENCES blobs(hash),
  app_id TEXT REFERENCES apps(id) ON DELETE CASCADE, app_screen TEXT,
  ${DESIGN_NARROW_COLUMNS.join(', ')}
);
${versionsTable('versions')}
CREATE TABLE files (
  version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE, path TEXT NOT NULL,
  blob TEXT NOT NULL REFERENCES blobs(hash), is_text INTEGER NOT NULL, PRIMARY KEY (version_id, path)
);
${VERSIONS_INDEX}
`;

type Row = Record<string, unknown>;

export class HistoryStore {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      // Off during the migration (better-sqlite3 turns them on by default): dropping a table
      // under enforced foreign keys deletes what refers to it, and a rebuild drops one.
      this.db.pragma('foreign_keys = OFF');
      this.migrate();
      this.db.pragma('foreign_keys = ON');
    } catch (error) {
      throw new LoupeError('INPUT_CORRUPT', `The history database ${path} cannot be opened (${(error as Error).message}). Move it aside and Loupe will start a new one.`, { cause: error });
    }
  }

  close(): void {
    this.db.close();
  }

  addDesign(design: NewDesign, first: NewVersion): { designId: string; versionId: string } {
    return this.db.transaction(() => this.insertDesign(design, first))();
  }

  /** The app and its screens, each a design with its first version, in one transaction. */
  addApp(app: NewApp, screens: Array<{ screen: string; design: NewDesign; first: NewVersion }>): { appId: string; screens: Array<{ designId: string; versionId: string }> } {
    const appId = randomUUID();
    return this.db.transaction(() => {
      this.db.prepare('INSERT INTO apps (id, name, stack, created_at) VALUES (?, ?, ?, ?)').run(appId, app.name, app.stack, Date.now());
      const insertFile = this.db.prepare('INSERT INTO app_files (app_id, path, blob, is_text) VALUES (?, ?, ?, ?)');
      for (const f of app.files) insertFile.run(appId, f.path, ...this.putFile(f));
      return { appId, screens: screens.map((s) => this.insertDesign(s.design, s.first, { appId, screen: s.screen })) };
    })();
  }

  app(appId: string): StoredApp {
    const a = this.db.prepare('SELECT * FROM apps WHERE id = ?').get(appId) as Row | undefined;
    if (!a) throw new LoupeError('INVALID_ARGUMENT', `No app ${appId} in the history; its screens may have been deleted.`);
    const files = (this.db.prepare('SELECT path, blob, is_text FROM app_files WHERE app_id = ? ORDER BY rowid').all(appId) as Row[]).map((f) => this.storedFile(f));
    const designs = this.db.prepare('SELECT id, app_screen, width, height FROM designs WHERE app_id = ? ORDER BY rowid').all(appId) as Row[];
    const versions = this.db.prepare('SELECT versions.* FROM versions JOIN designs ON designs.id = versions.design_id WHERE app_id = ? ORDER BY number').all(appId) as Row[];
    const screens = designs.map((d) => ({
      screen: d.app_screen as string,
      designId: d.id as string,
      width: d.width as number,
      height: d.height as number,
      versions: versions.filter((v) => v.design_id === d.id).map(toSummary),
    }));
    return { appId, name: a.name as string, stack: a.stack as string, createdAt: a.created_at as number, files, screens };
  }

  /** `narrow`: the design becomes one page at two widths with this narrower design, from this version on. */
  addVersion(designId: string, version: NewVersion, narrow?: NarrowDesign): string {
    return this.db.transaction(() => {
      this.design(designId);
      if (narrow) {
        this.db
          .prepare('UPDATE designs SET narrow_name = ?, narrow_png = ?, narrow_width = ?, narrow_height = ?, narrow_text_blocks = ?, narrow_ir = ? WHERE id = ?')
          .run(...this.narrowColumns(narrow), designId);
      }
      return this.insertVersion(designId, version);
    })();
  }

  list(): DesignSummary[] {
    const designs = this.db.prepare('SELECT id, name, width, height, narrow_width, created_at, app_id, app_screen FROM designs ORDER BY created_at DESC, rowid DESC').all() as Row[];
    const versions = this.db.prepare('SELECT * FROM versions ORDER BY number').all() as Row[];
    return designs.map((d) => ({
      designId: d.id as string,
      name: d.name as string,
      width: d.width as number,
      height: d.height as number,
      ...(d.narrow_width !== null && { narrowWidth: d.narrow_width as number }),
      createdAt: d.created_at as number,
      versions: versions.filter((v) => v.design_id === d.id).map(toSummary),
      ...appPlace(d),
    }));
  }

  design(designId: string): NewDesign & { designId: string; app?: AppPlace } {
    const d = this.db.prepare('SELECT * FROM designs WHERE id = ?').get(designId) as Row | undefined;
    if (!d) throw new LoupeError('INVALID_ARGUMENT', `No design ${designId} in the history; it may have been deleted.`);
    return {
      designId,
      name: d.name as string,
      width: d.width as number,
      height: d.height as number,
      png: this.blob(d.png as string),
      textBlocks: JSON.parse(d.text_blocks as string) as TextBlock[],
      ...(d.ir ? { ir: Buffer.from(this.blob(d.ir as string)).toString('utf8') } : {}),
      ...(d.narrow_png !== null && {
        narrow: {
          name: d.narrow_name as string,
          width: d.narrow_width as number,
          height: d.narrow_height as number,
          png: this.blob(d.narrow_png as string),
          textBlocks: JSON.parse(d.narrow_text_blocks as string) as TextBlock[],
          ...(d.narrow_ir !== null && { ir: Buffer.from(this.blob(d.narrow_ir as string)).toString('utf8') }),
        },
      }),
      ...appPlace(d),
    };
  }

  version(versionId: string): StoredVersion {
    const v = this.db.prepare('SELECT * FROM versions WHERE id = ?').get(versionId) as Row | undefined;
    if (!v) throw new LoupeError('INVALID_ARGUMENT', `No version ${versionId} in the history; it may have been deleted.`);
    const files = (this.db.prepare('SELECT path, blob, is_text FROM files WHERE version_id = ? ORDER BY rowid').all(versionId) as Row[]).map((f) => this.storedFile(f));
    return {
      ...toSummary(v),
      designId: v.design_id as string,
      entry: v.entry as string,
      files,
      render: this.blob(v.render as string),
      diff: this.blob(v.diff as string),
      checks: JSON.parse(v.checks as string) as Record<string, number>,
      timings: JSON.parse(v.timings as string) as Record<string, number>,
      ...(v.narrow_render !== null && {
        narrow: {
          render: this.blob(v.narrow_render as string),
          diff: this.blob(v.narrow_diff as string),
          scores: JSON.parse(v.narrow_scores as string) as Record<string, number>,
          checks: JSON.parse(v.narrow_checks as string) as Record<string, number>,
        },
      }),
    };
  }

  deleteDesign(designId: string): void {
    this.db.transaction(() => {
      this.design(designId);
      this.db.prepare('DELETE FROM designs WHERE id = ?').run(designId);
      this.dropUnused();
    })();
  }

  /** Deletes one version; the design goes with its last one. */
  deleteVersion(versionId: string): void {
    this.db.transaction(() => {
      const { designId } = this.version(versionId);
      this.db.prepare('DELETE FROM versions WHERE id = ?').run(versionId);
      const left = this.db.prepare('SELECT COUNT(*) AS n FROM versions WHERE design_id = ?').get(designId) as { n: number };
      if (left.n === 0) this.db.prepare('DELETE FROM designs WHERE id = ?').run(designId);
      this.dropUnused();
    })();
  }

  private insertDesign(design: NewDesign, first: NewVersion, app?: AppPlace): { designId: string; versionId: string } {
    const designId = randomUUID();
    this.db
      .prepare(
        `INSERT INTO designs (id, name, width, height, png, text_blocks, created_at, ir, app_id, app_screen,
        narrow_name, narrow_png, narrow_width, narrow_height, narrow_text_blocks, narrow_ir) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        designId,
        design.name,
        design.width,
        design.height,
        this.putBlob(design.png),
        JSON.stringify(design.textBlocks),
        Date.now(),
        design.ir === undefined ? null : this.putBlob(new TextEncoder().encode(design.ir)),
        app?.appId ?? null,
        app?.screen ?? null,
        ...(design.narrow ? this.narrowColumns(design.narrow) : Array<null>(6).fill(null)),
      );
    return { designId, versionId: this.insertVersion(designId, first) };
  }

  private insertVersion(designId: string, v: NewVersion): string {
    const versionId = randomUUID();
    const { next } = this.db.prepare('SELECT COALESCE(MAX(number), 0) + 1 AS next FROM versions WHERE design_id = ?').get(designId) as { next: number };
    this.db
      .prepare(
        `INSERT INTO versions (${VERSION_COLUMNS_4}, model_server, narrow_render, narrow_diff, narrow_scores, narrow_checks)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        versionId,
        designId,
        next,
        v.kind,
        v.stack,
        v.mode,
        v.entry,
        this.putBlob(v.render),
        this.putBlob(v.diff),
        JSON.stringify(v.scores),
        JSON.stringify(v.checks),
        JSON.stringify(v.timings),
        Date.now(),
        v.origin.backend,
        v.origin.modelDir ?? null,
        v.origin.fellBack ? 1 : 0,
        JSON.stringify(v.origin.warnings),
        v.origin.editOf ?? null,
        v.origin.modelServer ? JSON.stringify(v.origin.modelServer) : null,
        v.narrow ? this.putBlob(v.narrow.render) : null,
        v.narrow ? this.putBlob(v.narrow.diff) : null,
        v.narrow ? JSON.stringify(v.narrow.scores) : null,
        v.narrow ? JSON.stringify(v.narrow.checks) : null,
      );
    const insertFile = this.db.prepare('INSERT INTO files (version_id, path, blob, is_text) VALUES (?, ?, ?, ?)');
    for (const f of v.files) insertFile.run(versionId, f.path, ...this.putFile(f));
    return versionId;
  }

  /** The designs table's narrow_* columns, in order, for the narrower design of one page at two widths. */
  private narrowColumns(narrow: NarrowDesign): [string, string, number, number, string, string | null] {
    const ir = narrow.ir === undefined ? null : this.putBlob(new TextEncoder().encode(narrow.ir));
    return [narrow.name, this.putBlob(narrow.png), narrow.width, narrow.height, JSON.stringify(narrow.textBlocks), ir];
  }

  /** A file's blob and whether it is text, as the files tables hold them. */
  private putFile(f: StoredFile): [blob: string, isText: 0 | 1] {
    return typeof f.contents === 'string' ? [this.putBlob(Buffer.from(f.contents, 'utf8')), 1] : [this.putBlob(f.contents), 0];
  }

  private storedFile(f: Row): StoredFile {
    const bytes = this.blob(f.blob as string);
    return { path: f.path as string, contents: f.is_text ? Buffer.from(bytes).toString('utf8') : bytes };
  }

  private putBlob(bytes: Uint8Array): string {
    const hash = createHash('sha256').update(bytes).digest('hex');
    this.db.prepare('INSERT OR IGNORE INTO blobs (hash, bytes) VALUES (?, ?)').run(hash, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return hash;
  }

  private blob(hash: string): Uint8Array {
    const row = this.db.prepare('SELECT bytes FROM blobs WHERE hash = ?').get(hash) as { bytes: Buffer } | undefined;
    if (!row) throw new LoupeError('INPUT_CORRUPT', `The history database ${this.path} is missing data (${hash.slice(0, 12)}); move it aside to start a new one.`);
    return new Uint8Array(row.bytes);
  }

  /** An app goes with its last screen; data goes with the last thing that used it. */
  private dropUnused(): void {
    this.db.exec(`DELETE FROM apps WHERE id NOT IN (SELECT app_id FROM designs WHERE app_id IS NOT NULL);
      DELETE FROM blobs WHERE hash NOT IN (
      SELECT png FROM designs UNION SELECT ir FROM designs WHERE ir IS NOT NULL UNION SELECT render FROM versions UNION SELECT diff FROM versions
      UNION SELECT narrow_png FROM designs WHERE narrow_png IS NOT NULL UNION SELECT narrow_ir FROM designs WHERE narrow_ir IS NOT NULL
      UNION SELECT narrow_render FROM versions WHERE narrow_render IS NOT NULL UNION SELECT narrow_diff FROM versions WHERE narrow_diff IS NOT NULL
      UNION SELECT blob FROM files UNION SELECT blob FROM app_files)`);
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current === SCHEMA_VERSION) return;
    if (current > SCHEMA_VERSION) {
      throw new Error(`it was written by a newer Loupe (schema ${current}, this one knows ${SCHEMA_VERSION})`);
    }
    this.db.transaction(() => {
      // A new file gets the whole schema; schema 1 lacked the designs' IR, schema 2 the apps,
      // schema 3 what made each version, schema 4 the openai backend and a model server's report,
      // schema 5 the narrower design of one page at two widths.
      if (current === 0) this.db.exec(SCHEMA);
      if (current === 1) this.db.exec('ALTER TABLE designs ADD COLUMN ir TEXT REFERENCES blobs(hash)');
      if (current === 1 || current === 2) {
        this.db.exec(`${APPS}
          ALTER TABLE designs ADD COLUMN app_id TEXT REFERENCES apps(id) ON DELETE CASCADE;
          ALTER TABLE designs ADD COLUMN app_screen TEXT;`);
      }
      if (current >= 1 && current <= 3) {
        // What made a version was not kept: its backend is unknown, with no fallback or warnings
        // recorded. Except where the local model cannot have made it (it writes html-css in fast
        // mode from a picture only), so perception did: another stack, think mode, a design with
        // an IR of its own (a Figma frame, a video's screen). An edit keeps its version's stack
        // and mode, so the same holds for it; which version it was edited from is not known.
        this.db.exec(`ALTER TABLE versions ADD COLUMN backend TEXT NOT NULL DEFAULT 'unknown' CHECK (backend IN ('perception', 'local', 'unknown'));
          ALTER TABLE versions ADD COLUMN model_dir TEXT;
          ALTER TABLE versions ADD COLUMN fell_back INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE versions ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
          ALTER TABLE versions ADD COLUMN edit_of INTEGER;
          UPDATE versions SET backend = 'perception'
            WHERE stack <> 'html-css' OR mode <> 'fast' OR design_id IN (SELECT id FROM designs WHERE ir IS NOT NULL OR app_id IS NOT NULL);`);
      }
      if (current >= 1 && current <= 4) {
        // SQLite cannot widen a CHECK constraint in place: the table is rebuilt and its rows
        // copied (foreign keys are off, so the files that refer to the versions stay).
        this.db.exec(`${versionsTable('versions_5')}
          INSERT INTO versions_5 (${VERSION_COLUMNS_4}) SELECT ${VERSION_COLUMNS_4} FROM versions;
          DROP TABLE versions;
          ALTER TABLE versions_5 RENAME TO versions;
          ${VERSIONS_INDEX}`);
        const broken = [...(this.db.pragma('foreign_key_check(versions)') as unknown[]), ...(this.db.pragma('foreign_key_check(files)') as unknown[])];
        if (broken.length > 0) throw new Error(`${broken.length} rows refer to data that is missing`);
      }
      // The rebuilt versions table above has the narrow columns already; schema 5's gets them here.
      if (current === 5) for (const column of VERSION_NARROW_COLUMN_LIST) this.db.exec(`ALTER TABLE versions ADD COLUMN ${column}`);
      if (current >= 1) for (const column of DESIGN_NARROW_COLUMNS) this.db.exec(`ALTER TABLE designs ADD COLUMN ${column}`);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }
}

const appPlace = (d: Row): { app?: AppPlace } => (d.app_id ? { app: { appId: d.app_id as string, screen: d.app_screen as string } } : {});

const toSummary = (v: Row): VersionSummary => ({
  versionId: v.id as string,
  number: v.number as number,
  kind: v.kind as VersionSummary['kind'],
  stack: v.stack as string,
  mode: v.mode as string,
  scores: JSON.parse(v.scores as string) as Record<string, number>,
  createdAt: v.created_at as number,
  origin: {
    backend: v.backend as VersionOrigin['backend'],
    ...(v.model_dir !== null && { modelDir: v.model_dir as string }),
    fellBack: v.fell_back === 1,
    warnings: JSON.parse(v.warnings as string) as string[],
    ...(v.model_server !== null && { modelServer: JSON.parse(v.model_server as string) as VersionOrigin['modelServer'] }),
    ...(v.edit_of !== null && { editOf: v.edit_of as number }),
  },
});

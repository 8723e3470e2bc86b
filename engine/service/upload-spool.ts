// Uploads waiting in the job queue are kept on disk, not in memory (20 queued videos of 100 MB
// would be 2 GB of the engine's): each in a file of its own under the data folder's scratch area,
// read back when its job starts and removed when the job ends or is cancelled. Each engine spools
// into a folder of its own, named for its process, so two engines on one data folder (the desktop
// app and `loupe serve`) never remove each other's uploads; an engine starting removes the folders
// of engines no longer running (one killed, or stopped by a power cut, left its uploads behind).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SpooledUpload {
  path: string;
  read(): Promise<Buffer>;
  remove(): Promise<void>;
}

/** Where the uploads of the engines using this data folder are spooled. */
export const uploadsDir = (dataDir: string) => join(dataDir, 'scratch', 'uploads');

export class UploadSpool {
  /** This engine's own folder: `<process id>-<random>`, so a second engine in the same process keeps its own too. */
  readonly dir: string;

  constructor(dataDir: string) {
    const root = uploadsDir(dataDir);
    removeLeftovers(root);
    this.dir = join(root, `${process.pid}-${randomUUID()}`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  async put(bytes: Uint8Array): Promise<SpooledUpload> {
    const path = join(this.dir, randomUUID());
    await writeFile(path, bytes, { mode: 0o600, flag: 'wx' });
    return { path, read: () => readFile(path), remove: () => rm(path, { force: true }) };
  }

  /** At the engine's stop: whatever is still queued goes with it. */
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function removeLeftovers(root: string): void {
  let folders: string[];
  try {
    folders = readdirSync(root);
  } catch {
    return;
  }
  for (const folder of folders) {
    const pid = Number(/^(\d+)-/.exec(folder)?.[1]);
    if (!isRunning(pid)) rmSync(join(root, folder), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    // Signal 0 only asks whether the process exists; EPERM: it does, as another user's.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// The desktop app exports only into a folder picked in the system's folder dialog during this
// run: the renderer shows generated code, and whatever runs in it can call the API, but it cannot
// answer the dialog. The main process remembers the dialog's answers and checks every export.
import { resolve } from 'node:path';
import { EngineCallError } from './engine-client.ts';

export class PickedFolders {
  private readonly picked = new Set<string>();

  /** A folder the dialog gave. */
  add(dir: string): string {
    this.picked.add(resolve(dir));
    return dir;
  }

  /** Refuses an export whose folder the dialog did not give; other calls pass. */
  check(method: string, body: unknown): void {
    if (method !== 'export') return;
    const dir = (body as { dir?: unknown } | null)?.dir;
    if (typeof dir !== 'string' || !this.picked.has(resolve(dir))) {
      throw new EngineCallError('OUTPUT_UNSAFE', 'Choose the folder with "Choose…": the app exports only into a folder picked in its dialog.');
    }
  }
}

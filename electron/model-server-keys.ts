// Model servers' keys as the desktop app keeps them between runs: each encrypted by the system
// (Electron's safeStorage: the macOS Keychain, Windows DPAPI, the Linux secret service) and
// written, so encrypted, to a file of the app's own in its user-data folder. Where the system
// cannot encrypt, nothing is written: the app holds the key for the session only. The renderer
// reaches this through three allow-listed IPC channels, whose arguments are checked here.
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { ModelServerKeyRequest } from '../engine/api/contract.ts';

/** Encryption with a secret the system keeps; `available` is false where it has none (Linux's basic_text store among them). */
export interface Cipher {
  available(): Promise<boolean>;
  encrypt(text: string): Promise<Buffer>;
  decrypt(sealed: Buffer): Promise<string>;
}

const KeyFileContents = z.object({ version: z.literal(1), keys: z.record(z.string(), z.base64()) });

export class ModelServerKeyFile {
  // One change at a time: two saves must not each write what the other has not read.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string, private readonly cipher: Cipher) {}

  /** false: the system cannot encrypt it, so it was not written. */
  async save(baseUrl: string, key: string): Promise<boolean> {
    if (!(await this.cipher.available())) return false;
    const sealed = (await this.cipher.encrypt(key)).toString('base64');
    await this.change(async (keys) => void keys.set(baseUrl, sealed));
    return true;
  }

  async load(baseUrl: string): Promise<string | undefined> {
    const sealed = (await this.read()).get(baseUrl);
    return sealed === undefined ? undefined : this.open(sealed);
  }

  forget(baseUrl: string): Promise<void> {
    return this.change(async (keys) => void keys.delete(baseUrl));
  }

  /** Every key that opens: what a restarted engine is given again. */
  async all(): Promise<Array<{ baseUrl: string; key: string }>> {
    const opened = await Promise.all([...(await this.read())].map(async ([baseUrl, sealed]) => ({ baseUrl, key: await this.open(sealed) })));
    return opened.filter((k): k is { baseUrl: string; key: string } => k.key !== undefined);
  }

  /** A key the system can no longer open (a reset keychain, a copied profile) is as good as none: the app asks again. */
  private async open(sealed: string): Promise<string | undefined> {
    try {
      return (await this.cipher.available()) ? await this.cipher.decrypt(Buffer.from(sealed, 'base64')) : undefined;
    } catch {
      return undefined;
    }
  }

  private async read(): Promise<Map<string, string>> {
    try {
      const parsed = KeyFileContents.safeParse(JSON.parse(await readFile(this.path, 'utf8')));
      // A damaged file holds nothing usable; the next save writes a good one.
      return new Map(parsed.success ? Object.entries(parsed.data.keys) : []);
    } catch {
      return new Map();
    }
  }

  private change<T>(edit: (keys: Map<string, string>) => Promise<T>): Promise<T> {
    const done = this.queue.then(async () => {
      const keys = await this.read();
      const result = await edit(keys);
      // Written whole, then renamed over the old: a crash leaves one file or the other, not half of one.
      const partial = `${this.path}.partial`;
      await writeFile(partial, JSON.stringify({ version: 1, keys: Object.fromEntries(keys) }), { mode: 0o600 });
      await chmod(partial, 0o600);
      await rename(partial, this.path);
      return result;
    });
    this.queue = done.catch(() => undefined);
    return done;
  }
}

/** What the renderer may ask of the key file, by IPC channel; anything malformed is refused before the file is touched. */
export function keyChannels(file: ModelServerKeyFile): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const address = (baseUrl: unknown) => ModelServerKeyRequest.shape.baseUrl.parse(baseUrl);
  return {
    'loupe:key-save': (baseUrl, key) => {
      const checked = ModelServerKeyRequest.parse({ baseUrl, key });
      if (checked.key === null) throw new Error('No key to save.');
      return file.save(checked.baseUrl, checked.key);
    },
    'loupe:key-load': async (baseUrl) => file.load(address(baseUrl)),
    'loupe:key-forget': async (baseUrl) => file.forget(address(baseUrl)),
  };
}

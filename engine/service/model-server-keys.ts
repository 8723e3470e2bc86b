// The keys the engine sends to model servers, one per server address, held in this process's
// memory only: no conversion request carries one, and nothing the engine writes (the history, an
// export, a log line, an error) may hold one. Whoever started the engine (the app, at start) sets
// them again after a restart.

/** One server however its address is written: `http://box:8000/v1/` and `http://box:8000/v1` are the same. */
export const serverAddress = (baseUrl: string) => baseUrl.trim().replace(/\/+$/, '');

/** What stands in for a key in text the engine passes on. */
export const HIDDEN_KEY = '[key hidden]';

export class ModelServerKeys {
  private readonly keys = new Map<string, string>();

  /** Sets the server's key; null forgets it. */
  set(baseUrl: string, key: string | null): void {
    if (key === null) this.keys.delete(serverAddress(baseUrl));
    else this.keys.set(serverAddress(baseUrl), key);
  }

  get(baseUrl: string): string | undefined {
    return this.keys.get(serverAddress(baseUrl));
  }

  /**
   * `text` with every key held replaced: a server that echoes the Authorization header in its
   * error, or a library that puts it in a message, must not carry it into a job's failure or the
   * history's warnings.
   */
  hide(text: string): string {
    let hidden = text;
    for (const key of this.keys.values()) hidden = hidden.split(key).join(HIDDEN_KEY);
    return hidden;
  }
}

// Bytes the app loads by URL (design, render, diff, previews), kept in memory under random ids
// and dropped oldest-first beyond a byte budget, so a long session does not grow without bound.
import { randomUUID } from 'node:crypto';

export interface Artifact {
  bytes: Uint8Array;
  mime: string;
}

export class ArtifactStore {
  private readonly items = new Map<string, Artifact>();
  private bytes = 0;

  constructor(private readonly budgetBytes = 512 * 1024 * 1024) {}

  /** Stores the bytes and returns their URL path. */
  put(bytes: Uint8Array | string, mime: string, extension: string): string {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const id = `${randomUUID()}.${extension}`;
    this.items.set(id, { bytes: data, mime });
    this.bytes += data.byteLength;
    for (const [oldest, item] of this.items) {
      if (this.bytes <= this.budgetBytes || oldest === id) break;
      this.items.delete(oldest);
      this.bytes -= item.bytes.byteLength;
    }
    return `/artifacts/${id}`;
  }

  get(id: string): Artifact | undefined {
    return this.items.get(id);
  }
}

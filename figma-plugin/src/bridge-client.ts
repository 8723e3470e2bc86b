// The plugin's side of Loupe's bridge (engine/transport/figma-bridge.ts): pair with the code the
// app shows, then send frames with the token. Every failure becomes a sentence for the user.
import type { FigmaFrameResult } from '../../engine/api/contract.ts';
import type { ExportedFrame } from './messages.ts';

export const BRIDGE_URL = 'http://localhost:4174/';

export class BridgeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Base64 in chunks: spreading a multi-megabyte array into one call overflows the stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export class BridgeClient {
  constructor(
    private readonly baseUrl = BRIDGE_URL,
    private token?: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  get paired(): boolean {
    return this.token !== undefined;
  }

  /** Whether Loupe answers, and whether it still knows this plugin's token (it forgets them when it restarts). */
  async status(): Promise<{ reachable: boolean; paired: boolean }> {
    try {
      const answer = (await this.request('figma/status', { method: 'GET' })) as { paired: boolean };
      if (!answer.paired) this.token = undefined;
      return { reachable: true, paired: answer.paired };
    } catch {
      return { reachable: false, paired: false };
    }
  }

  async pair(code: string): Promise<void> {
    const answer = (await this.request('figma/pair', { method: 'POST', body: JSON.stringify({ code: code.trim() }) })) as { token: string };
    this.token = answer.token;
  }

  async send(frame: ExportedFrame): Promise<FigmaFrameResult> {
    const body = JSON.stringify({ name: frame.name, document: frame.document, png: toBase64(frame.png), variables: frame.variables });
    return (await this.request('figma/frames', { method: 'POST', body })) as FigmaFrameResult;
  }

  private async request(path: string, init: { method: string; body?: string }): Promise<unknown> {
    const headers: Record<string, string> = { ...(init.body && { 'content-type': 'application/json' }), ...(this.token && { authorization: `Bearer ${this.token}` }) };
    let response: Response;
    try {
      response = await this.fetchImpl(new URL(path, this.baseUrl), { ...init, headers });
    } catch {
      throw new BridgeError('UNREACHABLE', 'Loupe is not answering. Open the Loupe app (or `npm run web`) on this computer.');
    }
    const json = (await response.json().catch(() => undefined)) as { code?: string; message?: string } | undefined;
    if (response.ok) return json;
    if (response.status === 401) this.token = undefined;
    throw new BridgeError(json?.code ?? `HTTP_${response.status}`, json?.message ?? `Loupe answered ${response.status}.`);
  }
}

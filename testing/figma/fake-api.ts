// Test support: Figma's REST API on 127.0.0.1, serving recorded answers and noting each request,
// so the client and `loupe figma` are tested over real HTTP without reaching Figma.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIGMA_DATA } from '../data.ts';

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Never answer: for timeouts. */
  hang?: boolean;
}

export interface SeenRequest {
  /** Path and query as sent. */
  path: string;
  token: string | undefined;
}


/** A real GET /v1/files/:key/nodes?geometry=paths response and Figma's PNG of its frame. */
export const recorded = {
  node: '1038:24',
  nodesJson: readFileSync(FIGMA_DATA + 'grida-vector-frame.response.json', 'utf8'),
  png: readFileSync(FIGMA_DATA + 'grida-vector-frame.png'),
};

export const jsonAnswer = (value: unknown, status = 200): Answer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

export class FakeFigmaApi {
  readonly requests: SeenRequest[] = [];
  /** By path and query as the client sends them; a list is served in turn, its last answer from then on. */
  readonly answers = new Map<string, Answer | Answer[]>();
  url = '';
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const path = req.url ?? '';
      const token = req.headers['x-figma-token'];
      this.requests.push({ path, token: typeof token === 'string' ? token : undefined });
      const entry = this.answers.get(path);
      const answer = Array.isArray(entry) ? (entry.length > 1 ? entry.shift()! : entry[0]!) : entry;
      if (answer?.hang) return;
      const { status, headers, body } = answer ?? jsonAnswer({ status: 404, err: 'Not found' }, 404);
      res.writeHead(status ?? 200, headers).end(body);
    });
  }

  static async start(): Promise<FakeFigmaApi> {
    const api = new FakeFigmaApi();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  /** Figma's answers for one node of a file: its JSON, its render's URL and bytes, the file's image fills. */
  serveFrame(key: string, frame: { node: string; nodesJson: string; png: Uint8Array; fills?: Record<string, Uint8Array> }): void {
    const ids = encodeURIComponent(frame.node);
    const fills = frame.fills ?? {};
    this.answers.set(`/v1/files/${key}/nodes?ids=${ids}&geometry=paths`, { headers: { 'content-type': 'application/json' }, body: frame.nodesJson });
    this.answers.set(`/v1/images/${key}?ids=${ids}&format=png&scale=2`, jsonAnswer({ err: null, images: { [frame.node]: `${this.url}/render/${ids}.png` } }));
    this.answers.set(`/render/${ids}.png`, { headers: { 'content-type': 'image/png' }, body: frame.png });
    const urls = Object.fromEntries(Object.keys(fills).map((ref) => [ref, `${this.url}/fills/${ref}`]));
    this.answers.set(`/v1/files/${key}/images`, jsonAnswer({ error: false, status: 200, meta: { images: urls } }));
    for (const [ref, bytes] of Object.entries(fills)) this.answers.set(`/fills/${ref}`, { body: bytes });
  }

  paths(): string[] {
    return this.requests.map((r) => r.path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The recorded response with image fills added to its frame: the dataset has none. */
export function withImageFills(nodesJson: string, node: string, refs: string[]): string {
  const response = JSON.parse(nodesJson);
  const frame = response.nodes[node].document;
  frame.fills = [...refs.map((imageRef) => ({ type: 'IMAGE', blendMode: 'NORMAL', scaleMode: 'FILL', imageRef })), ...frame.fills];
  return JSON.stringify(response);
}

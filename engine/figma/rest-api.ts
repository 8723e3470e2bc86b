// Figma's REST API, read-only: one node's JSON with its vector outlines, Figma's PNG render of
// it, the image fills it uses, and the names of the variables its colours are bound to. Only the API gets the token: the render and the image fills
// are downloaded from the storage URLs the API hands out, which must never see it.
import { setTimeout as sleep } from 'node:timers/promises';
import { LoupeError } from '../errors.ts';
import { IMAGE_REF } from './schema.ts';
import { checkFigmaTree } from './validate.ts';

export const FIGMA_API = 'https://api.figma.com';

export const TOKEN_HELP =
  'Create a personal access token in Figma (Settings → Security → Personal access tokens, with read access to file content) and set it in the environment: export FIGMA_TOKEN=<token>.';

export interface FigmaApiOptions {
  token: string;
  /** The API's origin (tests point it at a local server). */
  baseUrl?: string;
  /** Each request's limit, ms. */
  timeoutMs?: number;
  /** The longest Retry-After a 429 is waited out for (once), ms. */
  maxRetryWaitMs?: number;
  signal?: AbortSignal;
}

export interface FetchedImage {
  ref: string;
  /** png, jpg, gif or webp, from the bytes; bin when they are none of those. */
  ext: string;
  bytes: Uint8Array;
}

export interface FigmaFrame {
  /** The GET /v1/files/:key/nodes response as Figma sent it. */
  nodesJson: string;
  /** Figma's 2× render of the node: the ground truth a conversion is scored against. */
  png: Uint8Array;
  /** The image fills the node uses, by imageRef. */
  images: FetchedImage[];
  /** The GET /v1/files/:key/variables/local response, when the node binds variables and Figma lets the token read them. */
  variablesJson?: string;
  /** What could not be fetched but leaves the node convertible (an image fill Figma did not serve). */
  warnings: string[];
}

const MAX_RESPONSE_BYTES = 200 * 1024 * 1024;
const IMAGE_DOWNLOADS_AT_ONCE = 4;

/** `1:2`, or `1-2` as Figma links write it (instances: `I1-2;3-4`) → the API's `1:2`. */
export function normaliseNodeId(id: string): string {
  const trimmed = id.trim();
  if (!/^I?\d+[:-]\d+(;\d+[:-]\d+)*$/.test(trimmed)) {
    throw new LoupeError('INVALID_ARGUMENT', `"${id}" is not a Figma node id; copy it from the frame's link (node-id=1-2 is 1:2).`);
  }
  return trimmed.replaceAll('-', ':');
}

/** A file key, or a Figma link (figma.com/design/<key>/…?node-id=1-2) → the key and the link's node. */
export function parseFigmaTarget(keyOrLink: string): { fileKey: string; nodeId?: string } {
  const text = keyOrLink.trim();
  if (/^[A-Za-z0-9]+$/.test(text)) return { fileKey: text };
  let url: URL | undefined;
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    url = undefined;
  }
  const parts = url?.pathname.split('/').filter(Boolean) ?? [];
  const isFigma = url && (url.hostname === 'figma.com' || url.hostname.endsWith('.figma.com'));
  // A branch's link names the main file, then the branch: the API wants the branch's key.
  const branch = parts.indexOf('branch');
  const fileKey = branch >= 0 ? parts[branch + 1] : parts[1];
  if (!isFigma || !fileKey || !/^[A-Za-z0-9]+$/.test(fileKey)) {
    throw new LoupeError('INVALID_ARGUMENT', `"${keyOrLink}" is neither a Figma file key nor a link to a Figma file (https://www.figma.com/design/<key>/…?node-id=1-2).`);
  }
  const nodeId = url!.searchParams.get('node-id');
  return nodeId ? { fileKey, nodeId: normaliseNodeId(nodeId) } : { fileKey };
}

/** Fetches a node of a Figma file: its JSON (with outlines), its PNG render at 2× and its image fills. */
export async function fetchFigmaFrame(fileKey: string, nodeId: string, options: FigmaApiOptions): Promise<FigmaFrame> {
  const api = new Client(options);
  const ids = encodeURIComponent(nodeId);
  const file = encodeURIComponent(fileKey);
  const nodes = await api.json(`/v1/files/${file}/nodes?ids=${ids}&geometry=paths`, `Figma has no file ${fileKey}; check the key in the file's link (figma.com/design/<key>/…).`);
  const node = (nodes.json as { nodes?: Record<string, { document?: unknown } | null> }).nodes?.[nodeId]?.document;
  if (!node) {
    throw new LoupeError('INPUT_NOT_FOUND', `Figma file ${fileKey} has no node ${nodeId}; copy the node-id from the frame's link (node-id=1-2 is 1:2).`);
  }
  // A node the converter would refuse costs no render and no downloads; what it would leave out is said when it is converted.
  checkFigmaTree(node, `Node ${nodeId} of ${fileKey}`);
  const refs = imageRefsIn(node);
  const [png, fills, variables] = await Promise.all([
    renderOf(api, file, nodeId),
    refs.length ? imageFills(api, file, fileKey, refs) : { images: [], warnings: [] },
    nodes.text.includes('"VARIABLE_ALIAS"') ? variablesOf(api, file) : {},
  ]);
  const { warning, variablesJson } = variables as { warning?: string; variablesJson?: string };
  return { nodesJson: nodes.text, png, ...fills, ...(variablesJson ? { variablesJson } : {}), warnings: warning ? [...fills.warnings, warning] : fills.warnings };
}

/**
 * The file's variables. Figma serves them only to Enterprise members with the
 * file_variables:read scope; anyone else still gets the frame, with plain colours.
 */
async function variablesOf(api: Client, file: string): Promise<{ variablesJson: string } | { warning: string }> {
  try {
    return { variablesJson: (await api.json(`/v1/files/${file}/variables/local`, 'Figma has no variables for this file.')).text };
  } catch (error) {
    if (!(error instanceof LoupeError) || !['AUTH_REJECTED', 'INPUT_NOT_FOUND'].includes(error.code)) throw error;
    return {
      warning:
        "Figma did not hand out the file's variables (they need an Enterprise plan and a token with the file_variables:read scope): colours bound to variables are written as plain colours.",
    };
  }
}

async function renderOf(api: Client, file: string, nodeId: string): Promise<Uint8Array> {
  const { json } = await api.json(`/v1/images/${file}?ids=${encodeURIComponent(nodeId)}&format=png&scale=2`, `Figma could not find node ${nodeId} to render it.`);
  const url = (json as { images?: Record<string, string | null> }).images?.[nodeId];
  if (typeof url !== 'string' || !url) {
    throw new LoupeError(
      'SERVER_RESPONSE_INVALID',
      `Figma sent no PNG render of node ${nodeId} (it does that for hidden, empty or zero-size layers). Pick a visible frame, or export it as PNG in Figma and convert the saved JSON with loupe convert --png.`,
    );
  }
  return api.download(url, `Figma's render of node ${nodeId}`);
}

async function imageFills(api: Client, file: string, fileKey: string, refs: string[]): Promise<Pick<FigmaFrame, 'images' | 'warnings'>> {
  const { json } = await api.json(`/v1/files/${file}/images`, `Figma has no file ${fileKey}.`);
  const urls = (json as { meta?: { images?: Record<string, string | null> } }).meta?.images ?? {};
  const images: FetchedImage[] = [];
  const warnings: string[] = [];
  const wanted = refs.filter((ref) => {
    if (urls[ref]) return true;
    warnings.push(`Figma lists no image for the fill ${ref}.`);
    return false;
  });
  for (let i = 0; i < wanted.length; i += IMAGE_DOWNLOADS_AT_ONCE) {
    await Promise.all(
      wanted.slice(i, i + IMAGE_DOWNLOADS_AT_ONCE).map(async (ref) => {
        try {
          const bytes = await api.download(urls[ref]!, `the image fill ${ref}`);
          images.push({ ref, ext: imageExtension(bytes), bytes });
        } catch (error) {
          // One missing picture is a placeholder in the result, not a reason to fetch nothing.
          if (error instanceof LoupeError && error.code !== 'CANCELLED') warnings.push(error.message);
          else throw error;
        }
      }),
    );
  }
  return { images: images.sort((a, b) => a.ref.localeCompare(b.ref)), warnings };
}

/** Every well-formed imageRef under a node (fills, strokes, backgrounds), once each; its own stack, so no nesting is too deep. */
function imageRefsIn(node: unknown): string[] {
  const refs = new Set<string>();
  const stack = [node];
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    for (const [key, value] of Object.entries(v)) {
      if (key === 'imageRef' && typeof value === 'string' && IMAGE_REF.test(value)) refs.add(value);
      else stack.push(value);
    }
  }
  return [...refs];
}

function imageExtension(b: Uint8Array): string {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return 'bin';
}

interface Fetched {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

class Client {
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly maxRetryWaitMs: number;

  constructor(private readonly options: FigmaApiOptions) {
    this.base = apiBase(options.baseUrl ?? FIGMA_API);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000;
  }

  /** A GET on the API, with the token; its text and parsed JSON. */
  async json(path: string, notFound: string): Promise<{ text: string; json: unknown }> {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    const r = await this.get(url, 'the Figma API', true);
    if (r.status < 200 || r.status > 299) throw this.refusal(r, notFound);
    const text = r.bytes.toString('utf8');
    try {
      return { text, json: JSON.parse(text) };
    } catch {
      throw new LoupeError(
        'SERVER_RESPONSE_INVALID',
        `${this.base.origin} answered ${url.pathname} with something that is not JSON (${r.headers.get('content-type') ?? 'no content type'}). Check that LOUPE_FIGMA_API or --api, if set, points at Figma's API.`,
      );
    }
  }

  /** A GET on a URL the API handed out; no token goes with it. */
  async download(href: string, what: string): Promise<Uint8Array> {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      throw new LoupeError('SERVER_RESPONSE_INVALID', `Figma gave no valid address for ${what}.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new LoupeError('SERVER_RESPONSE_INVALID', `Figma gave an address for ${what} that is not http(s).`);
    }
    const r = await this.get(url, what, false);
    if (r.status < 200 || r.status > 299) {
      throw new LoupeError('SERVER_UNAVAILABLE', `Could not download ${what}: ${url.host} answered HTTP ${r.status}. Try again; its address expires after a while.`);
    }
    return r.bytes;
  }

  private async get(url: URL, what: string, withToken: boolean): Promise<Fetched> {
    const first = await this.send(url, what, withToken);
    if (first.status !== 429) return first;
    const waitMs = retryAfterMs(first.headers.get('retry-after'));
    if (waitMs === undefined || waitMs > this.maxRetryWaitMs) return first;
    try {
      await sleep(waitMs, undefined, { signal: this.options.signal });
    } catch {
      throw new LoupeError('CANCELLED', 'Cancelled.');
    }
    return this.send(url, what, withToken);
  }

  private async send(url: URL, what: string, withToken: boolean): Promise<Fetched> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    try {
      const response = await fetch(url, {
        headers: withToken ? { 'X-Figma-Token': this.options.token } : {},
        // A redirect could carry the token to another host.
        redirect: withToken ? 'manual' : 'follow',
        signal,
      });
      return { status: response.status, headers: response.headers, bytes: await readLimited(response, what) };
    } catch (error) {
      if (error instanceof LoupeError) throw error;
      if (this.options.signal?.aborted) throw new LoupeError('CANCELLED', 'Cancelled.');
      if (timeout.aborted) {
        throw new LoupeError('SERVER_UNAVAILABLE', `${url.host} did not answer within ${this.timeoutMs / 1000} s (fetching ${what}). Check your connection and try again.`);
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new LoupeError(
        'SERVER_UNAVAILABLE',
        `Could not reach ${url.host} (${cause?.code ?? cause?.message ?? (error as Error).message}) while fetching ${what}. Check your connection${withToken ? ', and LOUPE_FIGMA_API or --api if set,' : ''} and try again.`,
      );
    }
  }

  /** What an API answer other than 2xx means for the user. */
  private refusal(r: Fetched, notFound: string): LoupeError {
    const said = this.figmaMessage(r.bytes);
    const http = `HTTP ${r.status}${said ? `: ${said}` : ''}`;
    if (r.status === 401 || r.status === 403) {
      return new LoupeError(
        'AUTH_REJECTED',
        `Figma refused the token (${http}): it has expired or been revoked, lacks read access to file content, or its account cannot open this file. Ask the file's owner for access, or create a new token. ${TOKEN_HELP}`,
      );
    }
    if (r.status === 404) return new LoupeError('INPUT_NOT_FOUND', `${notFound} (${http})`);
    if (r.status === 429) {
      const waitMs = retryAfterMs(r.headers.get('retry-after'));
      const wait = waitMs === undefined ? 'a minute' : duration(waitMs);
      return new LoupeError('RATE_LIMITED', `Figma's rate limit for this token was reached (${http}). Wait ${wait} and run the command again.`);
    }
    if (r.status >= 500) return new LoupeError('SERVER_UNAVAILABLE', `Figma's API failed (${http}). Try again in a few minutes.`);
    if (r.status === 400) return new LoupeError('INVALID_ARGUMENT', `Figma refused the request (${http}).`);
    return new LoupeError('SERVER_RESPONSE_INVALID', `Figma's API answered ${http}, which Loupe does not understand.`);
  }

  /** Figma's own words for an error (`{"status": 403, "err": "Invalid token"}`), without the token should they echo it. */
  private figmaMessage(bytes: Buffer): string {
    let said = '';
    try {
      const body = JSON.parse(bytes.toString('utf8')) as { err?: unknown; message?: unknown };
      said = String(body.err ?? body.message ?? '');
    } catch {
      return '';
    }
    return (this.options.token ? said.replaceAll(this.options.token, '…') : said).slice(0, 200);
  }
}

function apiBase(href: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(href);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new LoupeError('INVALID_ARGUMENT', `"${href}" is not an http(s) address for Figma's API (LOUPE_FIGMA_API or --api).`);
  }
  return url;
}

async function readLimited(response: Response, what: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      throw new LoupeError('INPUT_TOO_LARGE', `The answer for ${what} is over ${MAX_RESPONSE_BYTES / 1024 / 1024} MB; pick a smaller frame.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.ceil(s / 60)} min`;
  return `${Math.ceil(s / 3600)} h`;
}

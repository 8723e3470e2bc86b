// The loopback API's request bodies: POSTs with this launch's key to the real server, each
// method's body either a well-formed request damaged, arbitrary JSON, or not JSON at all.
// Methods that start a job (convert, detectVideo, generateVideo, regenerate) get only bodies the
// contract refuses, so a case never starts minutes of perception; their accepted path is the
// other kinds' work. A 4xx with a JSON error is a refusal; a 5xx is an internal error.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { z } from 'zod';
import { API } from '../../../engine/api/contract.ts';
import { RenderPool } from '../../../engine/render/pool.ts';
import { startServer } from '../../../engine/transport/http.ts';
import type { FuzzTarget, Outcome } from '../kind.ts';
import { caseValue, mutatedJson } from '../mutate.ts';

const JOB_METHODS = new Set(['convert', 'detectVideo', 'generateVideo', 'regenerate']);
const files = [{ path: 'index.html', contents: '<!doctype html><p>Hi</p>' }];
/** Well-formed requests, to be damaged; a method absent here gets arbitrary bodies only. */
const REQUESTS: Record<string, unknown> = {
  cancel: { jobId: 'job-1' },
  open: { versionId: 'v-1' },
  delete: { designId: 'd-1' },
  save: { versionId: 'v-1', files },
  edit: { versionId: 'v-1', files, score: false },
  export: { versionId: 'v-1', dir: join(tmpdir(), 'loupe-fuzz-export'), format: 'files' },
  modelFolder: { modelDir: join(tmpdir(), 'loupe-fuzz-no-model') },
};

interface ApiCase {
  method: string;
  body: string;
  withKey: boolean;
}

export async function startApi(): Promise<FuzzTarget> {
  const appDir = await mkdtemp(join(tmpdir(), 'loupe-fuzz-api-'));
  await writeFile(join(appDir, 'index.html'), '<!doctype html><title>Loupe</title>');
  const server = await startServer({ pool: new RenderPool(1), appDir, historyPath: join(appDir, 'history.sqlite'), exportsRoot: tmpdir(), figmaBridge: { port: 0 } });
  // The model server methods are left out: a damaged address would have the engine call it.
  const methods = Object.keys(API).filter((m) => !m.startsWith('modelServer'));
  const anyBody = fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ maxLength: 200 }), fc.constant(''));
  const request = fc.oneof(
    fc.tuple(fc.constantFrom(...methods), anyBody).map(([method, body]) => ({ method, body, how: 'arbitrary body' })),
    fc.constantFrom(...Object.keys(REQUESTS)).chain((method) => mutatedJson(REQUESTS[method]).map(({ value, how }) => ({ method, body: value, how }))),
    fc.tuple(fc.constantFrom('no-such-method', 'constructor', '__proto__', '..%2Fhistory'), anyBody).map(([method, body]) => ({ method, body, how: 'not a method' })),
  );
  const apiCase = fc.tuple(request, fc.nat(19)).map(([r, k]) => ({ ...r, withKey: k !== 0, how: `POST /api/${r.method}: ${r.how}${k === 0 ? ', without the key' : ''}` }));
  return {
    make(seed, n) {
      const { how, ...c } = caseValue(apiCase, seed, n);
      return { name: 'request.json', bytes: Buffer.from(JSON.stringify(c satisfies ApiCase)), how };
    },
    async run(path): Promise<Outcome> {
      const c = JSON.parse(await readFile(path, 'utf8')) as ApiCase;
      // A job method given a body the contract takes would start a conversion: not this kind's work.
      if (JOB_METHODS.has(c.method) && (API[c.method as keyof typeof API] as { request?: z.ZodType }).request?.safeParse(safeJson(c.body)).success) return 'accepted';
      const headers = { 'content-type': 'application/json', ...(c.withKey ? server.appHeaders : {}) };
      const response = await fetch(new URL(`api/${c.method}`, server.url), { method: 'POST', headers, body: c.body });
      const text = await response.text();
      if (response.status >= 500) throw new Error(`HTTP ${response.status}: ${text.slice(0, 500)}`);
      if (response.ok) return 'accepted';
      const error = safeJson(text) as { code?: unknown; message?: unknown } | undefined;
      if (typeof error?.code !== 'string' || typeof error.message !== 'string') throw new Error(`HTTP ${response.status} without a JSON error: ${text.slice(0, 500)}`);
      return 'refused';
    },
    async close() {
      await server.close();
      await rm(appDir, { recursive: true, force: true });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

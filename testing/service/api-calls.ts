// The engine's API as a test calls it over loopback: its methods, and its job events (server-sent events).
import type { JobEvent } from '../../engine/api/contract.ts';

/** Every event of the open stream `response`, in order, until it ends or is aborted. */
export async function* jobEvents(response: Response): AsyncGenerator<JobEvent> {
  let buffer = '';
  for await (const chunk of response.body!) {
    buffer += Buffer.from(chunk).toString('utf8');
    const parts = buffer.split('\n\n');
    buffer = parts.pop()!;
    for (const part of parts) if (part.startsWith('data: ')) yield JSON.parse(part.slice('data: '.length)) as JobEvent;
  }
}

/** Calls API `method` of `server` as the app does (its key, JSON); its status and answer. */
export async function postApi(server: { url: string; appHeaders: Record<string, string> }, method: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(new URL(`api/${method}`, server.url), { method: 'POST', headers: { ...server.appHeaders, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

// What every HTTP server of the engine shares: the loopback-only rule, JSON bodies within a
// limit, JSON answers, and failures answered with an HTTP status for their error code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoupeError, isLoupeError, type UserErrorCode } from '../errors.ts';
import { toApiError } from '../service/service.ts';

export const LOOPBACK = '127.0.0.1';

/** A page on another site that resolves its own name to 127.0.0.1 still sends its own Host. */
export const isLoopbackHost = (host: string | undefined) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host ?? '');

/** A request's body as JSON, refused (INPUT_TOO_LARGE) as soon as it passes `limit` bytes. */
export async function readJsonBody(req: IncomingMessage, limit: number, tooLarge: string): Promise<unknown> {
  // Only JSON is accepted: a cross-site form post cannot send it without the browser asking first.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new LoupeError('INVALID_ARGUMENT', 'Requests to the API must be JSON (content-type: application/json).');
  }
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new LoupeError('INPUT_TOO_LARGE', tooLarge);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new LoupeError('INPUT_TOO_LARGE', tooLarge);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new LoupeError('INVALID_ARGUMENT', 'The request body is not valid JSON.');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The statuses of the user's errors that say more than 400 (the request is at fault). */
const STATUS_OF_CODE: Partial<Record<UserErrorCode, number>> = { INPUT_TOO_LARGE: 413, OUTPUT_EXISTS: 409, CANCELLED: 409, QUEUE_FULL: 429 };

/** A failed request's answer: a user's error with its status, anything else as the engine's fault (500). */
export function sendError(res: ServerResponse, error: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  sendJson(res, isLoupeError(error) ? (STATUS_OF_CODE[error.code] ?? 400) : 500, toApiError(error), headers);
}

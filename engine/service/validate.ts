// Requests are checked against the contract before anything acts on them; a malformed one is
// refused with a message that names what is wrong.
import type { z } from 'zod';
import type { ApiRequest } from '../api/contract.ts';
import { LoupeError } from '../errors.ts';

/** A convert request with the designs' bytes decoded. */
export type ConvertRequestParsed = Omit<ApiRequest<'convert'>, 'data' | 'also'> & { data: Buffer; also?: { name: string; data: Buffer } };

export function parseMessage<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new LoupeError('INVALID_ARGUMENT', `Malformed ${what} request (${issues}).`);
  }
  return result.data;
}

// Requests are checked against the contract before anything acts on them; a malformed one is
// refused with a message that names what is wrong.
import type { z } from 'zod';
import { ConvertRequest } from '../api/contract.ts';
import { LoupeError } from '../errors.ts';

export type ConvertRequestParsed = Omit<z.infer<typeof ConvertRequest>, 'data'> & { data: Buffer };

export function parseMessage<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new LoupeError('INVALID_ARGUMENT', `Malformed ${what} request (${issues}).`);
  }
  return result.data;
}

export function parseConvertRequest(body: unknown): ConvertRequestParsed {
  const request = parseMessage(ConvertRequest, body, 'convert');
  return { ...request, data: Buffer.from(request.data, 'base64') };
}

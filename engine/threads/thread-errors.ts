// Errors that cross from a worker thread to the thread that started it: a user's error keeps its
// code and message (structured cloning keeps neither the class nor the code), anything else its
// message.
import { LoupeError, isLoupeError, type UserErrorCode } from '../errors.ts';

export interface ThreadError {
  code?: UserErrorCode;
  message: string;
}

export const toThreadError = (error: unknown): ThreadError => ({
  ...(isLoupeError(error) && { code: error.code }),
  message: error instanceof Error ? error.message : String(error),
});

export const fromThreadError = ({ code, message }: ThreadError): Error => (code ? new LoupeError(code, message) : new Error(message));
